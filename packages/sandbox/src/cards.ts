/**
 * Test cards (README "Test cards"): how a card number behaves, read from the PCI-direct API, from the
 * hosted card page's form and from a subscription request. The same numbers must behave the same way
 * on every path, so the card is read and decided here, once; what the sandbox keeps of it is the
 * receipt part only (first six, last four), never the number or the CVV.
 */
import { scalarText } from '@haipay-kit/protocol';
import { validateCardNumber, validateCvv, validateExpiry } from '@haipay-kit/protocol/rules';
import { str } from './wire.js';

/** How a test card behaves (README "Test cards"). */
export type CardBehaviour = 'success' | 'decline' | 'challenge' | 'deduct-fail';

/** Card numbers with a documented behaviour (docs/protocol.md §6 plus the sandbox's own choices). */
export const TEST_CARDS: Readonly<Record<string, CardBehaviour>> = {
  '4242424242424242': 'success',
  '4000000000009995': 'decline',
  '4000056655665556': 'challenge',
  '4000002500003155': 'challenge',
  '4000000000003220': 'challenge',
  '4000000000000341': 'deduct-fail',
};

/** JCB's IIN range, 3528–3589. */
const JCB = /^35(2[89]|[3-8]\d)/;

/** A card as typed: the number without separators, the expiry as sent, the CVV. */
export interface TypedCard {
  pan: string;
  month: string;
  year: string;
  cvv: string;
}

/** A problem with a typed card, next to its field on the hosted card page. */
export interface CardIssue {
  field: string;
  message: string;
}

/** Decides a card's outcome; month `13` and CVV `99` are HaiPay's documented failing test values. */
export function cardBehaviour(card: Pick<TypedCard, 'pan' | 'month' | 'cvv'>): {
  behaviour: CardBehaviour;
  reason?: string;
} {
  if (card.month === '13')
    return { behaviour: 'decline', reason: "Your card's expiration month is invalid." };
  if (card.cvv === '99') return { behaviour: 'decline', reason: "Your card's security code is invalid." };
  const b = TEST_CARDS[card.pan.replace(/\s+/g, '')] ?? 'success';
  return b === 'decline' ? { behaviour: b, reason: 'Your card has insufficient funds.' } : { behaviour: b };
}

/** What a receipt shows of a card number. */
export function cardSummary(pan: string): { first6: string; last4: string } {
  return { first6: pan.slice(0, 6), last4: pan.slice(-4) };
}

/** The card fields of an API request (`accountNo`, `expiryMonth`, `expiryYear`, `cvv`); none without `accountNo`. */
export function cardFromBody(body: Record<string, unknown>): TypedCard | undefined {
  const accountNo = str(body.accountNo);
  if (accountNo === undefined) return undefined;
  return {
    pan: accountNo.replace(/\s+/g, ''),
    month: scalarText(body.expiryMonth),
    year: scalarText(body.expiryYear),
    cvv: scalarText(body.cvv),
  };
}

/**
 * Checks the hosted card page's form with the protocol's rules, JCB accepted besides Visa and
 * Mastercard as on HaiPay's page. HaiPay's failing test values month `13` and CVV `99` pass, as they do
 * on the API, so the charge can decline them.
 *
 * @returns the card, or the issues to show next to each field
 */
export function checkCardForm(
  form: { accountNo: string; expiryMonth: string; expiryYear: string; cvv: string },
  today: Date,
): { card: TypedCard } | { issues: CardIssue[] } {
  const pan = form.accountNo.replace(/[\s-]+/g, '');
  const month = form.expiryMonth.trim();
  const year = form.expiryYear.trim();
  const cvv = form.cvv.trim();
  const issues: CardIssue[] = [];
  const number = validateCardNumber(pan);
  // HaiPay's own card page also takes JCB (reference §6), which the PCI-direct API does not.
  if (number && !(number.code === 'card_brand_unsupported' && JCB.test(pan)))
    issues.push({ field: 'accountNo', message: number.message });
  if (month !== '13') {
    const expiry = validateExpiry(month, year, today);
    if (expiry)
      issues.push({
        field: expiry.params?.part === 'year' ? 'expiryYear' : 'expiryMonth',
        message: expiry.message,
      });
  } else if (!/^\d{4}$/.test(year)) {
    issues.push({ field: 'expiryYear', message: 'Expiry year must be four digits' });
  }
  if (cvv !== '99') {
    const c = validateCvv(cvv);
    if (c) issues.push({ field: 'cvv', message: c.message });
  }
  return issues.length > 0 ? { issues } : { card: { pan, month, year, cvv } };
}
