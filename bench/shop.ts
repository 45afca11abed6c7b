/**
 * The load generator's view of the shop: the requests a storefront and HaiPay send to the router (a
 * PromptPay checkout, a signed success notification), and the direct signed call to the sandbox that
 * the router's added latency is measured against. Everything here runs in the load process.
 */
import http from 'node:http';
import type { SandboxConfig } from '@haipay-kit/sandbox';
import { HaiPayClient, type MerchantCredentials } from '@haipay-kit/express';
import { generateTestNotification } from '@haipay-kit/express/testing';
import { request } from './lib.js';
import { ORIGIN } from './server.js';

/** An order the router created. */
export interface Order {
  orderId: string;
  orderNo: string;
}

/** The merchants of a sandbox config as client credentials (with the public key the bench also needs). */
export function merchantsOf(
  config: SandboxConfig,
): Record<string, MerchantCredentials & { publicKey: string }> {
  const out: Record<string, MerchantCredentials & { publicKey: string }> = {};
  for (const m of config.merchants) {
    if (m.privateKey)
      out[m.currency] = {
        appId: m.appId,
        secretKey: m.secretKey,
        privateKey: m.privateKey,
        publicKey: m.publicKey,
      };
  }
  return out;
}

let keys = 0;

/** `POST /payments` (PromptPay) through the router; the created order, or null when it failed. */
async function checkout(base: string): Promise<Order | null> {
  const n = ++keys;
  const r = await request({
    method: 'POST',
    url: `${base}/payments`,
    headers: { origin: ORIGIN, 'idempotency-key': `bench-${process.pid}-${n}` },
    body: JSON.stringify({
      method: 'promptpay',
      orderRef: `cart-${n}`,
      name: 'Somchai Jaidee',
      email: 'somchai@example.com',
      phone: '0812345678',
    }),
  });
  if (r.status !== 201) return null;
  const view = JSON.parse(r.body) as Partial<Order>;
  return view.orderId && view.orderNo ? { orderId: view.orderId, orderNo: view.orderNo } : null;
}

/** A checkout task against `base` (true when it succeeded) whose orders join `created`. */
export function checkoutInto(base: string, created: Order[]): () => Promise<boolean> {
  return async () => {
    const o = await checkout(base);
    if (o) created.push(o);
    return o !== null;
  };
}

/** HaiPay's success notification for `order`, signed with the platform key (as the sandbox would). */
export function successNotification(config: SandboxConfig, order: Order): string {
  const thb = config.merchants.find((m) => m.currency === 'THB')!;
  return generateTestNotification({
    payload: {
      appId: thb.appId,
      currency: 'THB',
      orderId: order.orderId,
      orderNo: order.orderNo,
      amount: '100.00',
      fee: '1.50',
      status: 2,
      payTime: '2026-11-22 10:00:00',
      inBankCode: 'QR',
    },
    platformPrivateKey: config.platform.privateKey,
    secretKey: thb.secretKey,
  });
}

/** Posts a notification body; true when it was acknowledged (`200 SUCCESS`). */
export async function notify(url: string, body: string): Promise<boolean> {
  const r = await request({ method: 'POST', url, body });
  return r.status === 200 && r.body === 'SUCCESS';
}

/**
 * The load process's own HaiPay client against the sandbox: the direct call a router checkout is
 * compared with (the same signed collect apply, its answer verified the same way).
 */
export function directClient(config: SandboxConfig, sandboxUrl: string, notifyUrl: string) {
  const client = new HaiPayClient({
    baseUrl: sandboxUrl,
    merchants: merchantsOf(config),
    platformPublicKey: config.platform.publicKey,
    timeoutMs: 30_000,
  });
  let n = 0;
  return async (): Promise<boolean> => {
    await client.collectApply('THB', {
      orderId: `direct-${process.pid}-${++n}`,
      name: 'Somchai Jaidee',
      phone: '0812345678',
      email: 'somchai@example.com',
      amount: '100.00',
      payType: 'QR',
      inBankCode: 'QR',
      callBackUrl: `${ORIGIN}/ok`,
      callBackFailUrl: `${ORIGIN}/fail`,
      notifyUrl,
      subject: 'Bench order',
      partnerUserId: 'u-bench',
    });
    return true;
  };
}

/** An open status stream (server-sent events) of one order. */
export interface OpenStream {
  /** Events received (the first is the order's current state). */
  events: number;
  close(): void;
}

/**
 * Opens a status stream (the router's `GET …/payments/:orderId/events`, or the bare reference's) on a
 * connection of its own and resolves once the first event (the current state) has arrived; rejects
 * when the server refuses the stream or sends nothing within 30 s.
 */
export function openStream(url: string): Promise<OpenStream> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { agent: false }, (res) => {
      if (res.statusCode !== 200) {
        res.resume();
        reject(new Error(`stream refused: ${res.statusCode}`));
        return;
      }
      const stream: OpenStream = { events: 0, close: () => req.destroy() };
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        const before = stream.events;
        stream.events += chunk.split('event: status').length - 1;
        if (before === 0 && stream.events > 0) {
          clearTimeout(timer);
          resolve(stream);
        }
      });
      res.on('error', () => undefined);
    });
    const timer = setTimeout(() => req.destroy(new Error('no first event within 30 s')), 30_000);
    req.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
  });
}
