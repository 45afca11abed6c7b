/**
 * The string HaiPay signs — docs/protocol.md §2 — for requests, responses (`data`) and notifications.
 */
import { LosslessNumber, stringifyLossless } from './lossless-json.js';

/** Keys never included in the string to sign. */
export const UNSIGNED_KEYS: readonly string[] = ['sign', 'sign_type'];

/**
 * How arrays and objects are written in a string to sign. HaiPay has not documented it
 * (docs/protocol.md §2.4): `json` is compact JSON (what the kit and the sandbox sign); `java` is Java's
 * `toString` of a `List`/`Map` (`[a, b]`, `{k=v, k2=v2}`), which HaiPay's Java server may produce.
 */
export type NestedStyle = 'json' | 'java';

function renderJava(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(renderJava).join(', ')}]`;
  if (value !== null && typeof value === 'object' && !(value instanceof LosslessNumber)) {
    const entries = Object.keys(value).map(
      (k) => `${k}=${renderJava((value as Record<string, unknown>)[k])}`,
    );
    return `{${entries.join(', ')}}`;
  }
  return value === null || value === undefined ? 'null' : renderSignValue(value);
}

/**
 * Renders one value as it appears after `key=` in the string to sign.
 *
 * - strings: as is — no URL-encoding, trimming or quoting;
 * - numbers: their decimal text; a {@link LosslessNumber} gives its source text (`0.50000000`);
 * - booleans: `true` / `false`; bigints: their decimal text;
 * - arrays and objects: compact JSON with numbers as source text, or Java's `toString` form when
 *   `nested` is `java` (docs/protocol.md §2.4).
 */
export function renderSignValue(value: unknown, nested: NestedStyle = 'json'): string {
  if (typeof value === 'string') return value;
  if (value instanceof LosslessNumber) return value.source;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new TypeError(`Cannot sign a non-finite number (${value})`);
    return String(value);
  }
  if (typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  return nested === 'java' ? renderJava(value) : stringifyLossless(value);
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
 * @param nested - how arrays and objects are written (only matters when there are any)
 * @example
 * stringToSign({ appId: 1000, orderNo: '1000' }, 'WFZf…')
 * // "appId=1000&orderNo=1000&key=WFZf…"
 */
export function stringToSign(
  params: Readonly<Record<string, unknown>>,
  secretKey: string,
  // Stryker disable next-line StringLiteral: every style but 'java' renders JSON, so '' is the same default
  nested: NestedStyle = 'json',
): string {
  if (typeof secretKey !== 'string' || secretKey === '') {
    throw new TypeError('stringToSign: secretKey must be a non-empty string (the merchant secret key)');
  }
  const keys = Object.keys(params)
    .filter((k) => !UNSIGNED_KEYS.includes(k) && !isOmittedFromSign(params[k]))
    .sort(); // default sort compares UTF-16 code units, as Java's String.compareTo does for these keys
  const pairs = keys.map((k) => `${k}=${renderSignValue(params[k], nested)}`);
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
