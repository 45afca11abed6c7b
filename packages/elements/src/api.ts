/** The few HTTP calls the elements make to the companion (docs/contracts.md). Nothing runs at import. */
import type { ApiErrorBody, PaymentView } from './types.js';

export interface Fetched<T> {
  status: number;
  body: T;
  /** Server clock minus client clock, from the `Date` header (0 when absent). */
  skewMs: number;
}

const trimSlash = (s: string): string => s.replace(/\/+$/, '');

export const paymentUrl = (endpoint: string, orderId: string): string =>
  `${trimSlash(endpoint)}/payments/${encodeURIComponent(orderId)}`;

/** Skew from a response's `Date` header (whole seconds), measured against `clientNow` at receipt. */
export function skewFrom(res: Response, clientNow: number): number {
  const date = res.headers.get('Date');
  const server = date ? Date.parse(date) : NaN;
  return Number.isFinite(server) ? server - clientNow : 0;
}

async function json(res: Response): Promise<unknown> {
  const text = await res.text();
  try {
    return text ? (JSON.parse(text) as unknown) : undefined;
  } catch {
    return undefined;
  }
}

export async function getPayment(
  endpoint: string,
  orderId: string,
  now: () => number,
): Promise<Fetched<PaymentView>> {
  const res = await fetch(paymentUrl(endpoint, orderId), {
    headers: { Accept: 'application/json' },
    credentials: 'same-origin',
    cache: 'no-store',
  });
  const skewMs = skewFrom(res, now());
  const body = await json(res);
  if (!res.ok) throw Object.assign(new Error(errorMessage(body) ?? `HTTP ${res.status}`), { body });
  return { status: res.status, body: body as PaymentView, skewMs };
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
    credentials: 'same-origin',
    body: JSON.stringify(body),
  });
  const skewMs = skewFrom(res, now());
  return { status: res.status, body: (await json(res)) as PaymentView | ApiErrorBody | undefined, skewMs };
}

export function errorMessage(body: unknown): string | undefined {
  const e = (body as Partial<ApiErrorBody> | undefined)?.error;
  return typeof e?.message === 'string' ? e.message : undefined;
}
