/**
 * Server figures: checkouts per second through router → sandbox on loopback, notifications ingested
 * per second with the SQLite store (and with PostgreSQL when `HAIPAY_PG_URL` is set), and the
 * router's added latency over a direct sandbox call.
 *
 * Everything runs in this one process on loopback — the load generator, the merchant's Express app
 * with the router, and the sandbox — exactly like the reference figures, so ratios compare like with
 * like. A checkout costs two RSA signatures (the client's request and the sandbox's answer) and one
 * verification, which is why its reference is RSA signs per second.
 */
import express from 'express';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { createSandbox, type Sandbox } from '@haipay-kit/sandbox';
import { HaiPayClient, createHaiPayRouter, silentLogger, type PaymentStore } from '@haipay-kit/express';
import { SqlitePaymentStore } from '@haipay-kit/express/sqlite';
import { generateTestNotification } from '@haipay-kit/express/testing';
import { closedLoop, percentile, request, type Figure } from './lib.js';

const ORIGIN = 'https://shop.example';

interface Shop {
  base: string;
  hookCalls: () => number;
  checkout(i: number): Promise<{ status: number; body: string }>;
  close(): Promise<void>;
}

/** A merchant app with the router mounted on `store`, against `sandbox`. */
async function startShop(sandbox: Sandbox, client: HaiPayClient, store: PaymentStore): Promise<Shop> {
  const app = express();
  const server = app.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  let hooks = 0;
  const router = createHaiPayRouter({
    client,
    store,
    logger: silentLogger,
    publicBaseUrl: `${base}/haipay`,
    returnUrl: `${ORIGIN}/thanks`,
    allowedOrigins: [ORIGIN],
    resolveOrder: () => ({ amount: '100.00', currency: 'THB', subject: 'Bench order', buyerId: 'u-bench' }),
    reconcile: false,
    rateLimit: false,
    hooks: { onPaymentSucceeded: () => void hooks++ },
  });
  app.use('/haipay', router);
  return {
    base,
    hookCalls: () => hooks,
    checkout: (i) =>
      request({
        method: 'POST',
        url: `${base}/haipay/payments`,
        headers: { origin: ORIGIN, 'idempotency-key': `bench-${process.pid}-${i}-${Math.random()}` },
        body: JSON.stringify({
          method: 'promptpay',
          orderRef: `cart-${i}`,
          name: 'Somchai Jaidee',
          email: 'somchai@example.com',
          phone: '0812345678',
        }),
      }),
    async close() {
      await router.close();
      await new Promise((r) => server.close(r));
    },
  };
}

/** Runs checkouts for `durationMs` and returns the load figures and the orders created. */
async function runCheckouts(shop: Shop, durationMs: number) {
  const created: Array<{ orderId: string; orderNo: string }> = [];
  const load = await closedLoop(
    async (i) => {
      const r = await shop.checkout(i);
      if (r.status !== 201) return false;
      created.push(JSON.parse(r.body) as { orderId: string; orderNo: string });
      return true;
    },
    { concurrency: 8, durationMs },
  );
  return { load, created };
}

/** Posts signed success notifications for `orders` (then duplicates) for `durationMs`. */
async function runNotifications(
  sandbox: Sandbox,
  shop: Shop,
  orders: ReadonlyArray<{ orderId: string; orderNo: string }>,
  durationMs: number,
) {
  const thb = sandbox.config.merchants.find((m) => m.currency === 'THB')!;
  const bodies = orders.map((o) =>
    generateTestNotification({
      payload: {
        appId: thb.appId,
        currency: 'THB',
        orderId: o.orderId,
        orderNo: o.orderNo,
        amount: '100.00',
        fee: '1.50',
        status: 2,
        payTime: '2026-11-22 10:00:00',
        inBankCode: 'QR',
      },
      platformPrivateKey: sandbox.config.platform.privateKey,
      secretKey: thb.secretKey,
    }),
  );
  let next = 0;
  const hooksBefore = shop.hookCalls();
  const r = await closedLoop(
    async () => {
      const body = bodies[next++ % bodies.length]!;
      const res = await request({ method: 'POST', url: `${shop.base}/haipay/notify`, body });
      return res.status === 200 && res.body === 'SUCCESS';
    },
    { concurrency: 8, durationMs, warmupMs: 0 },
  );
  const note =
    `POST /notify: lossless parse, RSA verify, amount check, forward-only transition, hook once; ` +
    `${Math.min(bodies.length, r.completed)} first deliveries then duplicates; ${shop.hookCalls() - hooksBefore} hook calls`;
  return { perSecond: r.perSecond, note };
}

/** Measures the server figures; `refs` are this run's reference figures. */
export async function serverFigures(refs: { rsa: Figure; expressRef: Figure }): Promise<Figure[]> {
  const sandbox = await createSandbox();
  const merchants: Record<string, { appId: number; secretKey: string; privateKey: string }> = {};
  for (const m of sandbox.config.merchants) {
    merchants[m.currency] = { appId: m.appId, secretKey: m.secretKey, privateKey: m.privateKey! };
  }
  const client = new HaiPayClient({
    baseUrl: sandbox.url,
    merchants,
    platformPublicKey: sandbox.config.platform.publicKey,
    timeoutMs: 10_000,
  });
  const dir = mkdtempSync(join(tmpdir(), 'haipay-bench-'));
  const store = new SqlitePaymentStore({ filename: join(dir, 'bench.db') });
  const shop = await startShop(sandbox, client, store);
  const figures: Figure[] = [];
  try {
    // 1. Checkouts per second (concurrent).
    const { load, created } = await runCheckouts(shop, 4000);
    figures.push({
      name: 'checkouts.perSecond',
      value: load.perSecond,
      unit: 'checkouts/s',
      reference: refs.rsa.name,
      ratio: load.perSecond / refs.rsa.value,
      note: `POST /payments (PromptPay) → signed apply → verified answer → SQLite; 8 concurrent; ${load.errors} errors`,
    });

    // 2. Notifications ingested per second with SQLite.
    const sqlite = await runNotifications(sandbox, shop, created, 3000);
    figures.push({
      name: 'notifications.sqlite.perSecond',
      value: sqlite.perSecond,
      unit: 'notifications/s',
      reference: refs.expressRef.name,
      ratio: sqlite.perSecond / refs.expressRef.value,
      note: sqlite.note,
    });

    // 3. Added latency: sequential router checkouts versus direct signed applies to the sandbox.
    const samples = 300;
    const direct: number[] = [];
    const viaRouter: number[] = [];
    for (let i = 0; i < samples; i++) {
      let t0 = performance.now();
      await client.collectApply('THB', {
        orderId: `direct-${process.pid}-${i}`,
        name: 'Somchai Jaidee',
        phone: '0812345678',
        email: 'somchai@example.com',
        amount: '100.00',
        payType: 'QR',
        inBankCode: 'QR',
        callBackUrl: `${ORIGIN}/ok`,
        callBackFailUrl: `${ORIGIN}/fail`,
        notifyUrl: `${shop.base}/haipay/notify`,
        subject: 'Bench order',
        partnerUserId: 'u-bench',
      });
      direct.push(performance.now() - t0);
      t0 = performance.now();
      const r = await shop.checkout(1_000_000 + i);
      if (r.status === 201) viaRouter.push(performance.now() - t0);
    }
    direct.sort((a, b) => a - b);
    viaRouter.sort((a, b) => a - b);
    for (const p of [50, 99] as const) {
      const d = percentile(direct, p);
      const added = percentile(viaRouter, p) - d;
      figures.push({
        name: `router.addedLatency.p${p}Ms`,
        value: added,
        unit: 'ms',
        reference: `sandbox.direct.p${p}Ms`,
        ratio: added / d,
        note: `p${p} of POST /payments minus p${p} of a direct client.collectApply, ${samples} sequential samples each`,
      });
      figures.push({
        name: `sandbox.direct.p${p}Ms`,
        value: d,
        unit: 'ms',
        note: 'a signed THB collect apply straight to the sandbox (sign, HTTP, sandbox sign, verify)',
      });
    }
  } finally {
    await shop.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }

  // 4. Notifications per second with PostgreSQL, beside SQLite (issue 8), when a database is reachable.
  const pgUrl = process.env.HAIPAY_PG_URL;
  if (pgUrl) {
    const { openTemporaryStore } = await import('@haipay-kit/postgres');
    const pg = await openTemporaryStore(pgUrl);
    const pgShop = await startShop(sandbox, client, pg.store);
    try {
      const { created } = await runCheckouts(pgShop, 2000);
      const r = await runNotifications(sandbox, pgShop, created, 3000);
      figures.push({
        name: 'notifications.postgres.perSecond',
        value: r.perSecond,
        unit: 'notifications/s',
        reference: refs.expressRef.name,
        ratio: r.perSecond / refs.expressRef.value,
        note: `${r.note}; PostgreSQL on loopback, LISTEN/NOTIFY trigger on every change`,
      });
    } finally {
      await pgShop.close();
      await pg.dispose();
    }
  } else {
    process.stderr.write(
      '[bench] notifications.postgres.perSecond skipped: set HAIPAY_PG_URL (npm test sets one up)\n',
    );
  }
  await sandbox.close();
  return figures;
}
