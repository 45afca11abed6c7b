/**
 * Checks before any gateway call: the browser's body (per-field issues the elements can show), the
 * merchant's `resolveOrder`/`resolvePlan` answer (a configuration error naming the fix), and the exact
 * wire request against the protocol's own rules, including the rule that nothing signed may hold `&`,
 * `=` or a control character (docs/protocol.md §2.5).
 */
import { validateRequest, type FieldIssue } from '@haipay-kit/protocol';
import {
  validateAmount,
  validateCardNumber,
  validateCvv,
  validateEmail,
  validateExpiry,
  validateName,
  validatePartnerUserId,
  validatePhone,
  isCurrency,
  type Currency,
} from '@haipay-kit/protocol/rules';
import type { HaiPayClient } from '../client.js';
import { HaiPayConfigError, HaiPayValidationError } from '../errors.js';
import { wireMethodFor } from '../methods.js';
import { PAYMENT_METHODS, type PaymentMethod } from '../types.js';
import { str } from './text.js';
import type { CardMode, ResolvedOrder, ResolvedPlan } from './types.js';
import type { WireRequest } from './wire.js';

/** Wire fields the browser supplied, by the body key the browser used (docs/contracts.md). */
const WIRE_TO_BODY: Readonly<Record<string, string>> = {
  name: 'name',
  email: 'email',
  phone: 'phone',
  accountNo: 'cardNumber',
  expiryMonth: 'expiryMonth',
  expiryYear: 'expiryYear',
  cvv: 'cvv',
  amount: 'amount',
};

function issue(field: string, code: string, message: string): FieldIssue {
  return { field, code, message } as FieldIssue;
}

/** The card fields of a browser body. */
const CARD_BODY_FIELDS = ['cardNumber', 'expiryMonth', 'expiryYear', 'cvv'] as const;

/**
 * Validates the browser body for a payment and returns per-field issues (empty when valid). With
 * `cardMode` `hosted`, card fields are refused whatever the method: the shopper types the card on
 * HaiPay's page, and this server must never receive one.
 */
export function validatePaymentBody(
  body: Record<string, unknown>,
  order: ResolvedOrder | null,
  cardMode: CardMode = 'direct',
): FieldIssue[] {
  const issues: FieldIssue[] = [];
  const method = body.method;
  if (method === undefined || method === '')
    issues.push(issue('method', 'required', 'Choose a payment method.'));
  else if (!(PAYMENT_METHODS as readonly unknown[]).includes(method)) {
    issues.push(issue('method', 'not_allowed', `Unknown method; use one of ${PAYMENT_METHODS.join(', ')}.`));
  }
  if (body.orderRef !== undefined && (typeof body.orderRef !== 'string' || body.orderRef.length > 100)) {
    issues.push(issue('orderRef', 'invalid_format', 'orderRef must be a string of at most 100 characters.'));
  }
  for (const key of ['name', 'email', 'phone'] as const) {
    if (body[key] !== undefined && typeof body[key] !== 'string') {
      issues.push(issue(key, 'invalid_format', `${key} must be a string.`));
    }
  }
  for (const key of CARD_BODY_FIELDS) {
    if (body[key] === undefined) continue;
    if (cardMode === 'hosted') {
      issues.push(
        issue(key, 'not_allowed', "Cards are typed on HaiPay's card page here; do not send card details."),
      );
    } else if (typeof body[key] !== 'string') {
      issues.push(issue(key, 'invalid_format', `${key} must be a string.`));
    }
  }
  if (issues.length > 0 || !order) return issues;
  const currency = order.currency as Currency;
  const m = method as PaymentMethod;
  const add = (field: string, r: { code: string; message: string } | null) => {
    if (r) issues.push(issue(field, r.code, r.message));
  };
  add('name', validateName(currency, str(body.name)));
  add('email', validateEmail(str(body.email)));
  // docs/protocol.md §6: phone is optional on the PCI card API.
  if (m !== 'card' || str(body.phone) !== '') add('phone', validatePhone(currency, str(body.phone)));
  if (m === 'card') {
    if (cardMode === 'direct') {
      add('cardNumber', validateCardNumber(str(body.cardNumber)));
      const exp = validateExpiry(str(body.expiryMonth), str(body.expiryYear));
      if (exp) add(exp.params?.part === 'month' ? 'expiryMonth' : 'expiryYear', exp);
      add('cvv', validateCvv(str(body.cvv)));
    }
  } else {
    for (const key of CARD_BODY_FIELDS) {
      if (body[key] !== undefined)
        issues.push(issue(key, 'not_allowed', 'Card fields are only for method "card".'));
    }
  }
  if (m === 'cashier') {
    add('amount', validateAmount(currency, order.amount));
  } else {
    const wire = wireMethodFor(m, currency);
    if (!wire) {
      issues.push(issue('method', 'not_allowed', `Method "${m}" is not available for ${currency} orders.`));
    } else {
      add('amount', validateAmount(currency, order.amount, { min: wire.min, max: wire.max }));
    }
  }
  return issues;
}

/** Calls `resolveOrder`'s result through basic checks; throws a config error naming the fix. */
export function checkResolved<T extends ResolvedOrder>(order: T, hook: string): T {
  if (!order || typeof order !== 'object')
    throw new HaiPayConfigError(`${hook}: must return { amount, currency, subject, buyerId }.`);
  if (typeof order.amount !== 'string') {
    throw new HaiPayConfigError(
      `${hook}: amount must be a decimal string such as "100.00" (got ${typeof order.amount}); never a float.`,
    );
  }
  if (!isCurrency(order.currency))
    throw new HaiPayConfigError(
      `${hook}: currency must be THB, TWD, USD or VND (got ${String(order.currency)}).`,
    );
  if (typeof order.subject !== 'string' || order.subject.trim() === '')
    throw new HaiPayConfigError(`${hook}: subject is required.`);
  const buyer = validatePartnerUserId(str(order.buyerId));
  if (buyer) throw new HaiPayConfigError(`${hook}: buyerId ${buyer.message}`);
  if (order.buyer !== undefined) {
    const b = order.buyer as Record<string, unknown> | null;
    if (!b || typeof b !== 'object')
      throw new HaiPayConfigError(`${hook}: buyer must be { name?, email?, phone? }.`);
    for (const key of ['name', 'email', 'phone'] as const) {
      if (b[key] !== undefined && typeof b[key] !== 'string')
        throw new HaiPayConfigError(`${hook}: buyer.${key} must be a string.`);
    }
  }
  return order;
}

/** The browser's body with `name`, `email` and `phone` filled in from `order.buyer` where it sent none. */
export function withBuyer(body: Record<string, unknown>, order: ResolvedOrder): Record<string, unknown> {
  if (!order.buyer) return body;
  const out = { ...body };
  for (const key of ['name', 'email', 'phone'] as const) {
    const given = order.buyer[key];
    if (given !== undefined && (out[key] === undefined || out[key] === '')) out[key] = given;
  }
  return out;
}

/** Validates a subscription body (card fields, unless `cardMode` is `hosted`, and buyer fields). */
export function validateSubscriptionBody(
  body: Record<string, unknown>,
  plan: ResolvedPlan | null,
  cardMode: CardMode = 'direct',
): FieldIssue[] {
  const issues = validatePaymentBody({ ...body, method: 'card' }, plan, cardMode);
  if (body.planRef !== undefined && (typeof body.planRef !== 'string' || body.planRef.length > 100)) {
    issues.push(issue('planRef', 'invalid_format', 'planRef must be a string of at most 100 characters.'));
  }
  return issues;
}

/**
 * Checks the exact wire request with the protocol's `validateRequest` before anything is stored or
 * sent: buyer-field issues become a 400 (per body key); anything else is a server-side mistake in
 * `resolveOrder`/`resolvePlan` and raises a config error naming the field.
 */
export function preflight(request: WireRequest, client: HaiPayClient): void {
  const { endpoint, merchant, pathCurrency, params } = request;
  if (!client.hasMerchant(merchant)) {
    throw new HaiPayConfigError(
      `No HaiPay merchant configured for ${merchant}; add client merchants.${merchant}.`,
    );
  }
  const wire: Record<string, unknown> = { appId: client.appIdOf(merchant) };
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') wire[k] = v;
  const issues = validateRequest(endpoint, pathCurrency as Parameters<typeof validateRequest>[1], wire, {
    signSafe: true,
  });
  if (issues.length === 0) return;
  const browser: FieldIssue[] = [];
  const server: string[] = [];
  for (const i of issues) {
    const field = WIRE_TO_BODY[i.field];
    if (field) browser.push({ ...i, field });
    else server.push(`${i.field}: ${i.message}`);
  }
  if (server.length > 0) {
    throw new HaiPayConfigError(
      `The ${endpoint} request cannot be sent (fix resolveOrder/router options): ${server.join('; ')}`,
    );
  }
  throw new HaiPayValidationError('Some fields are invalid.', browser);
}
