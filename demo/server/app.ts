/**
 * The demo server: one Express app on one port that serves the storefront, mounts the HaiPay router at
 * `/haipay` (SQLite store in the data folder), runs the sandbox gateway in-process and exposes its
 * hosted pages (3-D Secure, cashier, wallets, bank app) on the same origin, plus the shop's own API
 * (catalog, carts, receipts) and a demo-only merchant back office.
 *
 * The sandbox listens on an internal loopback port for the signed API calls of the HaiPay client; the
 * pages a shopper opens (`/pay/…`, `/bank-app`) and its control API (`/_sandbox/…`) are proxied from
 * the public port, and the sandbox is told the public URL (`publicUrl`), so every `payUrl` it hands out
 * points at the one port the browser knows.
 *
 * It listens on 127.0.0.1 unless told otherwise. Bound beyond loopback, the back office, the sandbox
 * control API and the bank app's Pay button need the admin token (./admin-auth.ts). It refuses to start
 * under NODE_ENV=production: the sandbox marks orders paid on request.
 */
import { randomBytes } from 'node:crypto';
import {
  createServer,
  request as httpRequest,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { join } from 'node:path';
import express, { type NextFunction, type Request, type Response } from 'express';
import {
  HaiPayClient,
  HaiPayOrderRejectedError,
  createConsoleLogger,
  createHaiPayRouter,
  silentLogger,
  toPaymentView,
  type HaiPayRouter,
  type Logger,
  type PaymentRecord,
  type ResolvedOrder,
  type ResolvedPlan,
} from '@haipay-kit/express';
import { SqlitePaymentStore } from '@haipay-kit/express/sqlite';
import { scalarText } from '@haipay-kit/protocol';
import { createSandbox, type Sandbox } from '@haipay-kit/sandbox';
import { DEMO_DIR, ensureBuilt, viteDevMiddleware } from './assets.js';
import {
  PLANS,
  PRODUCTS,
  SHOP_CURRENCIES,
  currencyForMethod,
  priceLines,
  type ShopCurrency,
} from './catalog.js';
import { loadOrCreateDevKeys } from './keys.js';
import { backOffice, metricsEndpoint } from './backoffice.js';
import { adminGate, adminTokenFor } from './admin-auth.js';
import { designCompanion } from './design.js';
import { haipayTimeToIso } from './times.js';
import { shopOrderNumber } from '../src/order-number.js';
import { compressedAssets } from './compressed.js';

export interface DemoServerOptions {
  /** TCP port; 0 for an ephemeral one. Default 4010. */
  port?: number;
  /**
   * Interface to listen on. Default `127.0.0.1` (this computer only). Beyond loopback (`0.0.0.0`, a LAN
   * address…) the back office, the sandbox control API and bank-app payments need `adminToken`.
   */
  host?: string;
  /**
   * The admin token (32+ printable characters). When set it is required on any host; when unset and
   * `host` is beyond loopback a random one is generated (see `DemoServer.adminToken`).
   */
  adminToken?: string;
  /** Where dev keys and the SQLite store live. Default `demo/data`. */
  dataDir?: string;
  /** The URL shoppers use (builds HaiPay's notify and return URLs). Default `http://localhost:<port>`. */
  publicUrl?: string;
  /** Built storefront folder. Default `demo/dist`. */
  distDir?: string;
  /** Serve the storefront through Vite's middleware (HMR) instead of a build. */
  dev?: boolean;
  /** Log HaiPay router lines and requests to the console. Default true. */
  verbose?: boolean;
  /** Interval between the sandbox's notification attempts (virtual ms). Default the sandbox's 5 min. */
  notifyRetryMs?: number;
  /**
   * How the shop takes cards (the router's `cardMode`). Default `direct`: the test cards are typed in
   * the shop's own card form, as the tour describes. `hosted` (the router's own default, and what a shop
   * without PCI DSS certification uses) sends the shopper to the sandbox's card page instead.
   */
  cardMode?: 'hosted' | 'direct';
}

export interface DemoServer {
  /** The public URL, e.g. `http://localhost:4010`. */
  readonly url: string;
  readonly port: number;
  /** The interface it listens on, e.g. `127.0.0.1`. */
  readonly host: string;
  /**
   * The token the back office, `/_sandbox/…` and bank-app payments require (cookie from
   * `<url>/admin?token=<token>`, or `Authorization: Bearer <token>`); undefined when they are open.
   */
  readonly adminToken: string | undefined;
  /** The in-process sandbox gateway (its clock, orders and notifications). */
  readonly sandbox: Sandbox;
  readonly router: HaiPayRouter;
  close(): Promise<void>;
}

interface Cart {
  items: { id: string; qty: number }[];
  createdAt: number;
}

const ORDER_REF_RE = /^cart_[A-Za-z0-9]{16}$/;
const MAX_CARTS = 5000;

function parseItems(body: unknown): { id: string; qty: number }[] | string {
  const items = (body as { items?: unknown } | undefined)?.items;
  if (!Array.isArray(items) || items.length === 0) return 'items must be a non-empty array';
  if (items.length > 20) return 'too many lines';
  const out: { id: string; qty: number }[] = [];
  for (const it of items as unknown[]) {
    const { id, qty } = (it ?? {}) as { id?: unknown; qty?: unknown };
    if (typeof id !== 'string' || !PRODUCTS.some((p) => p.id === id)) return `unknown product ${String(id)}`;
    if (!Number.isInteger(qty) || (qty as number) < 1 || (qty as number) > 20) return 'qty must be 1–20';
    const existing = out.find((l) => l.id === id);
    if (existing) existing.qty = Math.min(20, existing.qty + (qty as number));
    else out.push({ id, qty: qty as number });
  }
  return out;
}

function totals(cart: Cart) {
  return Object.fromEntries(SHOP_CURRENCIES.map((c) => [c, priceLines(cart.items, c)])) as Record<
    ShopCurrency,
    ReturnType<typeof priceLines>
  >;
}

/** A stable, opaque buyer id for HaiPay's `partnerUserId` (risk control) derived from the e-mail. */
/** The demo's signed-in shopper, per currency (HaiPay's name and phone rules differ by currency). */
const DEMO_SHOPPER: Record<ShopCurrency, { name: string; email: string; phone: string }> = {
  THB: { name: 'Somchai Jaidee', email: 'somchai@example.com', phone: '0812345678' },
  USD: { name: 'Somchai Jaidee', email: 'somchai@example.com', phone: '2025550143' },
  TWD: { name: 'Lin Mei Hua', email: 'meihua.lin@example.com', phone: '0912345678' },
};

function buyerIdFor(body: Record<string, unknown>): string {
  const email = typeof body.email === 'string' ? body.email.trim().toLowerCase() : '';
  if (!email) return 'guest';
  let h = 0;
  for (const ch of email) h = (Math.imul(h, 31) + ch.charCodeAt(0)) | 0;
  return `buyer${(h >>> 0).toString(36)}`;
}

const PRODUCTION_MESSAGE =
  'The HaiPay demo refuses to start with NODE_ENV=production: it runs the HaiPay sandbox, a fake gateway ' +
  'that marks orders paid on request, and a test back office. Never run the demo (or the sandbox) in ' +
  'production; docs/guide.md shows how a shop goes live against HaiPay.';

/** `http://<host>:<port>` as a browser on this computer reaches it (`localhost` for loopback and wildcards). */
function localUrl(host: string, port: number): string {
  const bare = host.replace(/^\[(.*)\]$/, '$1');
  if (['127.0.0.1', 'localhost', '0.0.0.0', '::'].includes(bare)) return `http://localhost:${port}`;
  return `http://${bare.includes(':') ? `[${bare}]` : bare}:${port}`;
}

/**
 * Starts the demo. Resolves once every part answers (`GET /healthz` is 200 from then on). Throws (code
 * `ERR_DEMO_IN_PRODUCTION`) under `NODE_ENV=production`.
 */
export async function startDemoServer(options: DemoServerOptions = {}): Promise<DemoServer> {
  if (process.env.NODE_ENV?.trim().toLowerCase() === 'production') {
    throw Object.assign(new Error(PRODUCTION_MESSAGE), { code: 'ERR_DEMO_IN_PRODUCTION' });
  }
  const host = options.host ?? '127.0.0.1';
  const adminToken = adminTokenFor(host, options.adminToken);
  const dataDir = options.dataDir ?? join(DEMO_DIR, 'data');
  const distDir = options.distDir ?? join(DEMO_DIR, 'dist');
  const verbose = options.verbose ?? true;
  const log = (msg: string) => {
    if (verbose) console.log(`[demo] ${msg}`);
  };

  // Listen first: the public URL (with its port) is needed to configure the router and the sandbox.
  let handler: ((req: IncomingMessage, res: ServerResponse) => void) | null = null;
  const server: Server = createServer((req, res) => {
    if (handler) return handler(req, res);
    res.writeHead(503, { 'content-type': 'text/plain', 'retry-after': '1' }).end('starting\n');
  });
  const sockets = new Set<Socket>();
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 4010, host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const url = (options.publicUrl ?? localUrl(host, port)).replace(/\/+$/, '');
  const origins = new Set([new URL(url).origin, `http://localhost:${port}`, `http://127.0.0.1:${port}`]);

  const cleanup: (() => Promise<void> | void)[] = [];
  const close = async () => {
    handler = null;
    for (const fn of cleanup.reverse()) await fn();
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      for (const s of sockets) s.destroy();
    });
  };

  try {
    const keys = loadOrCreateDevKeys(dataDir);
    if (keys.created) log(`generated development keys in ${keys.file}`);

    const sandbox = await createSandbox({
      config: keys.config,
      host: '127.0.0.1',
      port: 0,
      clock: 'real',
      publicUrl: url,
      ...(options.notifyRetryMs !== undefined ? { notifyRetryMs: options.notifyRetryMs } : {}),
    });
    cleanup.push(() => sandbox.close());

    const merchants = Object.fromEntries(
      sandbox.config.merchants.map((m) => [
        m.currency,
        { appId: m.appId, secretKey: m.secretKey, privateKey: m.privateKey ?? '' },
      ]),
    );
    const logger: Logger = verbose ? createConsoleLogger({ level: 'warn' }) : silentLogger;
    const client = new HaiPayClient({
      baseUrl: sandbox.url,
      merchants,
      platformPublicKey: sandbox.config.platform.publicKey,
      timeoutMs: 10_000,
      logger,
    });
    const store = new SqlitePaymentStore({ filename: join(dataDir, 'haipay.db') });
    cleanup.push(() => store.close());

    // Carts live in memory, keyed by the orderRef the browser holds; prices come from server/catalog.ts.
    const carts = new Map<string, Cart>();
    const resolveOrder = (_req: Request, body: Record<string, unknown>): ResolvedOrder => {
      const ref = typeof body.orderRef === 'string' ? body.orderRef : '';
      const cart = carts.get(ref);
      if (!cart) throw new HaiPayOrderRejectedError('This cart is unknown or expired; reload the checkout.');
      const currency = currencyForMethod(String(body.method));
      if (!currency) throw new HaiPayOrderRejectedError(`The shop does not take ${String(body.method)}.`);
      const { total } = priceLines(cart.items, currency);
      const count = cart.items.reduce((n, l) => n + l.qty, 0);
      return {
        amount: total,
        currency,
        subject: `Saeng Coffee order ${shopOrderNumber(ref)} (${count} item${count === 1 ? '' : 's'})`,
        buyerId: buyerIdFor(body),
        // The shop's shopper, for the methods whose tag has no form (<haipay-checkout> starts PromptPay,
        // bank transfer and the redirect methods with just { method, orderRef }); the card form's own
        // fields win where it has them.
        buyer: DEMO_SHOPPER[currency],
        returnUrl: `${url}/return`,
        metadata: { orderRef: ref },
      };
    };

    const resolvePlan = (_req: Request, body: Record<string, unknown>): ResolvedPlan => {
      const plan = PLANS.find((p) => p.id === body.planRef);
      if (!plan) throw new HaiPayOrderRejectedError('Unknown plan.');
      return {
        amount: plan.amount,
        currency: plan.currency,
        subject: plan.subject,
        buyerId: buyerIdFor(body),
        returnUrl: `${url}/subscribe`,
        recurringInterval: plan.periodUnit,
        recurringIntervalCount: plan.periodCount,
        recurringMaxNumber: 24,
        website: url,
        metadata: { planRef: plan.id },
      };
    };

    const router = createHaiPayRouter({
      client,
      store,
      resolveOrder,
      publicBaseUrl: `${url}/haipay`,
      returnUrl: `${url}/return`,
      allowedOrigins: [...origins],
      logger,
      // The shop's back office reads the store; fulfilment would go here in a real shop.
      hooks: {
        onPaymentSucceeded: (p) => log(`paid: ${p.orderId} ${p.amount} ${p.currency} (${p.method})`),
        onPaymentFailed: (p) => log(`failed: ${p.orderId} (${p.failureReason ?? 'no reason'})`),
        onPaymentExpired: (p) => log(`expired: ${p.orderId}`),
        onSubscriptionChange: (s) => log(`subscription ${s.orderId}: ${s.status}`),
        onSubscriptionDeduction: (s, d) =>
          log(`deduction for ${s.orderId}: ${scalarText(d.amount)} status ${scalarText(d.status)}`),
      },
      subscriptions: {
        resolvePlan,
        // Demo: whoever holds the subscription id may cancel it. A real shop checks the signed-in buyer.
        authorize: () => true,
      },
      // Said explicitly: the router's default is `hosted`; the demo shows `direct` unless asked.
      cardMode: options.cardMode ?? 'direct',
      // The demo shows live status within a second or two of a sandbox page being used.
      refreshAfterMs: 3000,
      ssePollMs: 500,
      rateLimit: { windowMs: 60_000, max: 300 },
    });
    cleanup.push(() => router.close());

    const app = express();
    app.disable('x-powered-by');
    app.set('etag', false);
    app.use((_req, res, next) => {
      res.set('X-Content-Type-Options', 'nosniff');
      res.set('Referrer-Policy', 'same-origin');
      next();
    });

    let ready = false;
    app.get('/healthz', (_req, res) => {
      res.status(ready ? 200 : 503).json({ ok: ready, url });
    });

    // Beyond loopback: the back office, the sandbox control API and bank-app payments need the token.
    // Each guard is mounted with the same path, in the same router, as what it protects, so Express's
    // matching (case, trailing slash) can never tell them apart. The bank-app page itself stays open
    // (a shopper may open it on a phone); paying in it does not.
    const gate = adminToken
      ? adminGate(adminToken, { secureCookie: new URL(url).protocol === 'https:' })
      : undefined;
    if (gate) {
      app.get('/admin', gate.page);
      app.use('/bank-app', (req, res, next) =>
        (req.method === 'GET' || req.method === 'HEAD' ? gate.signIn : gate.page)(req, res, next),
      );
      app.use('/_sandbox', gate.api);
    }

    app.get('/metrics', ...(gate ? [gate.api] : []), metricsEndpoint());
    app.use('/haipay', router);
    // The design-review page's fake companion: fixed answers, no store, no sandbox (./design.ts).
    app.use('/design-api', designCompanion());

    // ---- The shop's own API (JSON). Prices and carts stay on the server. ----
    const api = express.Router();
    api.use(express.json({ limit: '16kb' }));
    api.use((_req, res, next) => {
      res.set('Cache-Control', 'no-store');
      next();
    });
    api.get('/catalog', (_req, res) => {
      // cardMode: the subscription's card form cannot ask the router (there is no order to price).
      res.json({ products: PRODUCTS, plans: PLANS, cardMode: options.cardMode ?? 'direct' });
    });
    api.post('/checkout', (req, res) => {
      const items = parseItems(req.body);
      if (typeof items === 'string')
        return void res.status(400).json({ error: { type: 'validation_error', message: items } });
      if (carts.size >= MAX_CARTS) carts.delete(carts.keys().next().value as string);
      const orderRef = `cart_${randomBytes(12).toString('base64url').replace(/[-_]/g, 'x').slice(0, 16)}`;
      const cart = { items, createdAt: Date.now() };
      carts.set(orderRef, cart);
      res.status(201).json({ orderRef, totals: totals(cart) });
    });
    api.get('/checkout/:ref', (req, res) => {
      const ref = String(req.params.ref);
      const cart = ORDER_REF_RE.test(ref) ? carts.get(ref) : undefined;
      if (!cart) return void res.status(404).json({ error: { type: 'not_found', message: 'unknown cart' } });
      res.json({ orderRef: ref, totals: totals(cart) });
    });
    api.get('/orders/:orderId', async (req, res, next) => {
      try {
        const record = await store.get(String(req.params.orderId));
        if (!record || record.kind !== 'payment')
          return void res.status(404).json({ error: { type: 'not_found', message: 'unknown order' } });
        const cart = record.orderRef ? carts.get(record.orderRef) : undefined;
        const currency = record.currency as ShopCurrency;
        const lines =
          cart && SHOP_CURRENCIES.includes(currency) ? priceLines(cart.items, currency).lines : [];
        // The shop's own order number is what the shopper quotes; HaiPay's id stays secondary.
        const reference = record.orderRef ? shopOrderNumber(record.orderRef) : null;
        res.json({ payment: toPaymentView(record), lines, reference });
      } catch (err) {
        next(err);
      }
    });
    api.get('/subscriptions/:id', async (req, res, next) => {
      try {
        const record = await store.get(String(req.params.id));
        if (!record || record.kind !== 'subscription')
          return void res.status(404).json({ error: { type: 'not_found', message: 'unknown subscription' } });
        res.json(await subscriptionSummary(record));
      } catch (err) {
        next(err);
      }
    });
    api.get('/sandbox', (_req, res) => {
      res.json({ bankAppUrl: `${url}/bank-app` });
    });

    async function subscriptionSummary(record: PaymentRecord) {
      const notes = await store.listNotifications(record.orderId);
      const deductions = new Map<
        string,
        { at: string; amount: string; currency: string; status: string; orderNo: string }
      >();
      for (const n of notes) {
        let body: Record<string, unknown>;
        try {
          body = JSON.parse(n.body) as Record<string, unknown>;
        } catch {
          continue;
        }
        if (!n.verified || body.type !== 'SUBSCRIPTIONS_DEDUCT') continue;
        const status =
          String(body.status) === '2' ? 'succeeded' : String(body.status) === '3' ? 'failed' : 'processing';
        deductions.set(String(body.deductNo ?? body.orderNo), {
          at:
            typeof body.startTime === 'string'
              ? haipayTimeToIso(body.startTime, record.currency)
              : n.receivedAt,
          amount: String(body.amount),
          currency: scalarText(body.currency) || record.currency,
          status,
          orderNo: scalarText(body.orderNo),
        });
      }
      return {
        subscriptionId: record.orderId,
        subscriptionNo: record.orderNo,
        status: record.status,
        amount: record.amount,
        currency: record.currency,
        subject: record.subject,
        deductions: [...deductions.values()],
      };
    }

    if (gate) api.use('/admin', gate.api);
    // Beyond loopback the gate above already asked for the token; the admin API asks again (`actor`).
    api.use('/admin', backOffice({ router, sandbox, actor: gate ? gate.actor : () => 'loopback' }));
    api.use((_req, res) => {
      res.status(404).json({ error: { type: 'not_found', message: 'no such API route' } });
    });
    app.use('/api', api);

    // ---- The sandbox's hosted pages and control API, on this origin. ----
    const target = new URL(sandbox.url);
    const proxy = (req: Request, res: Response) => {
      const upstream = httpRequest(
        {
          host: target.hostname,
          port: target.port,
          method: req.method,
          path: req.originalUrl,
          headers: { ...req.headers, host: target.host },
        },
        (up) => {
          res.writeHead(up.statusCode ?? 502, up.headers);
          up.pipe(res);
        },
      );
      upstream.on('error', () => {
        if (!res.headersSent) res.status(502).type('text/plain').send('sandbox unavailable');
        else res.destroy();
      });
      req.pipe(upstream);
    };
    app.use(['/pay', '/bank-app', '/_sandbox'], proxy);

    // ---- The storefront: built files, or Vite's dev middleware. ----
    if (options.dev) {
      const vite = await viteDevMiddleware(server);
      cleanup.push(() => vite.close());
      app.use(vite.handler);
    } else {
      await ensureBuilt(distDir, log);
      app.use('/assets', compressedAssets(join(distDir, 'assets')));
      app.use(
        '/assets',
        express.static(join(distDir, 'assets'), { immutable: true, maxAge: '1y', index: false }),
      );
      app.use(express.static(distDir, { index: false }));
      // Client-side routes all load the same page.
      app.get(['/', '/checkout', '/subscribe', '/return', '/admin'], (_req, res) => {
        res.set('Cache-Control', 'no-cache');
        res.sendFile(join(distDir, 'index.html'));
      });
      app.get('/design', (_req, res) => {
        res.set('Cache-Control', 'no-cache');
        res.sendFile(join(distDir, 'design.html'));
      });
    }

    app.use((_req: Request, res: Response) => {
      res.status(404).type('text/plain').send('Not found\n');
    });
    app.use((err: unknown, _req: Request, res: Response, _next: NextFunction) => {
      logger.error('demo request failed', { message: (err as Error)?.message });
      if (!res.headersSent)
        res.status(500).json({ error: { type: 'api_error', message: 'Something went wrong.' } });
    });

    handler = app;
    ready = true;
    return { url, port, host, adminToken, sandbox, router, close };
  } catch (err) {
    await close().catch(() => undefined);
    throw err;
  }
}
