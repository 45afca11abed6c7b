/**
 * Request validation seam. The field rules live in `@haipay-kit/protocol` (`validateRequest`: one
 * implementation for the browser, the companion and the sandbox); this module only adapts its answer
 * to HaiPay's codes: `required` → `1001 param is null`, anything else → `1002 Illegal Param`
 * (docs/protocol.md §8.1), and an endpoint the path currency does not offer → `4012`. HaiPay's hosted
 * (non-PCI) card mode is one of the shapes the protocol models (`isHostedCardBody`).
 */
import {
  gatewayErrorForIssues,
  isCurrency,
  validateRequest,
  type EndpointId,
  type FieldIssue,
} from '@haipay-kit/protocol';

export type { EndpointId } from '@haipay-kit/protocol';

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
