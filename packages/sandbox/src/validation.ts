/**
 * Request validation seam. The field rules live in `@haipay-kit/protocol` (`validateRequest`: one
 * implementation for the browser, the companion and the sandbox); this module only adapts its answer
 * to HaiPay's codes: `required` → `1001 param is null`, anything else → `1002 Illegal Param`
 * (docs/protocol.md §8.1), and an endpoint the path currency does not offer → `4012`.
 *
 * One request shape the protocol's rules do not model yet is answered here: HaiPay's hosted (non-PCI)
 * card mode on `/usd/collect/apply` (reference §6 "Two integration styles on the same URL"), a
 * `CREDIT_CARD` request without card data whose answer is a `payUrl` to HaiPay's card page.
 */
import {
  gatewayErrorForIssues,
  isCurrency,
  isHttpUrl,
  validateRequest,
  type EndpointId,
  type FieldIssue,
} from '@haipay-kit/protocol';

export type { EndpointId } from '@haipay-kit/protocol';

/** The card data of the PCI-direct style; hosted mode sends none of them. */
const CARD_DATA = ['accountNo', 'expiryMonth', 'expiryYear', 'cvv'] as const;
/** Fields only the PCI-direct style requires (reference §6 style 2). */
const PCI_ONLY = new Set<string>([...CARD_DATA, 'clientType', 'referer', 'userAgent', 'customerIp']);

const blank = (v: unknown) => v === undefined || v === null || v === '';

/**
 * True for a hosted (non-PCI) card request: `/usd/collect/apply` with `inBankCode` `CREDIT_CARD` and
 * none of `accountNo`, `expiryMonth`, `expiryYear`, `cvv`. Card data is all or nothing: a request with
 * some of it is PCI direct, and its missing fields are `1001`.
 */
function isHostedCardRequest(
  endpoint: EndpointId,
  currency: string | null,
  body: Record<string, unknown>,
): boolean {
  return (
    endpoint === 'collectApply' &&
    currency === 'USD' &&
    body.inBankCode === 'CREDIT_CARD' &&
    CARD_DATA.every((k) => blank(body[k]))
  );
}

/**
 * Hosted card mode is "body as §3.1" (reference §6): the PCI-only fields are not asked for, and
 * `callBackFailUrl` — required by §3.1, absent only from the PCI card API — is required, since the
 * card page sends a declined shopper there. `phone` stays optional ("optional for card", §3.1) and so
 * does `notifyUrl` (the back-office URL applies, §2.6).
 */
function hostedCardIssues(issues: FieldIssue[], body: Record<string, unknown>): FieldIssue[] {
  const out = issues.filter(
    (i) => !PCI_ONLY.has(i.field) && !(i.field === 'notifyUrl' && i.code === 'required'),
  );
  const fail = body.callBackFailUrl;
  if (blank(fail)) {
    out.push({ field: 'callBackFailUrl', code: 'required', message: 'callBackFailUrl is required' });
  } else if (typeof fail !== 'string' || !isHttpUrl(fail)) {
    out.push({
      field: 'callBackFailUrl',
      code: 'invalid_format',
      message: 'Must be an absolute http(s) URL',
    });
  }
  return out;
}

/**
 * Validates a verified request body with the protocol's rules.
 *
 * @param now - virtual time, so card expiry is judged on the sandbox clock
 * @returns `undefined` when valid, otherwise HaiPay's error code and the issues behind it
 */
export function validateBody(
  endpoint: EndpointId,
  currency: string | null,
  body: Record<string, unknown>,
  now: Date,
): { error: '1001' | '1002' | '4012'; issues: FieldIssue[] } | undefined {
  const cur = currency !== null && isCurrency(currency) ? currency : null;
  let issues = validateRequest(endpoint, cur, body, { requireSign: true, now });
  // The path exists but this currency has no such product (e.g. TWD payouts, docs/protocol.md §5).
  if (issues.some((i) => i.field === '(path)')) return { error: '4012', issues };
  if (isHostedCardRequest(endpoint, cur, body)) issues = hostedCardIssues(issues, body);
  // docs/protocol.md §6: HaiPay's UAT documents expiry month `13` and CVV `99` as cards whose payment
  // FAILS, not as parameter errors — so those two test values pass validation and fail the order.
  if (
    (endpoint === 'collectApply' || endpoint === 'subscriptionApply') &&
    typeof body.accountNo === 'string'
  ) {
    issues = issues.filter(
      (i) =>
        !(body.expiryMonth === '13' && /^expiry/.test(i.field)) && !(body.cvv === '99' && i.field === 'cvv'),
    );
  }
  const answer = gatewayErrorForIssues(issues);
  return answer ? { error: answer.error as '1001' | '1002', issues } : undefined;
}
