/**
 * The admin API's input rules: every query parameter and body field is checked here, and every
 * problem is reported per field (`400 validation_error` with `fields: [{ field, code, message }]`)
 * before anything reads the store or calls HaiPay. Unknown parameters are refused too, so a typo
 * (`?stauts=`) never silently lists everything.
 */
import { PAYMENT_METHODS } from '@haipay-kit/protocol/rules';
import { HaiPayValidationError } from '../errors.js';
import type { OrderQuery } from '../store/order-query.js';
import type { RecordKind } from '../store/types.js';
import { STATUS_RANK, type FieldIssueLike, type RecordStatus } from '../types.js';

/** Orders per page when `limit` is not given. */
const DEFAULT_PAGE_SIZE = 50;

/** The kit's order ids (`hp_…` payments, `hps_…` subscriptions). */
export const ORDER_ID_RE = /^hps?_[A-Za-z0-9_-]{10,40}$/;

const STATUSES = Object.keys(STATUS_RANK) as RecordStatus[];
const KINDS: readonly RecordKind[] = ['payment', 'subscription'];
const TEXT_MAX = 100;
const CURSOR_MAX = 200;
// eslint-disable-next-line no-control-regex -- control characters are what it refuses
const CONTROL_RE = /[\u0000-\u001f\u007f]/;
/** `2026-11-28`, or a date and time with seconds (and fraction) and a zone: `2026-11-28T09:30:00Z`. */
const INSTANT_RE = /^\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:\d{2}))?$/;

/** Collects the issues of one request, then throws them all at once. */
export class Issues {
  readonly list: FieldIssueLike[] = [];
  add(field: string, code: string, message: string): void {
    this.list.push({ field, code, message });
  }
  throwIfAny(): void {
    if (this.list.length > 0) throw new HaiPayValidationError('Some fields are invalid.', this.list);
  }
}

/** A query parameter as one string (repeated parameters refused), or undefined when absent. */
function single(issues: Issues, query: Record<string, unknown>, field: string): string | undefined {
  const v = query[field];
  if (v === undefined) return undefined;
  if (typeof v !== 'string') {
    issues.add(field, 'invalid_type', `Give ${field} once, as text.`);
    return undefined;
  }
  return v;
}

/** A comma-separated list (or the parameter repeated), each value one of `allowed`. */
function list<T extends string>(
  issues: Issues,
  query: Record<string, unknown>,
  field: string,
  allowed: readonly T[],
): T[] | undefined {
  const raw = query[field];
  if (raw === undefined) return undefined;
  const parts = (Array.isArray(raw) ? (raw as unknown[]) : [raw]).flatMap((p): unknown[] =>
    typeof p === 'string' ? p.split(',') : [p],
  );
  if (
    parts.length > allowed.length ||
    parts.some((p) => typeof p !== 'string' || !allowed.includes(p as T))
  ) {
    issues.add(field, 'invalid_value', `${field} must be a comma-separated list of: ${allowed.join(', ')}.`);
    return undefined;
  }
  return [...new Set(parts as T[])];
}

/** True when the text's calendar date exists (`Date.parse` rolls 2026-02-30 over into March). */
function realDate(text: string): boolean {
  const [y, m, d] = text.slice(0, 10).split('-').map(Number) as [number, number, number];
  return m >= 1 && m <= 12 && d >= 1 && d <= new Date(Date.UTC(y, m, 0)).getUTCDate();
}

/** An instant: a date (midnight UTC) or an ISO 8601 date and time with a zone, years 2000–9999. */
function instant(issues: Issues, query: Record<string, unknown>, field: string): string | undefined {
  const v = single(issues, query, field);
  if (v === undefined) return undefined;
  const ms = INSTANT_RE.test(v) && realDate(v) ? Date.parse(v) : NaN;
  const year = new Date(ms).getUTCFullYear();
  if (!Number.isFinite(ms) || year < 2000 || year > 9999) {
    issues.add(
      field,
      'invalid_date',
      `${field} must be a date (2026-11-28) or an ISO 8601 time with a zone.`,
    );
    return undefined;
  }
  return new Date(ms).toISOString();
}

/** A whole number in `[min, max]`, written in plain digits. */
export function integerField(
  issues: Issues,
  value: string | undefined,
  field: string,
  min: number,
  max: number,
): number | undefined {
  if (value === undefined) return undefined;
  const n = /^\d{1,9}$/.test(value) ? Number(value) : NaN;
  if (!(n >= min && n <= max)) {
    issues.add(field, 'out_of_range', `${field} must be a whole number from ${min} to ${max}.`);
    return undefined;
  }
  return n;
}

/** Free text: at most `max` characters, no control characters. */
export function textField(issues: Issues, value: unknown, field: string, max: number): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value.length > max || CONTROL_RE.test(value)) {
    issues.add(
      field,
      'invalid_text',
      `${field} must be text of at most ${max} characters, without control characters.`,
    );
    return undefined;
  }
  return value;
}

/** The opaque page cursor: the last order of a page. */
export function encodeCursor(record: { createdAt: string; orderId: string }): string {
  return Buffer.from(JSON.stringify([record.createdAt, record.orderId]), 'utf8').toString('base64url');
}

function decodeCursor(issues: Issues, value: string | undefined): OrderQuery['after'] {
  if (value === undefined) return undefined;
  try {
    if (value.length > CURSOR_MAX || !/^[A-Za-z0-9_-]+$/.test(value)) throw new Error('shape');
    const parsed: unknown = JSON.parse(Buffer.from(value, 'base64url').toString('utf8'));
    const [createdAt, orderId] = Array.isArray(parsed) ? (parsed as unknown[]) : [];
    if (
      typeof createdAt !== 'string' ||
      !Number.isFinite(Date.parse(createdAt)) ||
      typeof orderId !== 'string' ||
      !ORDER_ID_RE.test(orderId)
    )
      throw new Error('content');
    return { createdAt, orderId };
  } catch {
    issues.add('cursor', 'invalid_cursor', 'cursor must be the nextCursor of a previous page, unchanged.');
    return undefined;
  }
}

/** The query parameters `GET /orders` and `GET /subscriptions` take. */
const LIST_PARAMS = ['status', 'method', 'kind', 'createdFrom', 'createdBefore', 'q', 'limit', 'cursor'];

/**
 * Reads `GET /orders` parameters into a store query for one page (`limit + 1` orders are asked for,
 * to know whether another page follows). `kind` fixes the kind (the subscriptions list).
 */
export function parseListQuery(
  query: Record<string, unknown>,
  maxPageSize: number,
  kind?: RecordKind,
): OrderQuery & { pageSize: number } {
  const issues = new Issues();
  const allowed = kind ? LIST_PARAMS.filter((p) => p !== 'kind') : LIST_PARAMS;
  for (const key of Object.keys(query)) {
    if (!allowed.includes(key))
      issues.add(key, 'unknown_field', `Unknown parameter; use: ${allowed.join(', ')}.`);
  }
  const status = list(issues, query, 'status', STATUSES);
  const method = list(issues, query, 'method', PAYMENT_METHODS);
  const kinds = kind ? undefined : list(issues, query, 'kind', KINDS);
  if (kinds && kinds.length !== 1)
    issues.add('kind', 'invalid_value', 'kind must be payment or subscription.');
  const createdFrom = instant(issues, query, 'createdFrom');
  const createdBefore = instant(issues, query, 'createdBefore');
  if (createdFrom && createdBefore && createdFrom >= createdBefore)
    issues.add('createdBefore', 'invalid_range', 'createdBefore must be later than createdFrom.');
  const text = textField(issues, single(issues, query, 'q'), 'q', TEXT_MAX);
  const pageSize =
    integerField(issues, single(issues, query, 'limit'), 'limit', 1, maxPageSize) ?? DEFAULT_PAGE_SIZE;
  const after = decodeCursor(issues, single(issues, query, 'cursor'));
  issues.throwIfAny();
  return {
    ...(status ? { status } : {}),
    ...(method ? { method } : {}),
    ...(kind ? { kind } : kinds ? { kind: kinds[0] } : {}),
    ...(createdFrom ? { createdFrom } : {}),
    ...(createdBefore ? { createdBefore } : {}),
    ...(text ? { text } : {}),
    ...(after ? { after } : {}),
    pageSize: Math.min(pageSize, maxPageSize),
    limit: Math.min(pageSize, maxPageSize) + 1,
  };
}
