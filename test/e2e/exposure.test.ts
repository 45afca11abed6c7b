/**
 * The demo's exposure, attacked over real HTTP as a stranger on the network would: the demo started the
 * way `npm run demo` starts it (`node demo/server.ts` in a child process, environment variables only).
 *
 * - By default it listens on 127.0.0.1 only: the machine's network address refuses the connection.
 * - With HOST=0.0.0.0 the back office (page and JSON) and the sandbox control API (`/_sandbox/…`) answer
 *   401 without the admin token printed in the banner, and so does paying in the sandbox bank app; with
 *   the token (cookie from the banner's `?token=` link, or Bearer) they work. The shop, the HaiPay
 *   router's browser API (whose payments go through the sandbox's signed wire endpoints) and the hosted
 *   pages a shopper opens still work without it.
 * - With NODE_ENV=production it refuses to start, saying why.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';

const ROOT = new URL('../../', import.meta.url).pathname;
const START_TIMEOUT_MS = 180_000; // the first start may build the storefront

interface Started {
  child: ChildProcess;
  out: string;
  url: string;
  port: number;
  /** The token in the banner's back-office link, when there is one. */
  token: string | undefined;
}

const children = new Set<ChildProcess>();
const dirs: string[] = [];
after(() => {
  for (const c of children) c.kill('SIGKILL');
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** The environment of a user's shell, minus anything of ours that would change the demo. */
function userEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const k of ['NODE_ENV', 'HOST', 'PORT', 'PUBLIC_URL', 'HAIPAY_ADMIN_TOKEN', 'DEMO_DATA_DIR'])
    delete env[k];
  const dataDir = mkdtempSync(join(tmpdir(), 'haipay-demo-exposure-'));
  dirs.push(dataDir);
  return { ...env, PORT: '0', DEMO_DATA_DIR: dataDir, ...extra };
}

function spawnDemo(extra: Record<string, string>): ChildProcess {
  const child = spawn(
    process.execPath,
    ['--conditions=@haipay-kit/source', '--import', 'tsx', 'demo/server.ts'],
    {
      cwd: ROOT,
      env: userEnv(extra),
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  children.add(child);
  child.on('exit', () => children.delete(child));
  return child;
}

/** Starts the demo and waits for its banner. */
async function startDemo(extra: Record<string, string>): Promise<Started> {
  const child = spawnDemo(extra);
  let out = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`the demo did not start in time:\n${out}`)),
      START_TIMEOUT_MS,
    );
    const onData = (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes('Ctrl+C to stop.')) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the demo exited (${code}) before it started:\n${out}`));
    });
  });
  const url = /Shop\s+(http:\/\/\S+?)\/\s/.exec(out)?.[1];
  assert.ok(url, `no shop URL in the banner:\n${out}`);
  const token = /Back office\s+\S+\/admin\?token=(\S+)/.exec(out)?.[1];
  return { child, out, url, port: Number(new URL(url).port), token: token && decodeURIComponent(token) };
}

async function stop(s: Started): Promise<void> {
  if (s.child.exitCode !== null) return;
  const exited = new Promise((r) => s.child.once('exit', r));
  s.child.kill('SIGTERM');
  await exited;
}

/** The machine's first non-loopback IPv4 address (a stranger on the LAN connects to it). */
function lanAddress(): string | undefined {
  for (const list of Object.values(networkInterfaces()))
    for (const a of list ?? []) if (a.family === 'IPv4' && !a.internal) return a.address;
  return undefined;
}

/** Resolves 'connected', 'refused', 'timeout' or the error's code for a TCP connection to host:port. */
function tryConnect(host: string, port: number): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    socket.setTimeout(3000, () => {
      socket.destroy();
      resolve('timeout');
    });
    socket.once('connect', () => {
      socket.destroy();
      resolve('connected');
    });
    socket.once('error', (err: NodeJS.ErrnoException) =>
      resolve(err.code === 'ECONNREFUSED' ? 'refused' : (err.code ?? err.message)),
    );
  });
}

const get = (url: string, headers: Record<string, string> = {}) =>
  fetch(url, { headers, redirect: 'manual' });
const postJson = (url: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
    redirect: 'manual',
  });
const postForm = (url: string, fields: Record<string, string>, headers: Record<string, string> = {}) =>
  fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body: new URLSearchParams(fields).toString(),
    redirect: 'manual',
  });

/** A shopper's PromptPay or TrueMoney payment through the shop and the HaiPay router's browser API. */
async function shopperPayment(
  demo: Started,
  method: 'promptpay' | 'truemoney',
): Promise<{ orderId: string; orderNo: string; next: Record<string, string> }> {
  const cart = await postJson(`${demo.url}/api/checkout`, { items: [{ id: 'doi-chang', qty: 1 }] });
  assert.equal(cart.status, 201, 'the shop API works without a token');
  const { orderRef } = (await cart.json()) as { orderRef: string };
  const res = await postJson(
    `${demo.url}/haipay/payments`,
    { method, orderRef, name: 'Somchai Jaidee', email: 'somchai@example.com', phone: '0812345678' },
    { origin: new URL(demo.url).origin, 'idempotency-key': `exposure-${method}-${Date.now()}` },
  );
  const text = await res.text();
  assert.equal(res.status, 201, `the router's browser API works without a token: ${text}`);
  const view = JSON.parse(text) as { orderId: string; orderNo: string; next: Record<string, string> };
  assert.ok(view.orderNo, 'the sandbox took the signed collect/apply call');
  return view;
}

describe('demo exposure (security): who can reach the back office and the sandbox controls', () => {
  test('started with default options it listens on 127.0.0.1 only; loopback needs no token', async (t) => {
    const demo = await startDemo({});
    try {
      assert.equal((await get(`${demo.url}/healthz`)).status, 200, 'the printed URL works');
      assert.doesNotMatch(demo.out, /token=/, 'no token on loopback');
      // On loopback nothing changes: the back office answers without a token.
      assert.equal((await get(`${demo.url}/api/admin/orders`)).status, 200);
      // The kit's metrics in Prometheus's text format: the reconciler's first pass (it runs at start,
      // beside the banner) is counted.
      let text = '';
      for (let i = 0; i < 100 && !/^haipay_reconciler_passes/m.test(text); i++) {
        const scrape = await get(`${demo.url}/metrics`);
        assert.equal(scrape.status, 200);
        text = await scrape.text();
      }
      assert.match(text, /^haipay_reconciler_passes(_total)?\{[^}]*completed[^}]*\} [1-9]/m);
      assert.equal(await tryConnect('127.0.0.1', demo.port), 'connected');
      const lan = lanAddress();
      if (!lan) {
        t.skip('this machine has no non-loopback IPv4 address: cannot show the port is closed to the LAN');
        return;
      }
      assert.equal(
        await tryConnect(lan, demo.port),
        'refused',
        `the demo must not accept connections on ${lan} (a LAN address) by default`,
      );
    } finally {
      await stop(demo);
    }
  });

  test('HOST=0.0.0.0: back office and sandbox controls need the admin token; the shop does not', async () => {
    const demo = await startDemo({ HOST: '0.0.0.0' });
    try {
      // A stranger reaches the demo through the machine's network address when it has one.
      const lan = lanAddress();
      const base = lan ? `http://${lan}:${demo.port}` : demo.url;

      // ---- The shop, the router's browser API and the hosted pages work without a token. ----
      const shop = await get(`${base}/`);
      assert.equal(shop.status, 200);
      assert.match(await shop.text(), /<html/i);
      assert.equal((await get(`${base}/api/catalog`)).status, 200);
      const qr = await shopperPayment(demo, 'promptpay');
      assert.equal(qr.next.type, 'qr');
      const wallet = await shopperPayment(demo, 'truemoney');
      assert.equal(wallet.next.type, 'redirect');
      const payPage = new URL(wallet.next.url!);
      assert.equal((await get(`${base}${payPage.pathname}`)).status, 200, 'the wallet page opens');
      assert.equal((await get(`${base}/bank-app`)).status, 200, 'the bank-app page opens');
      assert.equal((await get(`${base}/haipay/payments/${qr.orderId}`)).status, 200);

      // ---- The attack: no token, a wrong one, path variants. ----
      const wrong = { authorization: `Bearer ${'x'.repeat(43)}` };
      for (const headers of [{}, wrong]) {
        for (const path of [
          '/api/admin/orders',
          '/api/admin/balances',
          '/api/admin/payouts',
          '/api/admin/clock',
          '/api/admin/health',
          '/metrics',
          '/API/Admin/orders',
          '/_sandbox/orders',
          `/_sandbox/orders/${qr.orderNo}`,
          '/_sandbox/notifications',
          '/_sandbox/ledger/1054',
          '/_SANDBOX/orders',
          '/_sandbox//orders',
        ]) {
          const res = await get(`${base}${path}`, headers);
          assert.equal(res.status, 401, `GET ${path} must answer 401`);
          assert.match(res.headers.get('content-type') ?? '', /json/);
          const body = (await res.json()) as { error?: { message?: string } };
          assert.match(String(body.error?.message), /admin token/);
        }
      }
      const posts: [string, unknown][] = [
        [`/_sandbox/orders/${qr.orderNo}/complete`, { outcome: 'success' }],
        ['/_sandbox/clock/advance', { ms: 86_400_000 }],
        ['/_sandbox/faults', { endpoint: '*', mode: 'http500', count: 5 }],
        ['/api/admin/payouts', { currency: 'THB', amount: '100.00' }],
        [`/api/admin/orders/${qr.orderId}/refund`, {}],
        ['/api/admin/clock', { ms: 60_000 }],
      ];
      for (const [path, body] of posts) {
        const res = await postJson(`${base}${path}`, body, { origin: new URL(base).origin });
        assert.equal(res.status, 401, `POST ${path} must answer 401`);
      }
      const page = await get(`${base}/admin`);
      assert.equal(page.status, 401);
      assert.match(await page.text(), /Sign-in needed/);
      assert.equal((await get(`${base}/admin?token=${'y'.repeat(43)}`)).status, 401, 'a wrong ?token= link');
      // Paying the shopper's QR in the bank app marks the order paid: not for a stranger.
      const pay = await postForm(`${base}/bank-app`, { payload: qr.next.payload!, action: 'approve' });
      assert.equal(pay.status, 401);
      assert.match(await pay.text(), /Sign-in needed/);
      const still = (await (await get(`${base}/haipay/payments/${qr.orderId}`)).json()) as { status: string };
      assert.notEqual(still.status, 'succeeded', 'the stranger marked nothing paid');

      const token = demo.token;
      assert.ok(token, `the banner prints a /admin?token=… link:\n${demo.out}`);
      assert.ok(token.length >= 32, 'a long random token');
      assert.match(demo.out, new RegExp(`/bank-app\\?token=${encodeURIComponent(token)}`));
      // ---- With the token: the banner's link sets an HttpOnly, SameSite=Strict cookie. ----
      const link = await get(`${demo.url}/admin?token=${encodeURIComponent(token)}`);
      assert.equal(link.status, 303);
      assert.equal(link.headers.get('location'), '/admin', 'the token leaves the address bar');
      const setCookie = link.headers.get('set-cookie') ?? '';
      assert.match(setCookie, /HttpOnly/i);
      assert.match(setCookie, /SameSite=Strict/i);
      const cookie = setCookie.split(';')[0]!;
      const admin = await get(`${demo.url}/admin`, { cookie });
      assert.equal(admin.status, 200);
      assert.match(await admin.text(), /<html/i);
      const orders = await get(`${demo.url}/api/admin/orders`, { cookie });
      assert.equal(orders.status, 200);
      const listed = (await orders.json()) as { data: { orderId: string }[] };
      assert.ok(listed.data.some((o) => o.orderId === qr.orderId));
      assert.equal((await get(`${demo.url}/_sandbox/orders`, { cookie })).status, 200);
      // Bearer works for API calls.
      const bearer = { authorization: `Bearer ${token}` };
      assert.equal((await get(`${base}/api/admin/balances`, bearer)).status, 200);
      const sbOrder = await get(`${base}/_sandbox/orders/${qr.orderNo}`, bearer);
      assert.equal(sbOrder.status, 200);
      assert.equal(((await sbOrder.json()) as { status: number }).status < 2, true);
      // The bank app's own link signs in too (and keeps its prefill), then its Pay button works.
      const bankLink = await get(`${demo.url}/bank-app?payload=abc&token=${encodeURIComponent(token)}`);
      assert.equal(bankLink.status, 303);
      assert.equal(bankLink.headers.get('location'), '/bank-app?payload=abc');
      const bankCookie = (bankLink.headers.get('set-cookie') ?? '').split(';')[0]!;
      const paid = await postForm(
        `${demo.url}/bank-app`,
        { payload: qr.next.payload!, action: 'approve' },
        { cookie: bankCookie },
      );
      assert.equal(paid.status, 303, 'paid in the bank app with the token');
      const done = await get(`${base}/_sandbox/orders/${qr.orderNo}`, bearer);
      assert.equal(((await done.json()) as { status: number }).status, 2);
      // The control API with the token completes the wallet order.
      const complete = await postJson(
        `${base}/_sandbox/orders/${wallet.orderNo}/complete`,
        { outcome: 'failure' },
        bearer,
      );
      assert.equal(complete.status, 200);
    } finally {
      await stop(demo);
    }
  });

  test('NODE_ENV=production: the demo refuses to start and says why', async () => {
    const child = spawnDemo({ NODE_ENV: 'production', HOST: '127.0.0.1' });
    let out = '';
    child.stdout!.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr!.on('data', (c: Buffer) => (out += c.toString()));
    const code = await new Promise<number | null>((resolve) => {
      const timer = setTimeout(() => {
        // Still running: it started. Stop it and fail below.
        child.kill('SIGKILL');
        resolve(null);
      }, 60_000);
      child.once('exit', (c) => {
        clearTimeout(timer);
        resolve(c);
      });
      child.stdout!.on('data', () => {
        if (out.includes('Ctrl+C to stop.')) {
          clearTimeout(timer);
          child.kill('SIGKILL');
          resolve(null);
        }
      });
    });
    assert.ok(code !== null && code !== 0, `the demo must exit non-zero, not start:\n${out}`);
    assert.match(out, /NODE_ENV=production/);
    assert.match(out, /marks orders paid/);
    assert.doesNotMatch(out, /Ctrl\+C to stop/);
  });
});
