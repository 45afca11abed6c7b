/**
 * The router harness: a sandbox gateway, a client, a store and a merchant app mounting the router, all
 * on loopback. Used by the express, postgres and cross-package suites.
 */
import express, { type Express } from 'express';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { createSandbox, type Sandbox } from '@haipay-kit/sandbox';
import {
  HaiPayClient,
  createHaiPayRouter,
  type HaiPayClientOptions,
  type HaiPayRouter,
  type HaiPayRouterOptions,
  type Logger,
  type PaymentEvent,
  type PaymentStore,
  type ResolvedOrder,
} from '@haipay-kit/express';
import { MemoryPaymentStore } from '@haipay-kit/express/testing';

/** The shop's origin: the router allows it, and the harness sends it on every request. */
export const ORIGIN = 'https://shop.example';

/**
 * A JSON answer as the tests read it: wire data, untyped on purpose. Each test asserts the shape it
 * relies on, so a wrong shape fails the test at run time rather than being assumed by a type.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- see above: the tests' one `any`
export type WireJson = any;

/** Client options for a sandbox (every merchant of its config). */
export function clientOptionsFor(
  sandbox: Sandbox,
  extra: Partial<HaiPayClientOptions> = {},
): HaiPayClientOptions {
  const merchants: HaiPayClientOptions['merchants'] = {};
  for (const m of sandbox.config.merchants) {
    merchants[m.currency] = { appId: m.appId, secretKey: m.secretKey, privateKey: m.privateKey! };
  }
  return {
    baseUrl: sandbox.url,
    merchants,
    platformPublicKey: sandbox.config.platform.publicKey,
    timeoutMs: 3000,
    retryDelayMs: 10,
    ...extra,
  };
}

/** Captures log lines (as JSON text) so tests can grep them. */
function captureLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  const w = (level: string) => (msg: string, fields?: Record<string, unknown>) =>
    lines.push(JSON.stringify({ level, msg, ...fields }));
  return { lines, debug: w('debug'), info: w('info'), warn: w('warn'), error: w('error') };
}

/** A running harness: its parts, hook calls in order, and small HTTP helpers for the router's routes. */
export interface Harness {
  sandbox: Sandbox;
  client: HaiPayClient;
  store: PaymentStore;
  router: HaiPayRouter;
  app: Express;
  url: string;
  logger: ReturnType<typeof captureLogger>;
  /** Hook calls, in order: `${hook}:${orderId}`. */
  calls: string[];
  /** Next resolveOrder answer (per test). */
  order: ResolvedOrder;
  post(
    path: string,
    body: unknown,
    headers?: Record<string, string>,
  ): Promise<{ status: number; json: WireJson; text: string; headers: Headers }>;
  get(
    path: string,
    headers?: Record<string, string>,
  ): Promise<{ status: number; json: WireJson; text: string; headers: Headers }>;
  close(): Promise<void>;
}

/** What {@link startHarness} builds on (defaults: a new sandbox, a memory store, the options below). */
export interface HarnessOptions {
  sandbox?: Sandbox;
  store?: PaymentStore;
  router?: Partial<HaiPayRouterOptions>;
  client?: Partial<HaiPayClientOptions>;
  /** Mount `express.json()` before the router (`'rawBody'`: keeping the raw body, as the README advises). */
  globalJson?: boolean | 'rawBody';
}

/** Starts a sandbox (unless given), a client, a store and an Express app with the router at `/haipay`. */
export async function startHarness(opts: HarnessOptions = {}): Promise<Harness> {
  const sandbox = opts.sandbox ?? (await createSandbox());
  const client = new HaiPayClient(clientOptionsFor(sandbox, opts.client));
  const store = opts.store ?? new MemoryPaymentStore();
  const logger = captureLogger();
  const calls: string[] = [];
  const app = express();
  if (opts.globalJson === 'rawBody') {
    app.use(
      express.json({
        verify: (req, _res, buf) => {
          (req as unknown as { rawBody: Buffer }).rawBody = buf;
        },
      }),
    );
  } else if (opts.globalJson) app.use(express.json());
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const h = {} as Harness;
  const record = (name: string) => (p: PaymentEvent) => {
    calls.push(`${name}:${p.orderId}`);
  };
  const router = createHaiPayRouter({
    client,
    store,
    logger,
    publicBaseUrl: `${url}/haipay`,
    returnUrl: `${ORIGIN}/thanks`,
    allowedOrigins: [ORIGIN],
    resolveOrder: () => h.order,
    reconcile: false,
    rateLimit: false,
    // The suites post test cards to the router (PCI direct); hosted mode, the router's default, is
    // asked for with `router: { cardMode: 'hosted' }`.
    cardMode: 'direct',
    hooks: {
      onPaymentSucceeded: record('succeeded'),
      onPaymentFailed: record('failed'),
      onPaymentExpired: record('expired'),
      onPaymentMismatch: (p) => void calls.push(`mismatch:${p.orderId}`),
      onSubscriptionChange: (s) => void calls.push(`subscription-${s.status}:${s.orderId}`),
    },
    subscriptions: {
      resolvePlan: () => ({
        amount: '9.99',
        currency: 'USD',
        subject: 'Monthly plan',
        buyerId: 'u-1001',
        recurringInterval: 'M',
        recurringIntervalCount: 1,
        recurringMaxNumber: 12,
        website: 'https://shop.example',
      }),
      authorize: (req) => req.get('x-test-user') === 'u-1001',
    },
    ...opts.router,
  });
  app.use('/haipay', router);
  const call = async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => {
    const res = await fetch(`${url}${path}`, {
      method,
      headers: {
        origin: ORIGIN,
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...headers,
      },
      body: body === undefined ? null : typeof body === 'string' ? body : JSON.stringify(body),
      redirect: 'manual',
    });
    const text = await res.text();
    let json: unknown = text;
    try {
      json = JSON.parse(text);
    } catch {
      // not JSON: `json` is the text
    }
    return { status: res.status, json: json as WireJson, text, headers: res.headers };
  };
  Object.assign(h, {
    sandbox,
    client,
    store,
    router,
    app,
    url,
    logger,
    calls,
    order: { amount: '100.00', currency: 'THB', subject: 'Order #123', buyerId: 'u-1001' },
    post: (path: string, body: unknown, headers?: Record<string, string>) =>
      call('POST', path, body, headers),
    get: (path: string, headers?: Record<string, string>) => call('GET', path, undefined, headers),
    async close() {
      await router.close();
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
      if (!opts.sandbox) await sandbox.close();
      await store.close();
    },
  });
  return h;
}

let keySeq = 0;
/** A fresh Idempotency-Key header. */
export function idem(): Record<string, string> {
  return { 'idempotency-key': `test-key-${process.pid}-${Date.now()}-${keySeq++}` };
}

/** The buyer the suites check out as. */
export const BUYER = { name: 'Somchai Jaidee', email: 's@example.com', phone: '0812345678' };
/** A card number the sandbox pays (4242…). */
export const CARD = { cardNumber: '4242424242424242', expiryMonth: '12', expiryYear: '2030', cvv: '123' };
/** A THB payout to a Thai bank account, as `checkout.payout()` and the admin API take it. */
export const THB_PAYOUT = {
  currency: 'THB',
  amount: '250.00',
  accountType: 'BANK_ACCOUNT',
  bankCode: 'KBANK',
  accountNo: '0123456789',
  name: 'Saeng Coffee Co Ltd',
  phone: '0812345678',
  email: 'finance@saeng.example',
  partnerUserId: 'merchant',
} as const;
