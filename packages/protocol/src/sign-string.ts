/**
 * The string HaiPay signs — docs/protocol.md §2 — for requests, responses (`data`) and notifications.
 */
import { LosslessNumber, stringifyLossless } from './lossless-json.js';

/** Keys never included in the string to sign. */
export const UNSIGNED_KEYS: readonly string[] = ['sign', 'sign_type'];

/**
 * Renders one value as it appears after `key=` in the string to sign.
 *
 * - strings: as is — no URL-encoding, trimming or quoting;
 * - numbers: their decimal text; a {@link LosslessNumber} gives its source text (`0.50000000`);
 * - booleans: `true` / `false`; bigints: their decimal text;
 * - arrays and objects: compact JSON, numbers as source text (docs/protocol.md §2.4: undocumented
 *   by HaiPay; the kit treats such signatures as unverified by default).
 */
export function renderSignValue(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value instanceof LosslessNumber) return value.source;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new TypeError(`Cannot sign a non-finite number (${value})`);
    return String(value);
  }
  if (typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  return stringifyLossless(value);
}

/** True when a value is left out of the string to sign: `null`, `undefined` and the empty string. */
export function isOmittedFromSign(value: unknown): boolean {
  return value === null || value === undefined || value === '';
}

/**
 * Builds HaiPay's string to sign from a flat parameter map.
 *
 * 1. drop `sign` and `sign_type`; 2. drop `null`, `undefined` and `""` (`0`, `"0"`, `false` and
 * whitespace are kept); 3. sort keys by UTF-16 code unit (so upper case sorts before lower case);
 * 4. join `key=value` with `&`, values raw (see {@link renderSignValue}); 5. append
 * `&key=<secretKey>` — or just `key=<secretKey>` when nothing is left.
 *
 * @param params - request body, response `data`, or notification body (plain or lossless values)
 * @param secretKey - the merchant secret key of the appId concerned
 * @example
 * stringToSign({ appId: 1000, orderNo: '1000' }, 'WFZf…')
 * // "appId=1000&orderNo=1000&key=WFZf…"
 */
export function stringToSign(params: Readonly<Record<string, unknown>>, secretKey: string): string {
  if (typeof secretKey !== 'string' || secretKey === '') {
    throw new TypeError('stringToSign: secretKey must be a non-empty string (the merchant secret key)');
  }
  const keys = Object.keys(params)
    .filter((k) => !UNSIGNED_KEYS.includes(k) && !isOmittedFromSign(params[k]))
    .sort(); // default sort compares UTF-16 code units, as Java's String.compareTo does for these keys
  const pairs = keys.map((k) => `${k}=${renderSignValue(params[k])}`);
  pairs.push(`key=${secretKey}`);
  return pairs.join('&');
}

/**
 * True when the map contains a nested value (array or object) that would be signed as JSON — a
 * rendering HaiPay has not documented (docs/protocol.md §2.4).
 */
export function hasNestedValues(params: Readonly<Record<string, unknown>>): boolean {
  return Object.keys(params).some((k) => {
    const v = params[k];
    return (
      !UNSIGNED_KEYS.includes(k) && v !== null && typeof v === 'object' && !(v instanceof LosslessNumber)
    );
  });
}
