/**
 * Field rules for customer and order fields: amount, name, phone, e-mail, `partnerUserId`, `orderId`.
 *
 * These run in the shopper's browser (live form feedback), in the companion (before calling HaiPay)
 * and in the sandbox (to answer like HaiPay), so they must agree byte for byte — one implementation,
 * no zod, no platform APIs. Patterns are HaiPay's where documented (seeds 001–004; reference §3.1, §4.2, §5, §3.6);
 * where HaiPay is silent the choice is marked ASSUMPTION and recorded in docs/protocol.md
 * ("Field rules").
 */
import { compareDecimal } from './decimal.js';
import type { Currency } from './currency.js';
import { ruleIssue, type RuleIssue } from './issues.js';
import { CURRENCY_AMOUNT_LIMITS, type AmountLimits } from './methods.js';

/**
 * Amount format per currency. THB/USD: exactly two decimals (reference §4.2, §6 — so THB `"300"` is
 * rejected although a HaiPay sample shows it). TWD: integer without decimals (reference §5; pattern is
 * ASSUMPTION — so `"500.00"` is rejected). VND: integer, multiple of 100 (reference §3.6).
 */
export const AMOUNT_PATTERNS: Readonly<Record<Currency, RegExp>> = {
  THB: /^\d+\.\d{2}$/,
  TWD: /^[1-9]\d*$/,
  USD: /^\d+\.\d{2}$/,
  VND: /^[1-9]\d*00$/,
};

const AMOUNT_FORMAT_HINT: Readonly<Record<Currency, string>> = {
  THB: 'a number with exactly two decimals, e.g. 100.00',
  TWD: 'a whole number without decimals, e.g. 500',
  USD: 'a number with exactly two decimals, e.g. 9.99',
  VND: 'a whole number in multiples of 100, e.g. 150000',
};

function isBlank(value: unknown): boolean {
  return value === undefined || value === null || (typeof value === 'string' && value.trim() === '');
}

function required(what: string): RuleIssue {
  return ruleIssue('required', `${what} is required`);
}

/**
 * Validates an amount string for a currency: the currency's format ({@link AMOUNT_PATTERNS}), then
 * the limits, compared exactly with {@link compareDecimal}.
 *
 * @param limits - the method's limits (`findCollectMethod(...)`); defaults to the widest range of the
 *   currency ({@link CURRENCY_AMOUNT_LIMITS}), so `"0.98"` USD is `amount_below_min` even without a method
 * @returns `null` when valid; otherwise `required`, `invalid_amount`, `amount_below_min` or
 *   `amount_above_max` (params `min`/`max` and `currency`)
 * @example validateAmount('THB', '300') // { code: 'invalid_amount', … }
 */
export function validateAmount(currency: Currency, amount: string, limits?: AmountLimits): RuleIssue | null {
  if (isBlank(amount)) return required('Amount');
  const pattern = AMOUNT_PATTERNS[currency];
  if (typeof amount !== 'string' || pattern === undefined || !pattern.test(amount)) {
    return ruleIssue(
      'invalid_amount',
      `Amount must be ${AMOUNT_FORMAT_HINT[currency] ?? 'a decimal string'} (${currency})`,
      { currency },
    );
  }
  const { min, max } = limits ?? CURRENCY_AMOUNT_LIMITS[currency];
  if (compareDecimal(amount, min) < 0) {
    return ruleIssue('amount_below_min', `Amount must be at least ${min} ${currency}`, { min, currency });
  }
  if (compareDecimal(amount, max) > 0) {
    return ruleIssue('amount_above_max', `Amount must be at most ${max} ${currency}`, { max, currency });
  }
  return null;
}

/**
 * THB collection name rule (seed 004): "English letters with spaces allowed, 1–30 characters,
 * "firstName middleName lastName" (middleName is optional, special characters allowed: !-)",
 * pattern `^[A-Za-z\s!-]+$`.
 */
export const THB_NAME_PATTERN = /^[A-Za-z\s!-]+$/;
/** THB payout beneficiary name rule (reference §4.3): English letters, spaces, `'`, `.`, `-`, 1–30. */
export const THB_PAYOUT_NAME_PATTERN = /^[A-Za-z\s'.-]+$/;
/**
 * Name characters where HaiPay gives no pattern (TWD, USD card and subscription, VND, global cashier)
 * — ASSUMPTION: letters of any script (Chinese and Vietnamese names included), combining marks,
 * spaces, `.`, `'` and `-`, starting with a letter; digits rejected.
 */
export const GENERAL_NAME_PATTERN = /^[\p{L}\p{M}][\p{L}\p{M}\s.'-]*$/u;
/**
 * A first name and a last name separated by a space: two neighbouring words, each holding a letter
 * (seeds 001, 002, 003: "firstName and lastName separated by space", e.g. "Donald John Trump"; seed
 * 004: "firstName middleName lastName" with only the middle name optional).
 */
export const NAME_TWO_PARTS_PATTERN = /\p{L}\S*\s+\S*\p{L}/u;
/**
 * Maximum name length in code points. THB: 30 (seed 004, "1–30 characters"). TWD, USD, VND: no seed
 * gives a maximum; 100 is a safety cap (ASSUMPTION) that bounds what the kit signs and stores without
 * refusing a real name — over three times HaiPay's only documented name maximum.
 */
export const NAME_MAX_LENGTH: Readonly<Record<Currency, number>> = { THB: 30, TWD: 100, USD: 100, VND: 100 };

function checkName(
  name: string,
  max: number,
  pattern: RegExp,
  hint: string,
  twoParts: boolean,
): RuleIssue | null {
  if (isBlank(name)) return required('Name');
  if (typeof name !== 'string') return ruleIssue('invalid_name', `Name must be ${hint}`);
  // Length in code points, so a name in a non-Latin script is not over-counted.
  if ([...name].length > max) return ruleIssue('too_long', `Name must be at most ${max} characters`, { max });
  if (!pattern.test(name)) return ruleIssue('invalid_name', `Name must be ${hint}`);
  if (twoParts && !NAME_TWO_PARTS_PATTERN.test(name)) {
    return ruleIssue('invalid_name', 'Name must be a first and a last name');
  }
  return null;
}

const GENERAL_NAME_HINT = `letters, spaces, ".", "'" or "-"`;

/**
 * Validates the customer name of a collection or subscription (`name`) for the path currency.
 *
 * THB: `^[A-Za-z\s!-]+$`, 1–30 (seed 004) — digits and Thai script are rejected. TWD, USD, VND:
 * {@link GENERAL_NAME_PATTERN}, at most 100 (safety cap, ASSUMPTION). THB, TWD and USD also need a
 * first and a last name separated by a space ({@link NAME_TWO_PARTS_PATTERN}): `"howard"` is refused,
 * `"Donald John Trump"` accepted. A blank (whitespace-only) name is `required`.
 *
 * @returns `null`, or `required`, `too_long` (param `max`) or `invalid_name`
 */
export function validateName(currency: Currency, name: string): RuleIssue | null {
  // A first and a last name: THB (seed 004), TWD (seed 002), USD card and subscriptions (seeds 001,
  // 003) and the global cashier (ASSUMPTION). VND: no seed states it, so a single word passes.
  const twoParts = currency !== 'VND';
  if (currency === 'THB') {
    return checkName(
      name,
      NAME_MAX_LENGTH.THB,
      THB_NAME_PATTERN,
      'English letters, spaces, "!" or "-"',
      twoParts,
    );
  }
  return checkName(name, NAME_MAX_LENGTH[currency] ?? 100, GENERAL_NAME_PATTERN, GENERAL_NAME_HINT, twoParts);
}

/**
 * Validates a payout beneficiary `name`. THB: `^[A-Za-z\s'.-]+$`, 1–30 (reference §4.3 — differs from
 * the collection rule). Other currencies: {@link GENERAL_NAME_PATTERN}, at most 100. No seed asks a
 * beneficiary (a bank account holder) for a first and a last name, so a single word is accepted.
 */
export function validatePayoutName(currency: Currency, name: string): RuleIssue | null {
  if (currency === 'THB') {
    return checkName(
      name,
      NAME_MAX_LENGTH.THB,
      THB_PAYOUT_NAME_PATTERN,
      `English letters, spaces, "'", "." or "-"`,
      false,
    );
  }
  return checkName(name, NAME_MAX_LENGTH[currency] ?? 100, GENERAL_NAME_PATTERN, GENERAL_NAME_HINT, false);
}

/**
 * Phone patterns per currency. THB `^0\d{9}$` (reference §4.2/§4.3); TWD `^09\d{8}$` (reference §5);
 * VND `^0\d{9}$` (ASSUMPTION: Vietnamese 10-digit national format); USD: 6–15 digits with an optional
 * leading `+` (ASSUMPTION: HaiPay's card samples use national numbers such as `0845632145871`).
 */
export const PHONE_PATTERNS: Readonly<Record<Currency, RegExp>> = {
  THB: /^0\d{9}$/,
  TWD: /^09\d{8}$/,
  USD: /^\+?\d{6,15}$/,
  VND: /^0\d{9}$/,
};

const PHONE_HINT: Readonly<Record<Currency, string>> = {
  THB: '10 digits starting with 0, e.g. 0812345678',
  TWD: '10 digits starting with 09, e.g. 0912345678',
  USD: '6 to 15 digits, optionally starting with +',
  VND: '10 digits starting with 0, e.g. 0912345678',
};

/**
 * Validates a phone number for the path currency ({@link PHONE_PATTERNS}); digits only, no spaces.
 * Whether the phone is required at all depends on the endpoint and method (optional for the USD card).
 *
 * @returns `null`, or `required` / `invalid_phone`
 */
export function validatePhone(currency: Currency, phone: string): RuleIssue | null {
  if (isBlank(phone)) return required('Phone number');
  const pattern = PHONE_PATTERNS[currency];
  if (typeof phone !== 'string' || pattern === undefined || !pattern.test(phone)) {
    return ruleIssue('invalid_phone', `Phone number must be ${PHONE_HINT[currency] ?? 'digits only'}`, {
      currency,
    });
  }
  return null;
}

/** Maximum e-mail length (RFC 5321 path limit). */
export const EMAIL_MAX_LENGTH = 254;
// A practical address check (HaiPay only says `string<email>`): dot-atom local part, and a domain of
// LDH labels with at least one dot, since HaiPay asks for a "real email". The local part leaves out
// `&` and `=` (RFC 5322 allows them): HaiPay echoes the e-mail in signed notifications, where they
// would make the string to sign ambiguous (docs/protocol.md §2.5). ASCII only, so no control character.
const EMAIL_RE =
  /^[A-Za-z0-9.!#$%'*+/?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$/;

/**
 * Validates an e-mail address: ASCII dot-atom local part, domain with at least one dot, ≤ 254
 * characters, no leading/trailing/double dot in the local part, and no `&` or `=` — both are legal in
 * an address, but HaiPay echoes the e-mail in its signed notifications, where they would make the
 * string to sign ambiguous (docs/protocol.md §2.5).
 *
 * @returns `null`, or `required`, `too_long` or `invalid_email`
 */
export function validateEmail(email: string): RuleIssue | null {
  if (isBlank(email)) return required('Email');
  if (typeof email !== 'string') return ruleIssue('invalid_email', 'Email address is not valid');
  if (email.length > EMAIL_MAX_LENGTH) {
    return ruleIssue('too_long', `Email must be at most ${EMAIL_MAX_LENGTH} characters`, {
      max: EMAIL_MAX_LENGTH,
    });
  }
  const local = email.slice(0, email.lastIndexOf('@'));
  if (!EMAIL_RE.test(email) || local.startsWith('.') || local.endsWith('.') || local.includes('..')) {
    return ruleIssue('invalid_email', 'Email address is not valid');
  }
  return null;
}

/** `partnerUserId` rule (reference §3.1): letters, digits and `-~!@#$%&*()_`. */
export const PARTNER_USER_ID_PATTERN = /^[A-Za-z0-9\-~!@#$%&*()_]+$/;

/**
 * Validates `partnerUserId`, the shopper's id for HaiPay's risk control ({@link PARTNER_USER_ID_PATTERN}).
 *
 * @returns `null`, or `required` / `invalid_format`
 */
export function validatePartnerUserId(partnerUserId: string): RuleIssue | null {
  if (isBlank(partnerUserId)) return required('partnerUserId');
  if (typeof partnerUserId !== 'string' || !PARTNER_USER_ID_PATTERN.test(partnerUserId)) {
    return ruleIssue('invalid_format', 'partnerUserId may contain only letters, digits and -~!@#$%&*()_');
  }
  return null;
}

/** Maximum merchant order id length (reference §1, §3.1). */
export const ORDER_ID_MAX_LENGTH = 48;

/**
 * Validates a merchant order id (`orderId`, `subscriptionOrderId`): 1–48 characters (reference §1).
 * HaiPay documents no character set; the kit's own ids are ASCII.
 *
 * @returns `null`, or `required` / `too_long` (param `max`)
 */
export function validateOrderId(orderId: string): RuleIssue | null {
  if (isBlank(orderId)) return required('orderId');
  if (typeof orderId !== 'string') return ruleIssue('invalid_format', 'orderId must be a string');
  if (orderId.length > ORDER_ID_MAX_LENGTH) {
    return ruleIssue('too_long', `orderId must be at most ${ORDER_ID_MAX_LENGTH} characters`, {
      max: ORDER_ID_MAX_LENGTH,
    });
  }
  return null;
}
