/** The few HTTP calls the elements make to the companion (docs/contracts.md). Nothing runs at import. */
import type { ApiErrorBody, PaymentView } from './types.js';

export interface Fetched<T> {
  status: number;
  body: T;
  /** Server clock minus client clock, from the `Date` header (0 when absent). */
  skewMs: number;
}

const trimSlash = (s: string): string => s.replace(/\/+$/, '');

/**
 * A new Idempotency-Key: a UUID, or 32 hex digits where `crypto.randomUUID` is missing (it exists only in
 * secure contexts, so a plain-HTTP page — a phone testing against a laptop on the LAN — lacks it).
 */
export const newKey = (): string =>
  crypto.randomUUID?.() ??
  Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, '0')).join('');

export const paymentUrl = (endpoint: string, orderId: string): string =>
  `${trimSlash(endpoint)}/payments/${encodeURIComponent(orderId)}`;

/**
 * Skew from a response's `Date` header, measured against `clientNow` at receipt. The header has whole
 * seconds, so the server's clock read anywhere from `Date` to `Date + 999 ms`; taking the latest makes a
 * countdown err short by under a second, never long (a fresh 15-minute QR shows 15:00, not 15:01).
 */
function skewFrom(res: Response, clientNow: number): number {
  const date = res.headers.get('Date');
  const server = date ? Date.parse(date) : NaN;
  return Number.isFinite(server) ? server + 999 - clientNow : 0;
}

/** The body as JSON; `undefined` when it is empty or not JSON. A connection lost mid-body still throws. */
async function json(res: Response): Promise<unknown> {
  const text = await res.text();
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

export async function getPayment(
  endpoint: string,
  orderId: string,
  now: () => number,
): Promise<Fetched<PaymentView>> {
  // Cookies go to the same origin only (fetch's default `credentials`).
  const res = await fetch(paymentUrl(endpoint, orderId), {
    headers: { Accept: 'application/json' },
    cache: 'no-store',
  });
  const skewMs = skewFrom(res, now());
  // A failure's body is not read: the element shows its own localized "could not reach" message.
  if (!res.ok) throw new Error(`HTTP ${res.status}`);
  return { status: res.status, body: (await res.json()) as PaymentView, skewMs };
}

export async function postPayment(
  endpoint: string,
  body: Record<string, string>,
  idempotencyKey: string,
  now: () => number,
  path: 'payments' | 'subscriptions' = 'payments',
): Promise<Fetched<PaymentView | ApiErrorBody | undefined>> {
  const res = await fetch(`${trimSlash(endpoint)}/${path}`, {
    method: 'POST',
    headers: {
      'Content-Type': 'application/json',
      Accept: 'application/json',
      'Idempotency-Key': idempotencyKey,
    },
    body: JSON.stringify(body),
  });
  const skewMs = skewFrom(res, now());
  return { status: res.status, body: (await json(res)) as PaymentView | ApiErrorBody | undefined, skewMs };
}
