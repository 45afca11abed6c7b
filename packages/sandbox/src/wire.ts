/**
 * Between HaiPay's wire and the sandbox's records: what a handler answers (signed `data`, or one of the
 * refusals of README "Checks"), how an optional text field of a request is read, how absent fields are
 * left out, and how times and an order's facts are written. Queries and notifications of every room
 * say these things the same way, so they are said here once.
 */
import { scalarText, type GatewayErrorCode } from '@haipay-kit/protocol';
import { formatLocalTime } from './clock.js';
import { formatAmount } from './money.js';
import type { Order } from './records.js';

/** A HaiPay error code the sandbox can answer (messages: `haipayErrorMessage`, docs/protocol.md §8.1). */
export type ErrorCode = Exclude<GatewayErrorCode, '00000000'>;

/** A handler's answer: business `data` (to be signed) or an error code. */
export type ApiResult = { data: Record<string, unknown> } | { error: ErrorCode };

const refusal = (error: ErrorCode): { readonly error: ErrorCode } => Object.freeze({ error });

/** The refusals of the business rules (README "Checks"), each HaiPay code named once. */
export const REFUSE = {
  /** `1001` param is null. */
  missingParam: refusal('1001'),
  /** `1002` Illegal Param: a value the rules cannot take. */
  illegalParam: refusal('1002'),
  /** `4005`: the merchant already used this orderId (per kind). */
  duplicateOrderId: refusal('4005'),
  /** `4012`: a product (method, payouts, refunds, subscriptions) the merchant does not have. */
  noProduct: refusal('4012'),
  /** `4013` order not exit: unknown, or another merchant's. */
  unknownOrder: refusal('4013'),
  /** `4014`: already final, refunded or cancelled. */
  alreadyFinal: refusal('4014'),
  /** `4016`: the available balance does not cover it. */
  insufficientBalance: refusal('4016'),
} as const;

/** A request field as text; `undefined` when absent, null, empty or not a scalar (`scalarText`). */
export function str(v: unknown): string | undefined {
  return scalarText(v) || undefined;
}

/** The text fields among `keys` that the request sends, in `keys` order (a record's optional fields). */
export function presentText<K extends string>(
  body: Record<string, unknown>,
  keys: readonly K[],
): Partial<Record<K, string>> {
  const out: Partial<Record<K, string>> = {};
  for (const k of keys) {
    const v = str(body[k]);
    if (v !== undefined) out[k] = v;
  }
  return out;
}

/** A copy of `fields` without the undefined ones (absent fields are left out of answers and notifications). */
export function compact(fields: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined));
}

/** Local time zone per currency for `payTime`, `startTime`… (UTC offset hours). USD: Singapore, HaiPay's home. */
export const LOCAL_UTC_OFFSET: Record<string, number> = { THB: 7, VND: 7, TWD: 8, USD: 8 };

/** A time as HaiPay writes it for a currency: `yyyy-MM-dd HH:mm:ss` local (UTC+8 when unlisted). */
export function localTime(ms: number, currency: string): string;
export function localTime(ms: number | undefined, currency: string): string | undefined;
export function localTime(ms: number | undefined, currency: string): string | undefined {
  return ms === undefined ? undefined : formatLocalTime(ms, LOCAL_UTC_OFFSET[currency] ?? 8);
}

/**
 * What a query answers and a notification tells about an order, in that order: its numbers, the
 * `amounts` given (hundredths, rendered in the order's currency), status, `payTime` (local time of
 * `zone`) and `errorMsg`. Undefined fields are still there; the caller compacts.
 */
export function orderFacts(
  order: Order,
  amounts: Record<string, number>,
  zone: string,
): Record<string, unknown> {
  const rendered = Object.entries(amounts).map(([k, v]): [string, string] => [
    k,
    formatAmount(v, order.currency),
  ]);
  return {
    orderId: order.orderId,
    orderNo: order.orderNo,
    ...Object.fromEntries(rendered),
    status: order.status,
    payTime: localTime(order.payTime, zone),
    errorMsg: order.errorMsg,
  };
}

/** A query's answer about an order: its facts, without absent fields or an empty `errorMsg`. */
export function orderAnswer(order: Order, amounts: Record<string, number>, zone: string): ApiResult {
  return { data: compact({ ...orderFacts(order, amounts, zone), errorMsg: order.errorMsg || undefined }) };
}
