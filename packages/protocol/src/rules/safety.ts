/**
 * Two safety rules that every layer applies the same way: what may go into a signed value, and which
 * addresses a browser may be sent to.
 *
 * HaiPay signs `k=v&k=v…&key=secret` with raw values (docs/protocol.md §2.2). A value holding `&` or
 * `=` could be cut into other keys whose string to sign is byte-identical, so one signed message would
 * stand for another (a buyer's e-mail `a&orderId=…&status=2&zz=b@x.io` echoed in a notification could
 * pay a second order). The kit therefore never signs such a value and never believes a notification
 * that holds one (docs/protocol.md §2.5 "Unambiguous values").
 */

/* eslint-disable no-control-regex -- matching control characters is this pattern's purpose */
/**
 * `&`, `=` and control characters (C0, DEL, C1, and the line/paragraph separators U+2028/U+2029):
 * what no value the kit signs may contain.
 */
export const SIGN_UNSAFE_PATTERN = /[&=\u0000-\u001f\u007f-\u009f\u2028\u2029]/;
/* eslint-enable no-control-regex */

/**
 * True when `value` can sit in HaiPay's string to sign without making it ambiguous: no `&`, no `=`,
 * no control character.
 *
 * @example isSignSafe('somchai@example.com') // true
 * @example isSignSafe('a&orderId=hp_x@example.com') // false
 */
export function isSignSafe(value: string): boolean {
  return !SIGN_UNSAFE_PATTERN.test(value);
}

/**
 * True when a payment page address from the gateway may be followed by a full-page redirect:
 * `https:` always, `http:` only when `allowHttp` (outside production, or on a plain-HTTP test page).
 * Anything else (`javascript:`, `data:`, a relative or malformed address) is refused, so a tampered
 * or broken `payUrl` can never run script in the shop's origin.
 */
export function isFollowableUrl(url: unknown, allowHttp: boolean): boolean {
  if (typeof url !== 'string' || !/^https?:\/\//i.test(url)) return false;
  try {
    const u = new URL(url);
    return u.protocol === 'https:' || (allowHttp && u.protocol === 'http:');
  } catch {
    return false;
  }
}
