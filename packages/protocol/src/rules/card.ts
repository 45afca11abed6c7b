/**
 * Card field rules for the PCI-direct USD card flow (reference §6): card number (Luhn, brand), expiry
 * and CVV, plus the live brand detection and formatting the card form shows while the shopper types.
 *
 * HaiPay's PCI-direct card API takes Visa and Mastercard only (seed 001, "Only supports USD orders,
 * Credit Cards (VISA, MasterCard)"); any other brand is refused before any request (docs/protocol.md
 * "Cards").
 */
import { ruleIssue, type RuleIssue } from './issues.js';

/** Card brands HaiPay's PCI-direct card method accepts (seed 001: VISA, MasterCard). */
export const CARD_BRANDS = ['visa', 'mastercard'] as const;

/** A card brand HaiPay accepts. */
export type CardBrand = (typeof CARD_BRANDS)[number];

/** Issuer ranges as `[low, high]` prefixes of equal length: Visa 4; Mastercard 51–55 and 2221–2720. */
const BRAND_RANGES: readonly (readonly [CardBrand, string, string])[] = [
  ['visa', '4', '4'],
  ['mastercard', '51', '55'],
  ['mastercard', '2221', '2720'],
];

/** Smallest and largest accepted card number length (digits). */
export const CARD_NUMBER_LENGTH = { min: 12, max: 19 } as const;

function stripSpaces(value: string): string {
  return value.replace(/ /g, '');
}

/**
 * Luhn (mod 10) check over a string of digits.
 *
 * @returns `false` for an empty string or any non-digit character
 */
export function luhnCheck(pan: string): boolean {
  if (typeof pan !== 'string' || !/^\d+$/.test(pan)) return false;
  let sum = 0;
  for (let i = 0; i < pan.length; i++) {
    let d = pan.charCodeAt(pan.length - 1 - i) - 48;
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    // Stryker disable next-line AssignmentOperator: -sum is a multiple of 10 exactly when sum is
    sum += d;
  }
  return sum % 10 === 0;
}

/**
 * Detects the brand from the digits typed so far (spaces ignored), for live brand display.
 *
 * A brand is returned as soon as it is certain: every card number that starts with the typed digits
 * falls in that brand's range. So `"4"` is Visa and `"51"` and `"2221"` Mastercard, while `"5"` or
 * `"22"` are still `null` (they could continue into another issuer's range). Other brands (JCB `35…`,
 * Amex `34…`/`37…`) are always `null`.
 *
 * @returns the brand, or `null` when unknown, unsupported, undecided yet, or not digits
 */
export function detectCardBrand(pan: string): CardBrand | null {
  if (typeof pan !== 'string') return null;
  const digits = stripSpaces(pan);
  if (!/^\d+$/.test(digits)) return null;
  for (const [brand, low, high] of BRAND_RANGES) {
    const len = low.length;
    if (digits.length >= len) {
      const head = digits.slice(0, len);
      if (head >= low && head <= high) return brand;
    } else {
      // Every continuation of the typed prefix lies in [prefix000…, prefix999…].
      // Stryker disable next-line StringLiteral: no range's low end is a typed prefix followed by zeros
      const first = digits.padEnd(len, '0');
      const last = digits.padEnd(len, '9');
      if (first >= low && last <= high) return brand;
    }
  }
  return null;
}

/**
 * Formats card digits for display in groups of four separated by single spaces
 * (`"4242424242424242"` → `"4242 4242 4242 4242"`). Every non-digit in the input is dropped first,
 * so it can be applied to the raw input on each keystroke.
 */
export function formatCardNumber(digits: string): string {
  const clean = String(digits).replace(/\D/g, '');
  return clean.replace(/(\d{4})(?=\d)/g, '$1 ');
}

/**
 * Validates a card number (PAN): spaces are ignored; then digits only, 12–19 digits, Luhn, and a brand
 * HaiPay accepts (Visa, Mastercard; seed 001).
 *
 * @returns `null`, or `required`, `card_number_invalid` or `card_brand_unsupported`
 */
export function validateCardNumber(pan: string): RuleIssue | null {
  if (typeof pan !== 'string' || stripSpaces(pan) === '')
    return ruleIssue('required', 'Card number is required');
  const digits = stripSpaces(pan);
  if (!/^\d+$/.test(digits)) return ruleIssue('card_number_invalid', 'Card number may contain only digits');
  if (digits.length < CARD_NUMBER_LENGTH.min || digits.length > CARD_NUMBER_LENGTH.max) {
    return ruleIssue('card_number_invalid', 'Card number must have 12 to 19 digits', {
      ...CARD_NUMBER_LENGTH,
    });
  }
  if (!luhnCheck(digits)) return ruleIssue('card_number_invalid', 'Card number is not valid');
  if (detectCardBrand(digits) === null) {
    return ruleIssue('card_brand_unsupported', 'Only Visa and Mastercard cards are accepted');
  }
  return null;
}

/** How many years ahead an expiry may lie before it is treated as a typo (ASSUMPTION). */
export const EXPIRY_MAX_YEARS_AHEAD = 20;

/**
 * Validates a card expiry in HaiPay's wire format: `expiryMonth` `"01"`–`"12"` (two digits) and
 * `expiryYear` four digits (reference §6, e.g. `"02"`, `"2031"`). A card is valid through the end of
 * its expiry month, compared in UTC; more than {@link EXPIRY_MAX_YEARS_AHEAD} years ahead is invalid.
 *
 * Every issue carries `params.part` (`'month'` or `'year'`) naming the field to highlight.
 *
 * @param now - the current time (injectable for tests)
 * @returns `null`, or `required`, `expiry_invalid` or `card_expired`
 */
export function validateExpiry(month: string, year: string, now: Date = new Date()): RuleIssue | null {
  if (typeof month !== 'string' || month === '')
    return ruleIssue('required', 'Expiry month is required', { part: 'month' });
  if (typeof year !== 'string' || year === '')
    return ruleIssue('required', 'Expiry year is required', { part: 'year' });
  if (!/^(0[1-9]|1[0-2])$/.test(month)) {
    return ruleIssue('expiry_invalid', 'Expiry month must be 01 to 12', { part: 'month' });
  }
  if (!/^\d{4}$/.test(year))
    return ruleIssue('expiry_invalid', 'Expiry year must have four digits', { part: 'year' });
  const y = Number(year);
  const m = Number(month);
  const nowY = now.getUTCFullYear();
  const nowM = now.getUTCMonth() + 1;
  if (y < nowY) return ruleIssue('card_expired', 'The card has expired', { part: 'year' });
  if (y === nowY && m < nowM) return ruleIssue('card_expired', 'The card has expired', { part: 'month' });
  if (y > nowY + EXPIRY_MAX_YEARS_AHEAD) {
    return ruleIssue('expiry_invalid', 'Expiry year is too far in the future', { part: 'year' });
  }
  return null;
}

/**
 * Validates a card security code: 3 or 4 digits.
 *
 * @returns `null`, or `required` / `cvv_invalid`
 */
export function validateCvv(cvv: string): RuleIssue | null {
  if (typeof cvv !== 'string' || cvv === '') return ruleIssue('required', 'Security code is required');
  if (!/^\d{3,4}$/.test(cvv)) return ruleIssue('cvv_invalid', 'Security code must be 3 or 4 digits');
  return null;
}
