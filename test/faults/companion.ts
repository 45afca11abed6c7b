/**
 * A merchant server as a merchant would write it: Express + `createHaiPayRouter` + the SQLite store on
 * a file, pointed at a sandbox gateway. The fault suite runs it in-process; the crash suite runs it in
 * a child process through companion-child.ts.
 */
import express from 'express';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import type { SandboxConfig } from '@haipay-kit/sandbox';
import {
  HaiPayClient,
  HaiPayOrderRejectedError,
  createHaiPayRouter,
  type HaiPayClientOptions,
  type HaiPayRouter,
  type HaiPayRouterOptions,
  type Logger,
  type PaymentEvent,
} from '@haipay-kit/express';
import { SqlitePaymentStore } from '@haipay-kit/express/sqlite';
import { scalarText } from '@haipay-kit/protocol';
import type { WireJson } from '@haipay-kit/test-support';

export const ORIGIN = 'https://shop.example';

/** Prices by cart: the browser sends `orderRef` = `<currency>:<amount>:<n>`; the server decides from it. */
function resolveFromRef(orderRef: unknown) {
  const [currency, amount] = scalarText(orderRef).split(':');
  if (!currency || !amount) throw new HaiPayOrderRejectedError('Unknown cart');
  return { amount, currency, subject: `Cart ${String(orderRef)}`, buyerId: 'u-fault' };
}

export interface CompanionOptions {
  sandboxUrl: string;
  config: SandboxConfig;
  dbPath: string;
  /** 0 = ephemeral. */
  port?: number;
  /** Called when a hook is entered; throw to make the hook fail (it is retried). */
  onHook(hook: string, payment: PaymentEvent): void | Promise<void>;
  logger: Logger;
  client?: Partial<HaiPayClientOptions>;
  router?: Partial<HaiPayRouterOptions>;
  /** Wraps the store (the crash suite records completed hooks durably). */
  wrapStore?(store: SqlitePaymentStore): SqlitePaymentStore;
  /** The clock of the store and the router (default `Date.now`): the suites move it instead of waiting. */
  now?: () => number;
}

export interface Companion {
  url: string;
  router: HaiPayRouter;
  store: SqlitePaymentStore;
  close(): Promise<void>;
}

export async function startCompanion(opts: CompanionOptions): Promise<Companion> {
  const merchants: HaiPayClientOptions['merchants'] = {};
  for (const m of opts.config.merchants) {
    merchants[m.currency] = { appId: m.appId, secretKey: m.secretKey, privateKey: m.privateKey! };
  }
  const client = new HaiPayClient({
    baseUrl: opts.sandboxUrl,
    merchants,
    platformPublicKey: opts.config.platform.publicKey,
    timeoutMs: 400,
    retryDelayMs: 5,
    ...opts.client,
  });
  const raw = new SqlitePaymentStore({ filename: opts.dbPath, now: opts.now });
  const store = opts.wrapStore ? opts.wrapStore(raw) : raw;
  const app = express();
  const server: Server = await new Promise((resolve, reject) => {
    const s = app.listen(opts.port ?? 0, '127.0.0.1', () => resolve(s));
    s.on('error', reject);
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const hook = (name: string) => (p: PaymentEvent) => opts.onHook(name, p);
  const router = createHaiPayRouter({
    client,
    store,
    logger: opts.logger,
    publicBaseUrl: `${url}/haipay`,
    returnUrl: `${ORIGIN}/thanks`,
    allowedOrigins: [ORIGIN],
    resolveOrder: (_req, body) => resolveFromRef(body.orderRef),
    reconcile: false,
    rateLimit: false,
    unknownGraceMs: 1500,
    now: opts.now,
    // The faults post test cards to the router: PCI direct, said explicitly (the default is hosted).
    cardMode: 'direct',
    hooks: {
      onPaymentSucceeded: hook('succeeded'),
      onPaymentFailed: hook('failed'),
      onPaymentExpired: hook('expired'),
      onPaymentMismatch: hook('mismatch'),
    },
    ...opts.router,
  });
  app.use('/haipay', router);
  return {
    url,
    router,
    store,
    async close() {
      await router.close();
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
      await store.close();
    },
  };
}

/** Test cards (packages/sandbox README). */
export const CARDS = {
  success: '4242424242424242',
  decline: '4000000000009995',
  challenge: '4000002500003155',
} as const;

/** One kind of checkout the suites drive. */
export interface Flavour {
  name: string;
  method: string;
  currency: 'THB' | 'USD' | 'TWD';
  amount: string;
  card?: string;
  /** Final at the gateway during the apply call itself (PCI card without 3-D Secure). */
  decidedInApply?: boolean;
}

export const FLAVOURS: readonly Flavour[] = [
  { name: 'THB PromptPay', method: 'promptpay', currency: 'THB', amount: '100.00' },
  { name: 'THB VA', method: 'bank-transfer', currency: 'THB', amount: '250.00' },
  { name: 'THB TrueMoney', method: 'truemoney', currency: 'THB', amount: '75.50' },
  {
    name: 'USD card',
    method: 'card',
    currency: 'USD',
    amount: '25.00',
    card: CARDS.success,
    decidedInApply: true,
  },
  {
    name: 'USD card declined',
    method: 'card',
    currency: 'USD',
    amount: '19.99',
    card: CARDS.decline,
    decidedInApply: true,
  },
  { name: 'USD card 3DS', method: 'card', currency: 'USD', amount: '40.00', card: CARDS.challenge },
  { name: 'TWD ATM', method: 'twd-atm', currency: 'TWD', amount: '1500' },
  { name: 'TWD JKO Pay', method: 'jkopay', currency: 'TWD', amount: '990' },
];

/** The browser body of a checkout. */
export function checkoutBody(f: Flavour, n: number): Record<string, unknown> {
  const buyer =
    f.currency === 'TWD'
      ? { name: 'Wang Xiaoming', email: 'w@example.com', phone: '0912345678' }
      : f.currency === 'USD'
        ? { name: 'Jane Doe', email: 'jane@example.com', phone: '' }
        : { name: 'Somchai Jaidee', email: 's@example.com', phone: '0812345678' };
  return {
    method: f.method,
    orderRef: `${f.currency}:${f.amount}:${n}`,
    ...buyer,
    ...(f.card ? { cardNumber: f.card, expiryMonth: '12', expiryYear: '2030', cvv: '123' } : {}),
  };
}

/** POSTs a checkout as the element would. */
export async function postCheckout(
  url: string,
  body: Record<string, unknown>,
  key: string,
): Promise<{ status: number; json: WireJson; text: string }> {
  const res = await fetch(`${url}/haipay/payments`, {
    method: 'POST',
    headers: { origin: ORIGIN, 'content-type': 'application/json', 'idempotency-key': key },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  let json: unknown = null;
  try {
    json = JSON.parse(text);
  } catch {
    // not JSON: `json` stays null
  }
  return { status: res.status, json, text };
}
