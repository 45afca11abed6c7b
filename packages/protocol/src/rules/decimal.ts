/**
 * Exact comparison of decimal amount strings.
 *
 * HaiPay amounts are strings (`"0.99"`, `"8000.00"`, `"100000"`); comparing them through `Number`
 * invites binary floating-point surprises at limit boundaries, so limits are compared digit by digit.
 */

const DECIMAL_RE = /^(\d+)(?:\.(\d+))?$/;

/**
 * Compares two non-negative decimal strings exactly, without floating point.
 *
 * Leading zeros and trailing fractional zeros are insignificant (`"0100.50"` equals `"100.5"`).
 *
 * @returns `-1` when `a < b`, `0` when equal, `1` when `a > b`
 * @throws TypeError when either argument is not a plain non-negative decimal (`^\d+(\.\d+)?$`)
 * @example compareDecimal('0.98', '0.99') // -1
 */
export function compareDecimal(a: string, b: string): -1 | 0 | 1 {
  const ma = DECIMAL_RE.exec(a);
  const mb = DECIMAL_RE.exec(b);
  if (!ma || !mb) {
    throw new TypeError(`compareDecimal: not a non-negative decimal string: ${JSON.stringify(ma ? b : a)}`);
  }
  // Group 1 (`\d+`) always matches.
  const ia = ma[1]!.replace(/^0+/, '');
  const ib = mb[1]!.replace(/^0+/, '');
  if (ia.length !== ib.length) return ia.length < ib.length ? -1 : 1;
  if (ia !== ib) return ia < ib ? -1 : 1;
  const fa = (ma[2] ?? '').replace(/0+$/, '');
  const fb = (mb[2] ?? '').replace(/0+$/, '');
  // Without trailing zeros, the fraction digits compare as strings: a prefix is the smaller ("5" < "51").
  if (fa === fb) return 0;
  return fa < fb ? -1 : 1;
}

/** True when `value` is a plain non-negative decimal string that {@link compareDecimal} accepts. */
export function isDecimalString(value: unknown): value is string {
  return typeof value === 'string' && DECIMAL_RE.test(value);
}
