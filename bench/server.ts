/**
 * Server figures: checkouts per second through router → sandbox on loopback, notifications ingested
 * per second with the SQLite store, and the router's added latency over a direct sandbox call.
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
import { createSandbox } from '@haipay-kit/sandbox';
import {
  HaiPayClient,
  createHaiPayRouter,
  SqlitePaymentStore,
  silentLogger,
  generateTestNotification,
} from '@haipay-kit/express';
import { closedLoop, percentile, request, type Figure } from './lib.js';

const ORIGIN = 'https://shop.example';

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
  const app = express();
  const server = app.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  let hookCalls = 0;
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
    hooks: { onPaymentSucceeded: () => void hookCalls++ },
  });
  app.use('/haipay', router);

  const checkout = (i: number) =>
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
    });

  const figures: Figure[] = [];
  try {
    // 1. Checkouts per second (concurrent).
    const created: Array<{ orderId: string; orderNo: string }> = [];
    const load = await closedLoop(
      async (i) => {
        const r = await checkout(i);
        if (r.status !== 201) return false;
        const view = JSON.parse(r.body) as { orderId: string; orderNo: string };
        created.push(view);
        return true;
      },
      { concurrency: 8, durationMs: 4000 },
    );
    figures.push({
      name: 'checkouts.perSecond',
      value: load.perSecond,
      unit: 'checkouts/s',
      reference: refs.rsa.name,
      ratio: load.perSecond / refs.rsa.value,
      note: `POST /payments (PromptPay) → signed apply → verified answer → SQLite; 8 concurrent; ${load.errors} errors`,
    });

    // 2. Notifications ingested per second: verify, cross-check, forward-only transition, hook, SUCCESS.
    const thb = sandbox.config.merchants.find((m) => m.currency === 'THB')!;
    const bodies = created.map((o) =>
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
    const hooksBefore = hookCalls;
    const notify = await closedLoop(
      async () => {
        const body = bodies[next++ % bodies.length]!;
        const r = await request({ method: 'POST', url: `${base}/haipay/notify`, body });
        return r.status === 200 && r.body === 'SUCCESS';
      },
      { concurrency: 8, durationMs: 3000, warmupMs: 0 },
    );
    const firstDeliveries = Math.min(bodies.length, notify.completed);
    figures.push({
      name: 'notifications.sqlite.perSecond',
      value: notify.perSecond,
      unit: 'notifications/s',
      reference: refs.expressRef.name,
      ratio: notify.perSecond / refs.expressRef.value,
      note:
        `POST /notify: lossless parse, RSA verify, amount check, SQLite transition, hook; ` +
        `${firstDeliveries} first deliveries then duplicates; ${hookCalls - hooksBefore} hook calls`,
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
        notifyUrl: `${base}/haipay/notify`,
        subject: 'Bench order',
        partnerUserId: 'u-bench',
      });
      direct.push(performance.now() - t0);
      t0 = performance.now();
      const r = await checkout(1_000_000 + i);
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
    await router.close();
    server.close();
    await store.close();
    await sandbox.close();
    rmSync(dir, { recursive: true, force: true });
  }
  return figures;
}
