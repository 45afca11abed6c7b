// Every issue the field and card rules report, whole: its code, the English message a form or a log
// shows when no translation has it, and the params a translation interpolates. rules.test.ts checks
// which values pass; this file checks what the shopper and the merchant are told, and the edges
// (exact limits, lengths counted in code points, values that are not strings).
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import {
  CARD_NUMBER_LENGTH,
  EMAIL_MAX_LENGTH,
  EXPIRY_MAX_YEARS_AHEAD,
  ORDER_ID_MAX_LENGTH,
  detectCardBrand,
  formatCardNumber,
  luhnCheck,
  compareDecimal,
  isCurrency,
  isDecimalString,
  validateAmount,
  validateCardNumber,
  validateCouponPeriod,
  validateSubscriptionDuration,
  validateCvv,
  validateEmail,
  validateExpiry,
  validateName,
  validateOrderId,
  validatePartnerUserId,
  validatePayoutName,
  validatePhone,
  type Currency,
} from '@haipay-kit/protocol/rules';

/** A value of the wrong type, as a hostile or broken caller would pass it. */
const wrong = <T>(value: unknown): T => value as T;

describe('validateAmount: issues', () => {
  test('blank is required, whatever the currency', () => {
    for (const blank of ['', '   ', undefined, null]) {
      assert.deepEqual(validateAmount('THB', wrong(blank)), {
        code: 'required',
        message: 'Amount is required',
      });
    }
  });
  test('a wrong format names the currency and its format', () => {
    const hints: Record<Currency, [string, string]> = {
      THB: ['300', 'a number with exactly two decimals, e.g. 100.00'],
      TWD: ['500.00', 'a whole number without decimals, e.g. 500'],
      USD: ['9.9', 'a number with exactly two decimals, e.g. 9.99'],
      VND: ['150050', 'a whole number in multiples of 100, e.g. 150000'],
    };
    for (const [currency, [amount, hint]] of Object.entries(hints) as [Currency, [string, string]][]) {
      assert.deepEqual(validateAmount(currency, amount), {
        code: 'invalid_amount',
        message: `Amount must be ${hint} (${currency})`,
        params: { currency },
      });
    }
  });
  test('a number instead of a string, and an unknown currency, are invalid_amount', () => {
    assert.deepEqual(validateAmount('THB', wrong(100)), {
      code: 'invalid_amount',
      message: 'Amount must be a number with exactly two decimals, e.g. 100.00 (THB)',
      params: { currency: 'THB' },
    });
    assert.deepEqual(validateAmount(wrong('EUR'), '10.00'), {
      code: 'invalid_amount',
      message: 'Amount must be a decimal string (EUR)',
      params: { currency: 'EUR' },
    });
  });
  test('the limits are inclusive, and the issue gives the limit', () => {
    const limits = { min: '1.00', max: '50.00' };
    assert.equal(validateAmount('THB', '1.00', limits), null);
    assert.equal(validateAmount('THB', '50.00', limits), null);
    assert.deepEqual(validateAmount('THB', '0.99', limits), {
      code: 'amount_below_min',
      message: 'Amount must be at least 1.00 THB',
      params: { min: '1.00', currency: 'THB' },
    });
    assert.deepEqual(validateAmount('THB', '50.01', limits), {
      code: 'amount_above_max',
      message: 'Amount must be at most 50.00 THB',
      params: { max: '50.00', currency: 'THB' },
    });
  });
});

describe('validateName and validatePayoutName: issues', () => {
  const THB_HINT = 'Name must be English letters, spaces, "!" or "-"';
  const GENERAL_HINT = `Name must be letters, spaces, ".", "'" or "-"`;
  test('blank is required', () => {
    for (const blank of ['', ' \t', undefined, null]) {
      assert.deepEqual(validateName('USD', wrong(blank)), { code: 'required', message: 'Name is required' });
      assert.deepEqual(validatePayoutName('THB', wrong(blank)), {
        code: 'required',
        message: 'Name is required',
      });
    }
  });
  test('a value that is not a string is an invalid name, with the currency’s hint', () => {
    assert.deepEqual(validateName('THB', wrong(42)), { code: 'invalid_name', message: THB_HINT });
    assert.deepEqual(validateName('VND', wrong(['An'])), { code: 'invalid_name', message: GENERAL_HINT });
  });
  test('characters the currency refuses', () => {
    assert.deepEqual(validateName('THB', 'Somchai 2'), { code: 'invalid_name', message: THB_HINT });
    assert.deepEqual(validateName('USD', 'Card 4242'), { code: 'invalid_name', message: GENERAL_HINT });
    assert.deepEqual(validatePayoutName('THB', 'Hello!'), {
      code: 'invalid_name',
      message: `Name must be English letters, spaces, "'", "." or "-"`,
    });
    assert.deepEqual(validatePayoutName('USD', 'Acme 2'), { code: 'invalid_name', message: GENERAL_HINT });
  });
  test('THB, TWD and USD need a first and a last name; VND and payouts take one word', () => {
    for (const currency of ['THB', 'TWD', 'USD'] as const) {
      assert.deepEqual(validateName(currency, 'Somchai'), {
        code: 'invalid_name',
        message: 'Name must be a first and a last name',
      });
    }
    assert.equal(validateName('VND', 'An'), null);
    assert.equal(validatePayoutName('THB', 'Somchai'), null);
    assert.equal(validatePayoutName('TWD', '王小明'), null);
  });
  test('the maximum is counted in code points, and is inclusive', () => {
    const thb30 = `${'A'.repeat(14)} ${'B'.repeat(15)}`;
    assert.equal(validateName('THB', thb30), null);
    assert.deepEqual(validateName('THB', `${thb30}C`), {
      code: 'too_long',
      message: 'Name must be at most 30 characters',
      params: { max: 30 },
    });
    assert.equal(validatePayoutName('THB', 'A'.repeat(30)), null);
    assert.equal(validatePayoutName('THB', 'A'.repeat(31))?.code, 'too_long');
    // 100 letters outside the Basic Multilingual Plane: 200 UTF-16 code units, 100 code points.
    const astral = `${'𠀀'.repeat(50)} ${'𠀀'.repeat(49)}`;
    assert.equal(validateName('TWD', astral), null);
    assert.deepEqual(validateName('TWD', `${astral}𠀀`), {
      code: 'too_long',
      message: 'Name must be at most 100 characters',
      params: { max: 100 },
    });
    assert.equal(validatePayoutName('VND', 'a'.repeat(100)), null);
    assert.equal(validatePayoutName('VND', 'a'.repeat(101))?.code, 'too_long');
  });
  test('an unknown currency gets the general rule and the 100 cap', () => {
    assert.equal(validateName(wrong('EUR'), 'Jean Dupont'), null);
    assert.equal(validateName(wrong('EUR'), 'a'.repeat(101))?.code, 'too_long');
    assert.equal(validatePayoutName(wrong('EUR'), 'a'.repeat(101))?.code, 'too_long');
  });
});

describe('validatePhone: issues', () => {
  test('blank is required', () => {
    for (const blank of ['', '  ', undefined, null]) {
      assert.deepEqual(validatePhone('THB', wrong(blank)), {
        code: 'required',
        message: 'Phone number is required',
      });
    }
  });
  test('each currency names its format', () => {
    const hints: Record<Currency, string> = {
      THB: '10 digits starting with 0, e.g. 0812345678',
      TWD: '10 digits starting with 09, e.g. 0912345678',
      USD: '6 to 15 digits, optionally starting with +',
      VND: '10 digits starting with 0, e.g. 0912345678',
    };
    for (const [currency, hint] of Object.entries(hints) as [Currency, string][]) {
      assert.deepEqual(validatePhone(currency, '12345'), {
        code: 'invalid_phone',
        message: `Phone number must be ${hint}`,
        params: { currency },
      });
    }
  });
  test('a number instead of a string, and an unknown currency', () => {
    assert.equal(validatePhone('THB', wrong(812345678))?.code, 'invalid_phone');
    assert.deepEqual(validatePhone(wrong('EUR'), '0812345678'), {
      code: 'invalid_phone',
      message: 'Phone number must be digits only',
      params: { currency: 'EUR' },
    });
  });
});

describe('validateEmail: issues', () => {
  const invalid = { code: 'invalid_email', message: 'Email address is not valid' };
  test('blank is required; a non-string is invalid', () => {
    assert.deepEqual(validateEmail(''), { code: 'required', message: 'Email is required' });
    assert.deepEqual(validateEmail(wrong(undefined)), { code: 'required', message: 'Email is required' });
    assert.deepEqual(validateEmail(wrong(42)), invalid);
  });
  test('254 characters pass, 255 are too long', () => {
    const at254 = `${'a'.repeat(64)}@${'b'.repeat(60)}.${'c'.repeat(60)}.${'d'.repeat(60)}.${'e'.repeat(6)}`;
    assert.equal(at254.length, EMAIL_MAX_LENGTH);
    assert.equal(validateEmail(at254), null);
    assert.deepEqual(validateEmail(`a${at254}`), {
      code: 'too_long',
      message: 'Email must be at most 254 characters',
      params: { max: 254 },
    });
  });
  test('a dot at either end of the local part, or two in a row, is invalid', () => {
    for (const bad of ['.a@example.com', 'a.@example.com', 'a..b@example.com']) {
      assert.deepEqual(validateEmail(bad), invalid, bad);
    }
    assert.equal(validateEmail('a.b@example.com'), null);
  });
  test('the local part is what comes before the last "@"', () => {
    // A dot before the last "@" ends the local part; one before an earlier "@" does not matter here,
    // since "@" is not allowed in the local part at all.
    assert.deepEqual(validateEmail('a@b.@example.com'), invalid);
    assert.deepEqual(validateEmail('a.@b@example.com'), invalid);
  });
  test('& and = are refused: they would make a signed notification ambiguous', () => {
    assert.deepEqual(validateEmail('a&orderId=x@example.com'), invalid);
    assert.deepEqual(validateEmail('a=b@example.com'), invalid);
  });
});

describe('validatePartnerUserId and validateOrderId: issues', () => {
  test('partnerUserId', () => {
    assert.deepEqual(validatePartnerUserId(''), { code: 'required', message: 'partnerUserId is required' });
    const format = {
      code: 'invalid_format',
      message: 'partnerUserId may contain only letters, digits and -~!@#$%&*()_',
    };
    assert.deepEqual(validatePartnerUserId('user 1'), format);
    assert.deepEqual(validatePartnerUserId(wrong(1001)), format);
  });
  test('orderId', () => {
    assert.deepEqual(validateOrderId(''), { code: 'required', message: 'orderId is required' });
    assert.deepEqual(validateOrderId(wrong(1001)), {
      code: 'invalid_format',
      message: 'orderId must be a string',
    });
    assert.equal(validateOrderId('x'.repeat(ORDER_ID_MAX_LENGTH)), null);
    assert.deepEqual(validateOrderId('x'.repeat(ORDER_ID_MAX_LENGTH + 1)), {
      code: 'too_long',
      message: 'orderId must be at most 48 characters',
      params: { max: 48 },
    });
  });
});

describe('card rules: issues and edges', () => {
  test('luhnCheck doubles every second digit from the right, and refuses what is not digits', () => {
    assert.equal(luhnCheck('18'), true); // 1·2 + 8 = 10
    assert.equal(luhnCheck('81'), false); // 8·2 − 9 + 1 = 8
    assert.equal(luhnCheck('59'), true); // 5·2 − 9 + 9 = 10
    assert.equal(luhnCheck('0'), true);
    assert.equal(luhnCheck(wrong(4242424242424242)), false);
    assert.equal(luhnCheck('424242424242424a'), false);
    // Letters count as digit values 50 and 52 in a check that skipped the digits-only test: "b18" and
    // "18d" would sum to 60. They are not card numbers.
    assert.equal(luhnCheck('b18'), false);
    assert.equal(luhnCheck('18d'), false);
  });
  test('detectCardBrand: range edges, prefixes and spaces', () => {
    assert.equal(detectCardBrand(wrong(4242)), null);
    assert.equal(detectCardBrand('4242 4242'), 'visa');
    assert.equal(detectCardBrand('50'), null);
    assert.equal(detectCardBrand('55'), 'mastercard');
    assert.equal(detectCardBrand('56'), null);
    assert.equal(detectCardBrand('2221'), 'mastercard');
    assert.equal(detectCardBrand('2220'), null);
    assert.equal(detectCardBrand('271'), 'mastercard');
    assert.equal(detectCardBrand('272'), null); // 2721–2729 are not Mastercard
    assert.equal(detectCardBrand('222'), null); // 2220 is not
    assert.equal(detectCardBrand('3'), null);
    assert.equal(detectCardBrand('4x2'), null); // digits only, from first to last
    assert.equal(detectCardBrand('4-2'), null);
  });
  test('formatCardNumber drops every non-digit first', () => {
    assert.equal(formatCardNumber('a4b2c4d2 4242'), '4242 4242');
    assert.equal(formatCardNumber(''), '');
    assert.equal(formatCardNumber(wrong(42424242)), '4242 4242');
  });
  test('validateCardNumber', () => {
    assert.deepEqual(validateCardNumber('  '), { code: 'required', message: 'Card number is required' });
    assert.deepEqual(validateCardNumber(wrong(undefined)), {
      code: 'required',
      message: 'Card number is required',
    });
    assert.deepEqual(validateCardNumber('4242-4242'), {
      code: 'card_number_invalid',
      message: 'Card number may contain only digits',
    });
    const length = {
      code: 'card_number_invalid',
      message: 'Card number must have 12 to 19 digits',
      params: { min: CARD_NUMBER_LENGTH.min, max: CARD_NUMBER_LENGTH.max },
    };
    assert.deepEqual(validateCardNumber('42222222228'), length); // 11 digits, Luhn-valid
    assert.deepEqual(validateCardNumber('42222222222222222228'), length); // 20 digits
    assert.equal(validateCardNumber('422222222222'), null); // 12 digits, Luhn-valid
    assert.equal(validateCardNumber('4222222222222222224'), null); // 19 digits, Luhn-valid
    assert.deepEqual(validateCardNumber('4242424242424241'), {
      code: 'card_number_invalid',
      message: 'Card number is not valid',
    });
    assert.deepEqual(validateCardNumber('378282246310005'), {
      code: 'card_brand_unsupported',
      message: 'Only Visa and Mastercard cards are accepted',
    });
  });
  test('validateExpiry: every issue names its part', () => {
    const now = new Date('2026-06-15T12:00:00Z');
    assert.deepEqual(validateExpiry('', '2030', now), {
      code: 'required',
      message: 'Expiry month is required',
      params: { part: 'month' },
    });
    assert.deepEqual(validateExpiry(wrong(6), '2030', now), {
      code: 'required',
      message: 'Expiry month is required',
      params: { part: 'month' },
    });
    assert.deepEqual(validateExpiry('06', '', now), {
      code: 'required',
      message: 'Expiry year is required',
      params: { part: 'year' },
    });
    assert.deepEqual(validateExpiry('06', wrong(2030), now)?.code, 'required');
    for (const month of ['00', '13', '1', '112', '123', '1a', ' 12']) {
      assert.deepEqual(
        validateExpiry(month, '2030', now),
        { code: 'expiry_invalid', message: 'Expiry month must be 01 to 12', params: { part: 'month' } },
        month,
      );
    }
    assert.deepEqual(validateExpiry('06', '20300', now), {
      code: 'expiry_invalid',
      message: 'Expiry year must have four digits',
      params: { part: 'year' },
    });
    assert.deepEqual(validateExpiry('12', '2025', now), {
      code: 'card_expired',
      message: 'The card has expired',
      params: { part: 'year' },
    });
    assert.deepEqual(validateExpiry('05', '2026', now), {
      code: 'card_expired',
      message: 'The card has expired',
      params: { part: 'month' },
    });
    assert.equal(validateExpiry('01', '2027', now), null); // an earlier month of a later year
    assert.equal(validateExpiry('06', String(2026 + EXPIRY_MAX_YEARS_AHEAD), now), null);
    assert.deepEqual(validateExpiry('06', String(2026 + EXPIRY_MAX_YEARS_AHEAD + 1), now), {
      code: 'expiry_invalid',
      message: 'Expiry year is too far in the future',
      params: { part: 'year' },
    });
  });
  test('validateExpiry compares in UTC', () => {
    // 23:30 on 31 May in UTC is already June in Bangkok: the card of May 2026 is still valid.
    assert.equal(validateExpiry('05', '2026', new Date('2026-05-31T23:30:00Z')), null);
    // 00:30 on 1 June in UTC: May's card has expired.
    assert.equal(validateExpiry('05', '2026', new Date('2026-06-01T00:30:00Z'))?.code, 'card_expired');
    // December of the current year.
    assert.equal(validateExpiry('12', '2026', new Date('2026-12-31T23:59:59Z')), null);
  });
  test('validateCvv', () => {
    assert.deepEqual(validateCvv(''), { code: 'required', message: 'Security code is required' });
    assert.deepEqual(validateCvv(wrong(123)), { code: 'required', message: 'Security code is required' });
    const invalid = { code: 'cvv_invalid', message: 'Security code must be 3 or 4 digits' };
    assert.deepEqual(validateCvv('12'), invalid);
    assert.deepEqual(validateCvv('12345'), invalid);
    assert.deepEqual(validateCvv('１２３'), invalid); // full-width digits are not \d
  });
});

describe('subscription plans: issues', () => {
  const longest = (max: number, unit: string, names: string) => ({
    code: 'not_allowed',
    message: `A subscription may last at most 3 years: recurringIntervalCount × recurringMaxNumber must be at most ${max} ${names}`,
    params: { max, unit },
  });
  test('each unit names its limit; the limit itself is accepted', () => {
    assert.deepEqual(validateSubscriptionDuration('D', 1, 1096), longest(1095, 'D', 'days'));
    assert.deepEqual(validateSubscriptionDuration('W', 2, 79), longest(156, 'W', 'weeks'));
    assert.deepEqual(validateSubscriptionDuration('M', 37, 1), longest(36, 'M', 'months'));
    assert.deepEqual(validateSubscriptionDuration('Y', 1, 4), longest(3, 'Y', 'years'));
    assert.equal(validateSubscriptionDuration('W', 2, 78), null);
    assert.equal(validateSubscriptionDuration('Y', 3, 1), null);
  });
  test('what another rule refuses is left to it: unknown unit, counts that are not positive whole numbers', () => {
    for (const [unit, count, cycles] of [
      ['X', 1, 9999],
      ['m', 1, 9999],
      ['M', 0, 9999],
      ['M', -1, 9999],
      ['M', 1.5, 9999],
      ['M', '1.5', 9999],
      ['M', ' 2', 9999],
      ['M', 1, '37x'],
      ['M', 1, 2 ** 53],
      ['M', 1, null],
    ] as const) {
      assert.equal(validateSubscriptionDuration(unit, count, cycles), null, `${unit} ${count} ${cycles}`);
    }
    assert.deepEqual(validateSubscriptionDuration('M', '37', '1')?.params, { max: 36, unit: 'M' });
  });
  test('only a number or a whole digit string counts: digit-like text and arrays are left to the field rules', () => {
    // Each would be 37 months (or more) if read loosely with Number(): '37 ', '1e3', [37], ['37'].
    for (const cycles of ['37 ', '1e3', '37.0', [37], ['37']])
      assert.equal(validateSubscriptionDuration('M', 1, cycles), null, JSON.stringify(cycles));
    for (const count of ['37 ', '1e3', [37]])
      assert.equal(validateSubscriptionDuration('M', count, 1), null, JSON.stringify(count));
    assert.equal(validateCouponPeriod([5], 12), null);
    assert.equal(validateCouponPeriod('5 ', 12), null);
  });
  test('couponPeriod: 1 or recurringMaxNumber; the issue gives the number when there is one', () => {
    assert.equal(validateCouponPeriod(1, 12), null);
    assert.equal(validateCouponPeriod('1', 'x'), null);
    assert.equal(validateCouponPeriod(12, '12'), null);
    assert.equal(validateCouponPeriod(undefined, 12), null);
    assert.equal(validateCouponPeriod(0, 12), null); // not a positive number: another rule refuses it
    assert.deepEqual(validateCouponPeriod(5, 12), {
      code: 'not_allowed',
      message: 'couponPeriod can only be 1 or recurringMaxNumber (12)',
      params: { max: 12 },
    });
    assert.deepEqual(validateCouponPeriod(5, 'x'), {
      code: 'not_allowed',
      message: 'couponPeriod can only be 1 or recurringMaxNumber',
    });
  });
});

describe('decimals and currencies', () => {
  test('compareDecimal: integer part first, then the fraction, both exactly', () => {
    assert.equal(compareDecimal('9', '10'), -1);
    assert.equal(compareDecimal('10', '9'), 1);
    assert.equal(compareDecimal('19', '21'), -1);
    assert.equal(compareDecimal('21', '19'), 1);
    assert.equal(compareDecimal('1.05', '1.5'), -1);
    assert.equal(compareDecimal('1.5', '1.05'), 1);
    assert.equal(compareDecimal('1.50', '1.5'), 0);
    assert.equal(compareDecimal('0', '0.00'), 0);
    assert.equal(compareDecimal('000', '0'), 0);
    assert.equal(compareDecimal('1.1', '1.10000000000000000001'), -1);
    // Leading zeros of either side, however many, do not count.
    assert.equal(compareDecimal('5', '005'), 0);
    assert.equal(compareDecimal('005', '5'), 0);
    assert.equal(compareDecimal('10', '009.99'), 1);
    assert.equal(compareDecimal('009.99', '10'), -1);
  });
  test('compareDecimal names the argument that is not a decimal', () => {
    for (const [a, b] of [
      ['1', 'x'],
      ['x', '1'],
      ['1.', '1'],
      ['.5', '1'],
    ]) {
      const bad = /^\d+(\.\d+)?$/.test(a!) ? b : a;
      assert.throws(() => compareDecimal(a!, b!), {
        name: 'TypeError',
        message: `compareDecimal: not a non-negative decimal string: ${JSON.stringify(bad)}`,
      });
    }
  });
  test('isDecimalString and isCurrency', () => {
    assert.deepEqual(['1', '1.50', '01', '', '1.', '-1', '1e3', 1].map(isDecimalString), [
      true,
      true,
      true,
      false,
      false,
      false,
      false,
      false,
    ]);
    assert.deepEqual(['THB', 'TWD', 'USD', 'VND', 'thb', 'EUR', '', undefined].map(isCurrency), [
      true,
      true,
      true,
      true,
      false,
      false,
      false,
      false,
    ]);
  });
});

describe('patterns match the whole value', () => {
  test('amounts: nothing before or after the format', () => {
    for (const [currency, amount] of [
      ['THB', '300.000'],
      ['THB', '+300.00'],
      ['USD', '9.999'],
      ['USD', '+9.99'],
      ['VND', '0100000'],
      ['VND', '1000001'],
    ] as const) {
      assert.equal(validateAmount(currency, amount)?.code, 'invalid_amount', `${currency} ${amount}`);
    }
    assert.equal(validateAmount('TWD', wrong(500))?.code, 'invalid_amount'); // a number, though 500 would pass as text
  });
  test('phones: nothing before or after the format', () => {
    for (const [currency, phone] of [
      ['THB', 'x0812345678'],
      ['THB', '08123456789'],
      ['TWD', '10912345678'],
      ['TWD', '09123456789'],
      ['USD', 'x+14155550100'],
      ['USD', '+14155550100x'],
      ['VND', '10912345678'],
      ['VND', '09123456789'],
    ] as const) {
      assert.equal(validatePhone(currency, phone)?.code, 'invalid_phone', `${currency} ${phone}`);
    }
    assert.equal(validatePhone('USD', wrong(14155550100))?.code, 'invalid_phone'); // a number
  });
  test('names: the THB payout pattern covers the whole name; two parts are any two words with a letter', () => {
    assert.equal(validatePayoutName('THB', '1Somchai')?.code, 'invalid_name');
    assert.equal(validateName('USD', 'Somchai  Jaidee'), null); // two spaces
    assert.equal(validateName('USD', 'Anna B'), null); // a one-letter last name
    assert.equal(validateName('USD', 'Anna- Lee'), null); // the first word ends in "-"
    assert.equal(validateName('USD', "Anna 'Lee"), null); // the last word starts with "'"
  });
});
