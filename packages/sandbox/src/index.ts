/**
 * `@haipay-kit/sandbox` — a stateful local HaiPay gateway that speaks HaiPay's real wire protocol.
 *
 * Same paths, envelope, signatures (platform key + merchant secret, docs/protocol.md §2.3), error
 * codes and notifications as HaiPay, so the companion, the elements and the demo run with no HaiPay
 * account and no network. On top of that it keeps a ledger per appId, hosts the pages a shopper would
 * see (3-D Secure, TWD cashier, wallets, a bank app that pays PromptPay payloads and virtual
 * accounts), runs on a virtual clock so QR expiry, notification retries and a year of subscription
 * deductions take milliseconds, and lets a test make it misbehave on purpose (faults). State lives in
 * memory, per instance: several sandboxes can run side by side. See the package README.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Socket } from 'node:net';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { VirtualClock, type ClockMode, type SandboxClock } from './clock.js';
import {
  checkSandboxConfig,
  generateSandboxConfig,
  type MerchantConfig,
  type MerchantCurrency,
  type SandboxConfig,
} from './config.js';
import { FaultBook, type Fault, type FaultSpec } from './faults.js';
import { Gateway } from './gateway.js';
import type { FeeSchedule } from './money.js';
import { Notifier, type NotificationRecord } from './notifier.js';
import { esc, layout } from './pages.js';
import type { CollectOrder, PayoutOrder, Refund, Subscription } from './records.js';
import { closeServer, createApp } from './server.js';
import { DEFAULT_COLLECT_FEES, DEFAULT_EXPIRY, DEFAULT_PAYOUT_FEES, type ExpiryWindows } from './settings.js';

export { generateSandboxConfig, checkSandboxConfig, GENERATED_APP_IDS } from './config.js';
export type { SandboxConfig, MerchantConfig, MerchantCurrency } from './config.js';
export { FAULT_MODES } from './faults.js';
export type { FaultSpec, Fault, FaultMode } from './faults.js';
export type { SandboxClock, ClockMode } from './clock.js';
export type { NotificationRecord, DeliveryAttempt, NotificationKind } from './notifier.js';
export { TEST_CARDS } from './cards.js';
export type { CardBehaviour } from './cards.js';
export { DEFAULT_EXPIRY, DEFAULT_COLLECT_FEES, DEFAULT_PAYOUT_FEES } from './settings.js';
export type { ExpiryWindows } from './settings.js';
export { LOCAL_UTC_OFFSET } from './wire.js';
export { SANDBOX_USD_THB_RATE, SANDBOX_USD_TWD_RATE } from './money.js';
export type { CollectOrder, PayoutOrder, Refund, Subscription, Deduction, OrderStatus } from './records.js';
export type { FeeSchedule, SandboxCurrency } from './money.js';
export { buildQrPayload, scanQrPayload, crc16ccitt, hasValidCrc, parseTlv } from './emv.js';

/** Options of {@link createSandbox}. Every field is optional. */
export interface SandboxOptions {
  /** Keys and merchants; generated (with merchant private keys) when left out. */
  config?: SandboxConfig;
  /** TCP port; default 0 (an ephemeral port). */
  port?: number;
  /** Interface to listen on; default `127.0.0.1`. */
  host?: string;
  /**
   * `manual` (default): virtual time moves only through `clock.advance()` / `POST /_sandbox/clock/advance`,
   * so tests are deterministic. `real`: time flows with the wall clock too (the CLI's default).
   */
  clock?: ClockMode;
  /** Virtual start time (epoch ms or Date); default now. */
  startTime?: number | Date;
  /** Interval between notification attempts, virtual ms; default 5 min (docs/protocol.md §2.6). */
  notifyRetryMs?: number;
  /** Retries after the first push; default 5. */
  notifyMaxRetries?: number;
  /** Real-time limit for one notification attempt; default 5000 ms. */
  notifyTimeoutMs?: number;
  /**
   * Notification deliveries in flight at once; default 16. Each delivery is independent: a merchant
   * that answers slowly holds one slot, never the other merchants' notifications.
   */
  notifyConcurrency?: number;
  /** Virtual ms before a payout settles; default 60 000. */
  payoutDelayMs?: number;
  /** Virtual ms before a refund completes; default 60 000. */
  refundDelayMs?: number;
  /** Virtual ms before collected money leaves `unSettleBal` for `availableBal`; default 0 (at once). */
  settlementDelayMs?: number;
  /** Overrides of the expiry windows (virtual ms). */
  expiry?: Partial<ExpiryWindows>;
  /** Collection fee overrides per currency. */
  collectFees?: Partial<Record<string, FeeSchedule>>;
  /** Payout fee overrides per currency. */
  payoutFees?: Partial<Record<string, FeeSchedule>>;
  /** Public base URL for hosted-page links (e.g. behind a proxy); default the listening URL. */
  publicUrl?: string;
  /**
   * Admin token for the control API (`/_sandbox/…`) and the bank app's Pay/Decline: when given, those
   * answer 401 without it (on any host). When left out and `host` is beyond loopback (not `127.0.0.1`,
   * `::1` or `localhost`), a random one is generated; read it from `sandbox.adminToken`. At least 32
   * printable ASCII characters. HaiPay's signed API paths and the hosted pages never need it.
   */
  adminToken?: string;
}

/** A running sandbox. */
export interface Sandbox {
  /** HaiPay base URL for a client, e.g. `http://127.0.0.1:54321` (no trailing slash). */
  readonly url: string;
  /** The port it listens on. */
  readonly port: number;
  /**
   * The admin token the control API and the bank app's Pay/Decline require (`Authorization: Bearer
   * <token>`, or the cookie a `GET /bank-app?token=<token>` link sets); undefined when they are open
   * (loopback without `adminToken`).
   */
  readonly adminToken: string | undefined;
  /** Keys and merchants in use (generated ones include merchant private keys). */
  readonly config: SandboxConfig;
  /** The virtual clock. */
  readonly clock: SandboxClock;
  /** The merchant of a currency (or `CASHIER`); throws when the config has none. */
  merchant(currency: MerchantCurrency): MerchantConfig;
  /** A collection or payout order by `orderNo`. */
  order(orderNo: string): CollectOrder | PayoutOrder | undefined;
  /** Every collection and payout order, oldest first. */
  orders(): (CollectOrder | PayoutOrder)[];
  /** A refund by `refundNo`. */
  refund(refundNo: string): Refund | undefined;
  /** A subscription by `subscriptionNo`. */
  subscription(subscriptionNo: string): Subscription | undefined;
  /**
   * Drives an order, payout, refund or subscription authorization to its final state, as the control
   * API's `POST /_sandbox/orders/:no/complete` does. Returns false when it was already final.
   */
  complete(no: string, outcome: 'success' | 'failure', errorMsg?: string): boolean;
  /** Notifications (and their attempts), optionally only those about `orderNo`. */
  notifications(orderNo?: string): NotificationRecord[];
  /** Balances of an appId as `account/ledger` shows them. */
  ledger(appId: number): { bal: string; availableBal: string; frzBal: string; unSettleBal: string };
  /** Injects a fault (see README "Faults"). */
  injectFault(spec: FaultSpec): Fault;
  /** Removes every active fault. */
  clearFaults(): void;
  /**
   * Resolves when nothing is due or in flight: every due task has run and every notification
   * delivery has been answered (or timed out), retries that fell due meanwhile included.
   */
  idle(): Promise<void>;
  /** Stops the server (hanging requests are dropped) and every timer. */
  close(): Promise<void>;
}

/** Hosts that only this machine can reach; anything else (`0.0.0.0`, a LAN address…) is "beyond loopback". */
function isLoopbackHost(host: string): boolean {
  const h = host
    .trim()
    .toLowerCase()
    .replace(/^\[(.*)\]$/, '$1');
  return (
    h === 'localhost' || h === '::1' || /^127(\.\d{1,3}){3}$/.test(h) || /^::ffff:127(\.\d{1,3}){3}$/.test(h)
  );
}

const PRODUCTION_MESSAGE =
  'The HaiPay sandbox refuses to start with NODE_ENV=production: it is a fake gateway that marks orders ' +
  'paid on request (hosted pages, bank app, control API) and keeps no real money. Never run it, or the ' +
  'demo built on it, in production; point your HaiPay client at the real HaiPay gateway instead.';

/** Throws when `NODE_ENV` is `production` (see {@link createSandbox}). */
function refuseProduction(): void {
  if (process.env.NODE_ENV?.trim().toLowerCase() === 'production') {
    throw Object.assign(new Error(PRODUCTION_MESSAGE), { code: 'ERR_SANDBOX_IN_PRODUCTION' });
  }
}

const ADMIN_COOKIE = 'haipay_sandbox_admin';
const TOKEN_RE = /^[\x21-\x7e]{32,512}$/;

/**
 * The admin-token gate: `signIn` turns a `?token=` link into an HttpOnly, SameSite=Strict cookie (and
 * redirects to the same URL without the token); `guard` lets a request through only with that cookie
 * or `Authorization: Bearer <token>` — 401 JSON for the control API, a small HTML page otherwise.
 */
function adminGate(token: string): { signIn: RequestHandler; guard: RequestHandler } {
  const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest();
  const expected = digest(token);
  const matches = (given: string | undefined) =>
    given !== undefined && given !== '' && timingSafeEqual(digest(given), expected);
  const fromCookie = (req: Request): string | undefined => {
    for (const part of (req.get('cookie') ?? '').split(';')) {
      const eq = part.indexOf('=');
      if (eq > 0 && part.slice(0, eq).trim() === ADMIN_COOKIE) {
        try {
          return decodeURIComponent(part.slice(eq + 1).trim());
        } catch {
          return undefined;
        }
      }
    }
    return undefined;
  };
  const fromHeader = (req: Request): string | undefined =>
    /^Bearer\s+(\S+)\s*$/i.exec(req.get('authorization') ?? '')?.[1];
  const deny = (req: Request, res: Response) => {
    res.status(401).set({ 'cache-control': 'no-store', 'www-authenticate': 'Bearer realm="HaiPay sandbox"' });
    const message =
      'The sandbox control API and bank-app payments need the admin token printed at start ' +
      '(send Authorization: Bearer <token>, or open the printed /bank-app?token=… link once).';
    if (req.baseUrl.toLowerCase().startsWith('/_sandbox')) return void res.json({ error: message });
    res
      .type('text/html; charset=utf-8')
      .send(layout('Sign-in needed', `<p role="alert">${esc(message)}</p>`));
  };
  const signIn: RequestHandler = (req: Request, res: Response, next: NextFunction) => {
    const given = (req.query as Record<string, unknown>).token;
    if ((req.method !== 'GET' && req.method !== 'HEAD') || given === undefined) return next();
    if (typeof given !== 'string' || !matches(given)) return deny(req, res);
    const target = new URL(req.originalUrl, 'http://sandbox.invalid');
    target.searchParams.delete('token');
    const secure = req.secure ? '; Secure' : '';
    res.set('cache-control', 'no-store');
    res.set(
      'set-cookie',
      `${ADMIN_COOKIE}=${encodeURIComponent(token)}; Path=/; HttpOnly; SameSite=Strict${secure}`,
    );
    res.redirect(303, `${target.pathname.replace(/^\/+/, '/')}${target.search}`);
  };
  const guard: RequestHandler = (req: Request, res: Response, next: NextFunction) => {
    if (matches(fromHeader(req)) || matches(fromCookie(req))) return next();
    signIn(req, res, () => deny(req, res));
  };
  return { signIn, guard };
}

/**
 * Starts a sandbox gateway (on loopback unless `host` says otherwise). Refuses to start when
 * `NODE_ENV` is `production`: the sandbox marks orders paid on request.
 *
 * @example
 * const sandbox = await createSandbox();
 * const usd = sandbox.merchant('USD'); // { appId, secretKey, privateKey, publicKey }
 * // point a HaiPay client at sandbox.url with usd.privateKey / usd.secretKey and
 * // sandbox.config.platform.publicKey, then:
 * await sandbox.clock.advance(15 * 60_000); // a PromptPay QR expires
 * await sandbox.close();
 */
export async function createSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  refuseProduction();
  const host = options.host ?? '127.0.0.1';
  if (options.adminToken !== undefined && !TOKEN_RE.test(options.adminToken)) {
    throw new Error('adminToken must be 32–512 printable ASCII characters (no spaces).');
  }
  const adminToken =
    options.adminToken ?? (isLoopbackHost(host) ? undefined : randomBytes(32).toString('base64url'));
  const config = options.config ? checkSandboxConfig(options.config) : generateSandboxConfig();
  const startTime = options.startTime instanceof Date ? options.startTime.getTime() : options.startTime;
  const clock = new VirtualClock({
    mode: options.clock ?? 'manual',
    ...(startTime !== undefined ? { start: startTime } : {}),
  });
  const notifier = new Notifier({
    clock,
    retryMs: options.notifyRetryMs ?? 5 * 60_000,
    maxRetries: options.notifyMaxRetries ?? 5,
    timeoutMs: options.notifyTimeoutMs ?? 5000,
    concurrency: options.notifyConcurrency ?? 16,
  });
  const faults = new FaultBook();
  let baseUrl = options.publicUrl?.replace(/\/+$/, '') ?? '';
  const gateway = new Gateway(config, clock, notifier, faults, {
    baseUrl: () => baseUrl,
    collectFees: { ...DEFAULT_COLLECT_FEES, ...(options.collectFees as Record<string, FeeSchedule>) },
    payoutFees: { ...DEFAULT_PAYOUT_FEES, ...(options.payoutFees as Record<string, FeeSchedule>) },
    payoutDelayMs: options.payoutDelayMs ?? 60_000,
    refundDelayMs: options.refundDelayMs ?? 60_000,
    settlementDelayMs: options.settlementDelayMs ?? 0,
    expiry: { ...DEFAULT_EXPIRY, ...options.expiry },
  });
  const hanging = new Set<import('express').Response>();
  const app = createApp({ gateway, hanging, ...(adminToken ? { admin: adminGate(adminToken) } : {}) });
  const sockets = new Set<Socket>();
  const server = await new Promise<import('node:http').Server>((resolve, reject) => {
    const s = app.listen(options.port ?? 0, host, (err?: Error) => (err ? reject(err) : resolve(s)));
    s.on('error', reject);
  });
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : (options.port ?? 0);
  // A wildcard address is where it listens, not where a client connects: the URL names loopback then.
  const urlHost = host === '0.0.0.0' ? '127.0.0.1' : host === '::' || host === '[::]' ? '::1' : host;
  const url = `http://${urlHost.includes(':') && !urlHost.startsWith('[') ? `[${urlHost}]` : urlHost}:${port}`;
  if (!baseUrl) baseUrl = url;
  let closed: Promise<void> | undefined;

  return {
    url,
    port,
    adminToken,
    config,
    clock,
    merchant(currency) {
      const m = config.merchants.find((x) => x.currency === currency);
      if (!m) throw new Error(`The sandbox config has no ${currency} merchant.`);
      return m;
    },
    order: (no) => gateway.state.orders.get(no),
    orders: () => [...gateway.state.orders.values()],
    refund: (no) => gateway.state.refunds.get(no),
    subscription: (no) => gateway.state.subscriptions.get(no),
    complete(no, outcome, errorMsg) {
      const done = gateway.complete(no, outcome, errorMsg);
      if (done === undefined) throw new Error(`No sandbox order, refund or subscription ${no}.`);
      return done;
    },
    notifications: (orderNo) => notifier.find(orderNo),
    ledger(appId) {
      const m = gateway.state.merchants.get(appId);
      if (!m || m.currency === 'CASHIER') throw new Error(`No sandbox merchant ${appId} with a ledger.`);
      return gateway.ledger.balances(m.appId, m.currency);
    },
    injectFault: (spec) => faults.add(spec),
    clearFaults: () => faults.clear(),
    idle: () => clock.idle(),
    close() {
      closed ??= (async () => {
        clock.stop();
        gateway.stop();
        notifier.stop();
        for (const res of hanging) res.socket?.destroy();
        await closeServer(server, sockets);
      })();
      return closed;
    },
  };
}
