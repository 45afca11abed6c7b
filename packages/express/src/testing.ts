/**
 * `@haipay-kit/express/testing` — for your tests. Build a notification body signed exactly as HaiPay
 * signs one and post it to your `/notify` URL (after stripe-node's `generateTestHeaderString`), and an
 * in-memory store for tests that need no file.
 */
import { stringifyLossless } from '@haipay-kit/protocol';
import { createSigner, type KeyInput } from '@haipay-kit/protocol/node';

/** Options for {@link generateTestNotification}. */
export interface TestNotificationOptions {
  /** The notification fields (without `sign`), e.g. `{ appId: 1054, currency: 'THB', orderId, orderNo, amount: '100.00', status: 2 }`. */
  payload: Record<string, unknown>;
  /** The private key that plays HaiPay's platform key (the sandbox's `config.platform.privateKey`, or a test pair whose public half you configured as `platformPublicKey`). */
  platformPrivateKey: KeyInput;
  /** The merchant secret of the notification's appId. */
  secretKey: string;
}

/**
 * Returns the JSON text of a notification signed like HaiPay's (docs/protocol.md §2.3: platform key,
 * string-to-sign of all fields + `&key=<merchant secret>`). Numbers given as `LosslessNumber` keep their text.
 *
 * @example
 * const body = generateTestNotification({ payload: { appId: 1054, currency: 'THB', orderId, orderNo, amount: '100.00', fee: '1.50', status: 2 },
 *   platformPrivateKey: testPlatformPrivateKey, secretKey: thbSecret });
 * await fetch('http://localhost:3000/haipay/notify', { method: 'POST', headers: { 'content-type': 'application/json' }, body });
 */
export function generateTestNotification(options: TestNotificationOptions): string {
  const signer = createSigner({ privateKey: options.platformPrivateKey, secretKey: options.secretKey });
  const payload = { ...options.payload };
  delete payload.sign;
  return stringifyLossless(signer.signParams(payload));
}

/** Posts a notification body to `url`; resolves with the HTTP status and the answer text (`SUCCESS` when accepted). */
export async function sendTestNotification(
  url: string,
  body: string,
): Promise<{ status: number; body: string }> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
  return { status: res.status, body: await res.text() };
}

export { MemoryPaymentStore, type MemoryPaymentStoreOptions } from './store/memory.js';
