/**
 * STOPGAP until `validateRequest` lands in `@haipay-kit/protocol`: required fields per endpoint plus
 * the protocol's own field functions. No field pattern is written here.
 */
import {
  findCollectMethod,
  isCurrency,
  ruleIssue,
  validateAmount,
  validateEmail,
  validateCardNumber,
  validateCvv,
  validateExpiry,
  type FieldIssue,
  type RuleIssue,
} from '@haipay-kit/protocol/rules';

const REQUIRED: Record<string, string[]> = {
  'collect.apply': [
    'appId',
    'orderId',
    'name',
    'email',
    'amount',
    'payType',
    'inBankCode',
    'callBackUrl',
    'subject',
    'partnerUserId',
    'sign',
  ],
  'collect.query': ['appId', 'orderId', 'sign'],
  'refund.apply': ['appId', 'orderId', 'orderNo', 'sign'],
  'refund.query': ['appId', 'sign'],
  'pay.apply': [
    'appId',
    'orderId',
    'amount',
    'accountType',
    'bankCode',
    'accountNo',
    'name',
    'phone',
    'email',
    'partnerUserId',
    'sign',
  ],
  'pay.query': ['appId', 'orderId', 'sign'],
  'account.ledger': ['appId', 'sign'],
  'subscription.apply': [
    'appId',
    'subscriptionOrderId',
    'amount',
    'name',
    'email',
    'subject',
    'payType',
    'inBankCode',
    'callBackUrl',
    'notifyUrl',
    'partnerUserId',
    'recurringInterval',
    'recurringIntervalCount',
  ],
  'subscription.query': ['appId', 'subscriptionNo', 'sign'],
  'subscription.cancel': ['appId', 'subscriptionNo', 'sign'],
  'cashier.apply': [
    'appId',
    'orderId',
    'name',
    'email',
    'amount',
    'currency',
    'region',
    'callBackUrl',
    'callBackFailUrl',
    'subject',
    'partnerUserId',
    'sign',
  ],
  'cashier.query': ['appId', 'orderId', 'orderNo', 'sign'],
};

function blank(v: unknown): boolean {
  return v === undefined || v === null || v === '';
}

/** Stopgap validator with the signature of the protocol's `validateRequest`. */
export function TEMPORARY_validateRequest(
  endpoint: string,
  currency: string,
  body: Record<string, unknown>,
): FieldIssue[] {
  const issues: FieldIssue[] = [];
  const add = (field: string, issue: RuleIssue | null) => {
    if (issue) issues.push({ field, ...issue });
  };
  for (const f of REQUIRED[endpoint] ?? [])
    if (blank(body[f])) add(f, ruleIssue('required', `${f} is required`));
  if (issues.length) return issues;
  const cur = endpoint === 'cashier.apply' ? body.currency : currency;
  if (endpoint === 'collect.apply' && isCurrency(cur)) {
    const method = findCollectMethod(cur, String(body.payType), String(body.inBankCode));
    if (!method) add('inBankCode', ruleIssue('not_allowed', 'unknown payType/inBankCode'));
    add('amount', validateAmount(cur, String(body.amount), method));
    if (method?.result === 'card' && body.accountNo !== undefined) {
      add('accountNo', validateCardNumber(String(body.accountNo)));
      add('expiryMonth', validateExpiry(String(body.expiryMonth ?? ''), String(body.expiryYear ?? '')));
      add('cvv', validateCvv(String(body.cvv ?? '')));
    }
  }
  if ((endpoint === 'pay.apply' || endpoint === 'cashier.apply') && isCurrency(cur)) {
    add('amount', validateAmount(cur, String(body.amount)));
  }
  if (endpoint === 'subscription.apply') add('amount', validateAmount('USD', String(body.amount)));
  if (typeof body.email === 'string') add('email', validateEmail(body.email));
  return issues;
}
