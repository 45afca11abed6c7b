/**
 * zod building blocks shared by the endpoint schemas.
 *
 * Request fields reuse the browser field rules (`../rules/`) through {@link ruled}, so a zod schema, the
 * card form and the sandbox can never disagree on a pattern. Response and notification values are
 * read tolerantly: HaiPay mixes strings and numbers for the same field across endpoints (reference
 * §3.5: `amount` is `"0.50"` in one place and `0.50000000` in another), and a lossless parse yields
 * {@link LosslessNumber}s, so readers accept all three and normalize.
 */
import { z } from 'zod';
import { LosslessNumber } from '../lossless-json.js';
import { ruleIssue, type RuleIssue } from '../rules/issues.js';

/**
 * A string field checked by a field rule; a rejected value becomes a zod `custom` issue whose
 * `params.rule` is the {@link RuleIssue} (so `validateRequest` can report the rule's own code).
 */
export function ruled(check: (value: string) => RuleIssue | null): z.ZodString {
  return z.string().superRefine((value, ctx) => {
    const issue = check(value);
    if (issue) ctx.addIssue({ code: 'custom', message: issue.message, params: { rule: issue } });
  });
}

/** `appId`: a JSON integer (reference §3: Integer/Long; the kit sends a number, never a string). */
export const appIdSchema = z.number().int().positive();

/** A non-empty string. */
export const nonEmpty = z.string().min(1);

const HTTP_URL_RE = /^https?:\/\/[^\s/?#@]+(?:[/?#]\S*)?$/i;

/** True when `value` is an absolute `http:` or `https:` URL without whitespace. */
export function isHttpUrl(value: string): boolean {
  return HTTP_URL_RE.test(value);
}

/** An absolute http(s) URL (`callBackUrl`, `callBackFailUrl`, `notifyUrl`, `referer`, …). */
export const httpUrlSchema = ruled((v) =>
  isHttpUrl(v) ? null : ruleIssue('invalid_format', 'Must be an absolute http(s) URL'),
);

const IPV4_RE = /^(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/;
const IPV6_RE = /^[0-9A-Fa-f:.]{2,45}$/;

/** A customer IP address (IPv4 dotted quad, or an IPv6 text form). */
export const ipSchema = ruled((v) =>
  IPV4_RE.test(v) || (v.includes(':') && IPV6_RE.test(v))
    ? null
    : ruleIssue('invalid_format', 'Must be an IPv4 or IPv6 address'),
);

/**
 * An integer that HaiPay documents as String but shows as a JSON number (`recurringIntervalCount`):
 * a number or a digit string, at least `min`. The value is not transformed (it is signed as sent).
 */
export function intLike(min: number): z.ZodType<number | string> {
  return z.union([z.number().int(), z.string().regex(/^\d+$/)]).refine((v) => Number(v) >= min, {
    message: `Must be an integer ≥ ${min}`,
  });
}

/** Reads a decimal as text: a string as is, a number or {@link LosslessNumber} as its text. */
export const decimalText = z
  .union([z.string(), z.number(), z.instanceof(LosslessNumber)])
  .transform((v) => String(v));

/**
 * Reads an identifier HaiPay returns (`orderId`, `orderNo`, `subscriptionNo`, `deductNo`) as its exact
 * text: a non-empty string, or a JSON number kept as its source text — a 16-digit `orderNo` read as a
 * JS number would lose digits.
 */
export const idText = z
  .union([z.string().min(1), z.instanceof(LosslessNumber), z.number().int().nonnegative()])
  .transform((v) => String(v));

/** Reads a code or free value as text (string, number, boolean or lossless number). */
export const anyText = z
  .union([z.string(), z.number(), z.boolean(), z.instanceof(LosslessNumber)])
  .transform((v) => String(v));

/** Reads an integer code (status, appId): a number, a lossless number or an integer string. */
export const intValue = z
  .union([z.number(), z.instanceof(LosslessNumber), z.string().regex(/^-?\d+$/)])
  .transform((v) => Number(v))
  .refine((n) => Number.isSafeInteger(n), { message: 'Expected an integer' });

/** An optional free-text field of a response/notification: may be absent, `null`, or any scalar. */
export const optText = anyText.nullish();
