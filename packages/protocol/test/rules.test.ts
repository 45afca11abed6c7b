import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import {
  CURRENCIES,
  ISSUE_CODES,
  compareDecimal,
  validateAmount,
  validateName,
  validatePayoutName,
  validatePhone,
  validateEmail,
  validatePartnerUserId,
  validateOrderId,
  luhnCheck,
  detectCardBrand,
  formatCardNumber,
  validateCardNumber,
  validateExpiry,
  validateCvv,
  COLLECT_METHODS,
  findCollectMethod,
  CASHIER_REGIONS,
  isCashierCurrencyAllowed,
  THB_PAYOUT_BANK_CODES,
  THB_PAYOUT_EWALLET_CODES,
  isFollowableUrl,
  isSignSafe,
  type IssueCode,
} from '@haipay-kit/protocol/rules';
import { cashierApplyIssues } from '@haipay-kit/protocol';

const code = (issue: { code: IssueCode } | null): IssueCode | null => (issue === null ? null : issue.code);

describe('compareDecimal', () => {
  test('compares exactly, ignoring insignificant zeros', () => {
    assert.equal(compareDecimal('0.98', '0.99'), -1);
    assert.equal(compareDecimal('1000.00', '1000'), 0);
    assert.equal(compareDecimal('0100.50', '100.5'), 0);
    assert.equal(compareDecimal('10', '9.99'), 1);
    assert.equal(compareDecimal('8000.01', '8000.00'), 1);
    // a case where binary floating point would misbehave if summed: 0.1 + 0.2 vs 0.3 style digits
    assert.equal(compareDecimal('0.30000000000000004', '0.3'), 1);
  });
  test('rejects non-decimal input', () => {
    assert.throws(() => compareDecimal('1,000.00', '1'), TypeError);
    assert.throws(() => compareDecimal('1', '-1'), TypeError);
  });
});

describe('validateAmount', () => {
  test('THB needs exactly two decimals: "300" is rejected, "300.00" accepted', () => {
    assert.equal(code(validateAmount('THB', '300')), 'invalid_amount');
    assert.equal(code(validateAmount('THB', '300.0')), 'invalid_amount');
    assert.equal(code(validateAmount('THB', '1,000.00')), 'invalid_amount');
    assert.equal(validateAmount('THB', '300.00'), null);
  });
  test('TWD needs an integer: "500.00" is rejected, "500" accepted', () => {
    assert.equal(code(validateAmount('TWD', '500.00')), 'invalid_amount');
    assert.equal(code(validateAmount('TWD', '0500')), 'invalid_amount');
    assert.equal(validateAmount('TWD', '500'), null);
  });
  test('USD card: "0.98" is below the 0.99 limit, "0.99" and "1000.00" are accepted, "1000.01" is above', () => {
    const card = findCollectMethod('USD', 'BANK_TRANSFER', 'CREDIT_CARD');
    assert.ok(card);
    const below = validateAmount('USD', '0.98', card);
    assert.equal(code(below), 'amount_below_min');
    assert.deepEqual(below?.params, { min: '0.99', currency: 'USD' });
    assert.equal(validateAmount('USD', '0.99', card), null);
    assert.equal(validateAmount('USD', '1000.00', card), null);
    assert.equal(code(validateAmount('USD', '1000.01', card)), 'amount_above_max');
    // without a method the widest USD range applies, so 0.98 is still refused
    assert.equal(code(validateAmount('USD', '0.98')), 'amount_below_min');
  });
  test('VND needs an integer multiple of 100 within 100000–10000000', () => {
    assert.equal(validateAmount('VND', '150000'), null);
    assert.equal(code(validateAmount('VND', '150050')), 'invalid_amount');
    assert.equal(code(validateAmount('VND', '150000.00')), 'invalid_amount');
    assert.equal(code(validateAmount('VND', '99900')), 'amount_below_min');
    assert.equal(code(validateAmount('VND', '10000100')), 'amount_above_max');
  });
  test('per-method limits are applied (ATM TWD from 1000, USD Thai methods up to 220.00)', () => {
    const atm = findCollectMethod('TWD', 'BANK_TRANSFER', 'ATM');
    assert.ok(atm);
    assert.equal(code(validateAmount('TWD', '999', atm)), 'amount_below_min');
    assert.equal(validateAmount('TWD', '1000', atm), null);
    const thQr = findCollectMethod('USD', 'QR', 'TH_QR_USD');
    assert.ok(thQr);
    assert.equal(code(validateAmount('USD', '220.01', thQr)), 'amount_above_max');
    assert.equal(validateAmount('USD', '220.00', thQr), null);
    assert.equal(code(validateAmount('THB', '8000.01')), 'amount_above_max');
    assert.equal(code(validateAmount('THB', '0.99')), 'amount_below_min');
  });
  test('empty amount is required', () => {
    assert.equal(code(validateAmount('THB', '')), 'required');
  });
});

describe('validateName', () => {
  test('THB: English letters, spaces, "!" and "-" only; digits rejected; 1–30', () => {
    assert.equal(validateName('THB', 'Somchai Jaidee'), null);
    assert.equal(validateName('THB', 'Anne-Marie Jaidee!'), null);
    assert.equal(code(validateName('THB', 'Somchai 2')), 'invalid_name');
    assert.equal(code(validateName('THB', 'สมชาย')), 'invalid_name');
    assert.equal(code(validateName('THB', "Sean O'Brien")), 'invalid_name');
    assert.equal(code(validateName('THB', 'A'.repeat(31))), 'too_long');
    assert.equal(validateName('THB', `${'A'.repeat(14)} ${'B'.repeat(15)}`), null);
    assert.equal(code(validateName('THB', '   ')), 'required');
  });
  test('other currencies: letters of any script, no digits, up to 100', () => {
    assert.equal(validateName('TWD', '王 小明'), null);
    assert.equal(validateName('VND', 'Nguyễn Văn An'), null);
    assert.equal(validateName('USD', "Donald John O'Neil"), null);
    assert.equal(code(validateName('USD', 'Card 4242')), 'invalid_name');
    assert.equal(code(validateName('TWD', '-Lee Mei')), 'invalid_name');
    assert.equal(code(validateName('VND', 'a'.repeat(101))), 'too_long');
  });
  test('THB payout names allow apostrophe and dot but not "!"', () => {
    assert.equal(validatePayoutName('THB', "Mr. O'Brien"), null);
    assert.equal(code(validatePayoutName('THB', 'Hello!')), 'invalid_name');
  });
});

describe('validatePhone', () => {
  test('THB: 0 + 9 digits', () => {
    assert.equal(validatePhone('THB', '0812345678'), null);
    assert.equal(code(validatePhone('THB', '812345678')), 'invalid_phone');
    assert.equal(code(validatePhone('THB', '+66812345678')), 'invalid_phone');
  });
  test('TWD: 09 + 8 digits', () => {
    assert.equal(validatePhone('TWD', '0912345678'), null);
    assert.equal(code(validatePhone('TWD', '0812345678')), 'invalid_phone');
  });
  test('VND: 0 + 9 digits; USD: 6–15 digits with optional +', () => {
    assert.equal(validatePhone('VND', '0912345678'), null);
    assert.equal(code(validatePhone('VND', '091234567')), 'invalid_phone');
    assert.equal(validatePhone('USD', '0845632145871'), null);
    assert.equal(validatePhone('USD', '+14155550100'), null);
    assert.equal(code(validatePhone('USD', '415-555-0100')), 'invalid_phone');
  });
  test('empty phone is required', () => {
    assert.equal(code(validatePhone('THB', '')), 'required');
  });
});

describe('validateEmail', () => {
  test('accepts ordinary addresses', () => {
    assert.equal(validateEmail('somchai@example.com'), null);
    assert.equal(validateEmail('first.last+tag@mail.example.co.th'), null);
  });
  test('rejects malformed addresses', () => {
    for (const bad of [
      'somchai',
      'a@b',
      'a @example.com',
      '.a@example.com',
      'a..b@example.com',
      'a@-x.com',
    ]) {
      assert.equal(code(validateEmail(bad)), 'invalid_email', bad);
    }
    assert.equal(code(validateEmail(`${'a'.repeat(250)}@x.com`)), 'too_long');
    assert.equal(code(validateEmail('')), 'required');
  });
});

describe('validatePartnerUserId and validateOrderId', () => {
  test('partnerUserId allows letters, digits and -~!@#$%&*()_', () => {
    assert.equal(validatePartnerUserId('u-1001'), null);
    assert.equal(validatePartnerUserId('A~!@#$%&*()_z9'), null);
    assert.equal(code(validatePartnerUserId('user 1')), 'invalid_format');
    assert.equal(code(validatePartnerUserId('user.1')), 'invalid_format');
    assert.equal(code(validatePartnerUserId('')), 'required');
  });
  test('orderId is 1–48 characters', () => {
    assert.equal(validateOrderId('M20260101000001'), null);
    assert.equal(validateOrderId('x'.repeat(48)), null);
    assert.equal(code(validateOrderId('x'.repeat(49))), 'too_long');
    assert.equal(code(validateOrderId('')), 'required');
  });
});

describe('card rules', () => {
  test('luhnCheck', () => {
    assert.equal(luhnCheck('4242424242424242'), true);
    assert.equal(luhnCheck('4000056655665556'), true);
    assert.equal(luhnCheck('4242424242424241'), false);
    assert.equal(luhnCheck('4242 4242 4242 4242'), false);
    assert.equal(luhnCheck(''), false);
  });
  test('detectCardBrand on full numbers', () => {
    assert.equal(detectCardBrand('4242424242424242'), 'visa');
    assert.equal(detectCardBrand('5555555555554444'), 'mastercard');
    assert.equal(detectCardBrand('5105105105105100'), 'mastercard');
    assert.equal(detectCardBrand('2221000000000009'), 'mastercard');
    assert.equal(detectCardBrand('2720990000000000'), 'mastercard');
    assert.equal(detectCardBrand('2721000000000000'), null);
    assert.equal(detectCardBrand('2220990000000000'), null);
    assert.equal(detectCardBrand('3528000000000000'), null); // JCB: not accepted (seed 001)
    assert.equal(detectCardBrand('3589000000000000'), null);
    assert.equal(detectCardBrand('3590000000000000'), null);
    assert.equal(detectCardBrand('3527000000000000'), null);
    assert.equal(detectCardBrand('5600000000000000'), null);
    assert.equal(detectCardBrand('5000000000000000'), null);
    assert.equal(detectCardBrand('378282246310005'), null); // Amex
  });
  test('detectCardBrand on partial input answers only when certain', () => {
    assert.equal(detectCardBrand('4'), 'visa');
    assert.equal(detectCardBrand('5'), null);
    assert.equal(detectCardBrand('51'), 'mastercard');
    assert.equal(detectCardBrand('2'), null);
    assert.equal(detectCardBrand('22'), null);
    assert.equal(detectCardBrand('23'), 'mastercard');
    assert.equal(detectCardBrand('27'), null);
    assert.equal(detectCardBrand('2720'), 'mastercard');
    assert.equal(detectCardBrand('35'), null);
    assert.equal(detectCardBrand('353'), null);
    assert.equal(detectCardBrand('3 5 2 8'), null);
    assert.equal(detectCardBrand(''), null);
    assert.equal(detectCardBrand('4x'), null);
  });
  test('formatCardNumber groups digits by four', () => {
    assert.equal(formatCardNumber('4242424242424242'), '4242 4242 4242 4242');
    assert.equal(formatCardNumber('42424'), '4242 4');
    assert.equal(formatCardNumber('4242-4242 42'), '4242 4242 42');
    assert.equal(formatCardNumber('4242'), '4242');
  });
  test('validateCardNumber', () => {
    assert.equal(validateCardNumber('4242 4242 4242 4242'), null);
    assert.equal(code(validateCardNumber('3530111333300000')), 'card_brand_unsupported'); // JCB (seed 001)
    assert.equal(code(validateCardNumber('4242424242424241')), 'card_number_invalid');
    assert.equal(code(validateCardNumber('42424242424')), 'card_number_invalid');
    assert.equal(code(validateCardNumber('4242-4242-4242-4242')), 'card_number_invalid');
    assert.equal(code(validateCardNumber('378282246310005')), 'card_brand_unsupported');
    assert.equal(code(validateCardNumber('')), 'required');
  });
  test('validateExpiry', () => {
    const now = new Date('2026-06-15T12:00:00Z');
    assert.equal(validateExpiry('06', '2026', now), null);
    assert.equal(validateExpiry('11', '2028', now), null);
    const pastMonth = validateExpiry('05', '2026', now);
    assert.equal(code(pastMonth), 'card_expired');
    assert.equal(pastMonth?.params?.part, 'month');
    assert.equal(code(validateExpiry('12', '2025', now)), 'card_expired');
    assert.equal(code(validateExpiry('13', '2030', now)), 'expiry_invalid');
    assert.equal(code(validateExpiry('1', '2030', now)), 'expiry_invalid');
    assert.equal(code(validateExpiry('01', '30', now)), 'expiry_invalid');
    assert.equal(code(validateExpiry('01', '2060', now)), 'expiry_invalid');
    assert.equal(code(validateExpiry('', '2030', now)), 'required');
  });
  test('validateCvv', () => {
    assert.equal(validateCvv('234'), null);
    assert.equal(validateCvv('1234'), null);
    assert.equal(code(validateCvv('99')), 'cvv_invalid');
    assert.equal(code(validateCvv('12a')), 'cvv_invalid');
    assert.equal(code(validateCvv('')), 'required');
  });
});

describe('COLLECT_METHODS', () => {
  test('every method has a valid currency, min ≤ max, amounts in the currency format', () => {
    for (const m of COLLECT_METHODS) {
      assert.ok((CURRENCIES as readonly string[]).includes(m.currency));
      assert.ok(compareDecimal(m.min, m.max) < 0, `${m.inBankCode}`);
      // the limits themselves must pass the currency's amount rule with the method's limits
      assert.equal(validateAmount(m.currency, m.min, m), null, `${m.currency} ${m.inBankCode} min`);
      assert.equal(validateAmount(m.currency, m.max, m), null, `${m.currency} ${m.inBankCode} max`);
    }
  });
  test('no duplicate (currency, payType, inBankCode)', () => {
    const keys = COLLECT_METHODS.map((m) => `${m.currency}/${m.payType}/${m.inBankCode}`);
    assert.equal(new Set(keys).size, keys.length);
  });
  test('documented methods and the sandbox THB bank extension', () => {
    assert.equal(findCollectMethod('THB', 'QR', 'QR')?.result, 'qr');
    assert.equal(findCollectMethod('THB', 'PAYMENT_GATEWAY', 'TM')?.result, 'redirect');
    const va = findCollectMethod('THB', 'VA', 'THB_VA');
    assert.equal(va?.result, 'bank');
    assert.equal(va?.extension, true);
    assert.equal(COLLECT_METHODS.filter((m) => m.extension).length, 1);
    assert.equal(findCollectMethod('USD', 'BANK_TRANSFER', 'CREDIT_CARD')?.result, 'card');
    assert.equal(findCollectMethod('VND', 'BANK_TRANSFER', 'BANK')?.result, 'bank');
    assert.equal(COLLECT_METHODS.filter((m) => m.currency === 'TWD').length, 9);
    assert.ok(COLLECT_METHODS.filter((m) => m.currency === 'TWD').every((m) => m.result === 'redirect'));
    assert.equal(findCollectMethod('USD', 'BANK_TRANSFER', 'ATM_USD')?.min, '32.99');
    assert.equal(findCollectMethod('USD', 'BANK_TRANSFER', 'STORE_FAMI_USD')?.max, '499.99');
  });
  test('lookups are exact: wrong currency or payType finds nothing', () => {
    assert.equal(findCollectMethod('THB', 'QR', 'TH_QR_USD'), undefined);
    assert.equal(findCollectMethod('THB', 'EWALLET', 'TM'), undefined);
    assert.equal(findCollectMethod('thb', 'QR', 'QR'), undefined);
  });
});

describe('cashier regions and THB payout codes', () => {
  test('region table', () => {
    assert.deepEqual(CASHIER_REGIONS.TH, ['THB', 'USD']);
    assert.equal(isCashierCurrencyAllowed('TW', 'TWD'), true);
    assert.equal(isCashierCurrencyAllowed('US', 'THB'), false);
    assert.equal(isCashierCurrencyAllowed('VN', 'VND'), false);
  });
  test("a region named after an object's own members is refused as a field error, never thrown", () => {
    for (const region of ['toString', 'constructor', '__proto__', 'hasOwnProperty']) {
      assert.equal(isCashierCurrencyAllowed(region, 'THB'), false, region);
      const issues = cashierApplyIssues({ region, currency: 'THB', amount: '100.00' });
      assert.deepEqual(
        issues.filter((i) => i.field === 'region').map((i) => i.code),
        ['not_allowed'],
        region,
      );
    }
  });
  test('THB payout codes contain both spellings of Land & Houses and the e-wallets', () => {
    assert.ok((THB_PAYOUT_BANK_CODES as readonly string[]).includes('LHB'));
    assert.ok((THB_PAYOUT_BANK_CODES as readonly string[]).includes('LHFG'));
    assert.ok((THB_PAYOUT_EWALLET_CODES as readonly string[]).includes('PROMPTPAY'));
    assert.ok(!(THB_PAYOUT_BANK_CODES as readonly string[]).includes('PROMPTPAY'));
  });
  test('issue codes are unique', () => {
    assert.equal(new Set(ISSUE_CODES).size, ISSUE_CODES.length);
  });
});

describe('safety rules: followable payment page addresses, sign-safe values', () => {
  test('isFollowableUrl: https: always, in any case', () => {
    for (const url of ['https://pay.haipay.example/3ds?o=1', 'HTTPS://PAY.EXAMPLE/x', 'hTTps://a.example']) {
      assert.equal(isFollowableUrl(url, false), true, url);
      assert.equal(isFollowableUrl(url, true), true, url);
    }
  });

  test('isFollowableUrl: http: only with allowHttp', () => {
    for (const url of ['http://localhost:4010/3ds', 'HTTP://example.test/pay']) {
      assert.equal(isFollowableUrl(url, false), false, url);
      assert.equal(isFollowableUrl(url, true), true, url);
    }
  });

  test('isFollowableUrl: script, data, relative, malformed and non-string addresses are refused', () => {
    const refused: unknown[] = [
      'javascript:window.__pwned=1',
      'JavaScript:alert(document.domain)',
      'JAVASCRIPT:alert(1)',
      ' javascript:alert(1)',
      'java\tscript:alert(1)',
      '\u0000javascript:alert(1)',
      'javascript://https://pay.example/%0aalert(1)',
      'data:text/html,<script>alert(1)</script>',
      'Data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==',
      'vbscript:msgbox(1)',
      'blob:https://shop.example/0b1f',
      'file:///etc/passwd',
      'ftp://pay.example/x',
      '/3ds/page',
      '3ds/page',
      '//evil.example/3ds',
      ' https://pay.example/x',
      'https:pay.example',
      'https:/pay.example',
      'https://',
      'http://',
      'https://exa mple.com',
      'https://[::1',
      '',
      undefined,
      null,
      42,
      { href: 'https://pay.example' },
      new URL('https://pay.example/x'),
    ];
    for (const url of refused) {
      assert.equal(isFollowableUrl(url, true), false, JSON.stringify(String(url)));
      assert.equal(isFollowableUrl(url, false), false, JSON.stringify(String(url)));
    }
  });

  test('isSignSafe: no &, =, or control character', () => {
    for (const value of ['somchai@example.com', 'Somchai Jaidee', 'ทดสอบ', '商品', 'a+b/c?d;e', '']) {
      assert.equal(isSignSafe(value), true, value);
    }
    for (const value of [
      'a&orderId=hp_x@example.com',
      'a&b',
      'a=b',
      'line\nbreak',
      'tab\there',
      'nul\u0000',
      'del\u007f',
    ]) {
      assert.equal(isSignSafe(value), false, JSON.stringify(value));
    }
  });
});
