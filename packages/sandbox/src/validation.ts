/**
 * Request validation seam. The field rules live in `@haipay-kit/protocol` (one implementation for the
 * browser, the companion and the sandbox); this module only maps the sandbox's endpoints onto them and
 * turns issues into HaiPay's answer: `required` → `1001 param is null`, anything else →
 * `1002 Illegal Param` (docs/protocol.md §8.1).
 */
import type { FieldIssue } from '@haipay-kit/protocol/rules';
import { TEMPORARY_validateRequest } from './validation-fallback.js';

/** The API endpoints the sandbox serves, by id. */
export const SANDBOX_ENDPOINTS = {
  'collect.apply': '/{currency}/collect/apply',
  'collect.query': '/{currency}/collect/query',
  'refund.apply': '/usd/refund/apply',
  'refund.query': '/usd/refund/refundQuery',
  'pay.apply': '/{currency}/pay/apply',
  'pay.query': '/{currency}/pay/query',
  'account.ledger': '/{currency}/account/ledger',
  'subscription.apply': '/subscription/apply',
  'subscription.query': '/subscription/query',
  'subscription.cancel': '/subscription/cancel',
  'cashier.apply': '/global/cashier/collect/apply',
  'cashier.query': '/global/cashier/collect/query',
} as const;

/** One of {@link SANDBOX_ENDPOINTS}' keys. */
export type EndpointId = keyof typeof SANDBOX_ENDPOINTS;

/** Validates a request body; returns the field issues (empty when valid). */
export function validateBody(
  endpoint: EndpointId,
  currency: string,
  body: Record<string, unknown>,
): FieldIssue[] {
  return TEMPORARY_validateRequest(endpoint, currency, body);
}

/** HaiPay's error code for a list of issues: `1001` when a field is missing, else `1002`. */
export function issuesToCode(issues: readonly FieldIssue[]): '1001' | '1002' {
  return issues.some((i) => i.code === 'required') ? '1001' : '1002';
}
