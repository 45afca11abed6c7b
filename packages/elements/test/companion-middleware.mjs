// A scripted stand-in for the Express companion's browser routes (docs/contracts.md), mounted in the
// web-test-runner dev server under `/__companion/<namespace>/...` so each test gets its own endpoint.
//
//   POST /__companion/<ns>/__script    { post?: [{ status, body }], orders?: { [orderId]: OrderScript } }
//   GET  /__companion/<ns>/__requests  → every request the elements made to <ns>, in order
//   GET  /__companion/<ns>/__streams   → { open } status streams of <ns> the browser has not closed
//   GET  /__companion/<ns>/methods            → the scripted `methods: { status, body }` answer
//   POST /__companion/<ns>/payments           → next scripted answer (the last one repeats)
//   GET  /__companion/<ns>/payments/:id       → views[n] for the n-th GET (the last one repeats)
//   GET  /__companion/<ns>/payments/:id/events → SSE of `views` (`sse: 'fail'` answers 503 instead)
//
// OrderScript: { views: PaymentView[], sse?: 'ok' | 'fail', date?: string (Date header), intervalMs? }

const namespaces = new Map();

function space(ns) {
  let s = namespaces.get(ns);
  if (!s) {
    s = { post: [], orders: {}, requests: [], gets: {}, openStreams: 0 };
    namespaces.set(ns, s);
  }
  return s;
}

async function readBody(req) {
  let raw = '';
  for await (const chunk of req) raw += chunk;
  if (!raw) return undefined;
  try {
    return JSON.parse(raw);
  } catch {
    return raw;
  }
}

const FINAL = new Set(['succeeded', 'failed', 'expired']);

export function companionMiddleware() {
  return async function companion(ctx, next) {
    const match = /^\/__companion\/([\w-]+)(\/.*)?$/.exec(ctx.path);
    if (!match) return next();
    const ns = space(match[1]);
    const route = match[2] ?? '/';
    const send = (status, body, date) => {
      ctx.status = status;
      ctx.type = 'application/json';
      if (date) ctx.set('Date', date);
      ctx.set('Cache-Control', 'no-store');
      ctx.body = JSON.stringify(body);
    };

    if (route === '/__script' && ctx.method === 'POST') {
      const script = await readBody(ctx.req);
      if (script.post) ns.post = script.post;
      if (script.methods) ns.methods = script.methods;
      Object.assign(ns.orders, script.orders ?? {});
      return send(200, { ok: true });
    }
    if (route === '/__requests') return send(200, ns.requests);
    if (route === '/__streams') return send(200, { open: ns.openStreams });

    const body = ctx.method === 'POST' ? await readBody(ctx.req) : undefined;
    ns.requests.push({
      method: ctx.method,
      path: route,
      ...(ctx.querystring ? { query: ctx.querystring } : {}),
      idempotencyKey: ctx.get('Idempotency-Key') || null,
      contentType: ctx.get('Content-Type') || null,
      body,
    });

    if (route === '/methods' && ctx.method === 'GET') {
      const answer = ns.methods ?? {
        status: 404,
        body: { error: { type: 'not_found', message: 'no methods' } },
      };
      return send(answer.status ?? 200, answer.body);
    }
    if (route === '/payments' && ctx.method === 'POST') {
      const answer = ns.post.length > 1 ? ns.post.shift() : ns.post[0];
      if (!answer) return send(500, { error: { type: 'api_error', message: 'no scripted answer' } });
      if (answer.drop) {
        // The connection dies mid-answer (after the request arrived): the browser's fetch fails, and it
        // cannot silently retry the POST as it may when a socket closes before any response.
        ctx.respond = false;
        ctx.res.writeHead(201, { 'Content-Type': 'application/json', 'Content-Length': '1000' });
        ctx.res.write('{"orderId":');
        setTimeout(() => ctx.res.socket?.destroy(), 20);
        return;
      }
      return send(answer.status, answer.body, answer.date);
    }

    const order = /^\/payments\/([\w-]+)(\/events)?$/.exec(route);
    if (order && ctx.method === 'GET') {
      const script = ns.orders[order[1]];
      if (!script) return send(404, { error: { type: 'not_found', message: 'unknown order' } });
      if (!order[2]) {
        const n = (ns.gets[order[1]] = (ns.gets[order[1]] ?? -1) + 1);
        const views = script.pollViews ?? script.views;
        return send(200, views[Math.min(n, views.length - 1)], script.date);
      }
      if (script.sse === 'fail') {
        return send(503, { error: { type: 'unavailable', message: 'stream down' } });
      }
      ctx.respond = false;
      const res = ctx.res;
      res.writeHead(200, {
        'Content-Type': 'text/event-stream',
        'Cache-Control': 'no-store',
        Connection: 'keep-alive',
      });
      let closed = false;
      ns.openStreams++;
      res.on('close', () => {
        closed = true;
        ns.openStreams--;
      });
      for (const [i, view] of script.views.entries()) {
        if (closed) return;
        res.write(`event: status\nid: ${i + 1}\ndata: ${JSON.stringify(view)}\n\n`);
        if (FINAL.has(view.status)) return void res.end();
        await new Promise((r) => setTimeout(r, script.intervalMs ?? 40));
      }
      // Not final: keep the stream open (with pings) until the element closes it.
      const ping = setInterval(() => (closed ? clearInterval(ping) : res.write(': ping\n\n')), 500);
      return;
    }
    return send(404, { error: { type: 'not_found', message: `no route ${ctx.method} ${route}` } });
  };
}
