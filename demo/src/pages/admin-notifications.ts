/** How the back office shows a HaiPay notification: a one-line summary and the body, readable. */
import type { StringKey } from '../i18n.js';

type Translate = (key: StringKey, params?: Record<string, string | number>) => string;

/**
 * A notification's body in one line, in the reviewer's language: HaiPay's type, its status code with
 * what the code means, the amount and any error message (HaiPay masks card numbers; the kit drops the
 * signature). HaiPay's own tokens (`COLLECT`, the codes) stay as sent.
 */
export function summarise(body: unknown, t: Translate): string {
  if (!body || typeof body !== 'object') return String(body);
  const b = body as Record<string, unknown>;
  const text = (v: unknown) => (typeof v === 'string' || typeof v === 'number' ? String(v) : '');
  const code = text(b.status);
  const parts = [
    text(b.type) || 'COLLECT',
    /^[0-4]$/.test(code)
      ? t('admin.notif.status', { code, words: t(`admin.hp.${code}` as StringKey) })
      : code
        ? t('admin.notif.status', { code, words: '?' })
        : t('admin.notif.noStatus'),
  ];
  if (b.amount !== undefined) parts.push(`${text(b.amount)} ${text(b.currency)}`.trim());
  if (typeof b.errorMsg === 'string' && b.errorMsg) parts.push(`“${b.errorMsg}”`);
  return parts.join(' · ');
}

/**
 * A notification's body as HaiPay sent it, readable: pretty-printed, one field a line, with the
 * signature (when a body still carries one) folded to its first characters — it proves nothing to a
 * reader and is a long unbroken line.
 */
export function rawBody(body: unknown): string {
  const text = typeof body === 'string' ? body : JSON.stringify(body, null, 2);
  if (typeof body === 'string') return text;
  return text.replace(/("sign": )"([^"]{12})[^"]*"/g, '$1"$2… (signature, folded)"');
}
