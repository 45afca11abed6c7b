/**
 * HaiPay writes times such as a subscription deduction's `startTime` as `yyyy-MM-dd HH:mm:ss` in a
 * local time zone that depends on the currency, with no zone in the text (docs/protocol.md; the
 * sandbox's `LOCAL_UTC_OFFSET`). A browser parsing that text would take it as its own local time — 8
 * hours off for a USD subscription seen in Bangkok — so the shop turns it into ISO 8601 with the offset.
 */
const OFFSET: Record<string, string> = { THB: '+07:00', VND: '+07:00', TWD: '+08:00', USD: '+08:00' };

/** `2026-03-14 10:00:00` (USD) → `2026-03-14T10:00:00+08:00`; anything else is returned as it is. */
export function haipayTimeToIso(text: string, currency: string): string {
  const m = /^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2})$/.exec(text);
  return m ? `${m[1]}T${m[2]}${OFFSET[currency] ?? '+08:00'}` : text;
}
