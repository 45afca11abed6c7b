/**
 * The field rules HaiPay's seed documents decide, each enforced where the kit used to be looser or
 * stricter. Every test quotes the seed line it rests on (seed id + the line as HaiPay prints it), so
 * the rule can be checked against the source without opening it. Decisions where the seeds disagree:
 * docs/protocol.md §5 ("Names", "Cards", "Subscriptions").
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  CARD_BRANDS,
  NAME_MAX_LENGTH,
  SUBSCRIPTION_MAX_DURATION,
  detectCardBrand,
  gatewayErrorForIssues,
  validateCardNumber,
  validateCouponPeriod,
  validateName,
  validateRequest,
  validateSubscriptionDuration,
  type FieldIssue,
} from '@haipay-kit/protocol';

const NOW = new Date('2026-11-22T00:00:00Z');
const SIGN = 'c2lnbg==';
const pairs = (issues: FieldIssue[]) => issues.map((i) => `${i.field}:${i.code}`);
const code = (issue: { code: string } | null) => (issue === null ? null : issue.code);

/** Seed 001's PCI-direct card request on `/usd/collect/apply`, with the `notifyUrl` its table requires. */
const cardApply = {
  appId: 1054,
  orderId: '1752751125282',
  amount: '999.99',
  name: 'Master card',
  phone: '09123456789',
  email: 'zhangsan@gmail.com',
  customerIp: '142.250.191.174',
  payType: 'BANK_TRANSFER',
  inBankCode: 'CREDIT_CARD',
  clientType: 'WEB',
  accountNo: '4000056655665556',
  expiryMonth: '11',
  expiryYear: '2028',
  cvv: '234',
  referer: 'https://tn-cashier.haipay.top',
  callBackUrl: 'https://www.google.com',
  notifyUrl: 'https://www.google.com',
  userAgent: 'Mozilla/5.0',
  subject: 'iPhone 16 ProMax 256G',
  partnerUserId: '9527',
  sign: SIGN,
};

/** Seed 001's PCI subscription request, with the three fields seed 003 lists as required. */
const subscriptionApply = {
  appId: 1054,
  subscriptionOrderId: '1752752449648',
  amount: '999.99',
  name: 'Jon Smith',
  email: 'zhangsan@gmail.com',
  subject: 'iPhone 16 ProMax 256G',
  payType: 'SUBSCRIPTION',
  inBankCode: 'CREDIT_CARD',
  callBackUrl: 'https://www.google.com',
  notifyUrl: 'https://www.google.com',
  clientType: 'WEB',
  accountNo: '4000056655665556',
  expiryYear: '2028',
  expiryMonth: '11',
  cvv: '234',
  referer: 'https://tn-cashier.haipay.top',
  userAgent: 'Mozilla/5.0',
  customerIp: '142.250.191.174',
  partnerUserId: '9527',
  recurringInterval: 'M',
  recurringIntervalCount: 1,
  recurringMaxNumber: 12,
  website: 'https://shop.example',
  retryTimes: 3,
  sign: SIGN,
};

/** Seed 002's TWD fields with realistic values (the seed shows placeholders only). */
const twdApply = {
  appId: 2001,
  orderId: 'TW20260101000001',
  name: 'Lin Mei',
  phone: '0912345678',
  email: 'mei@example.tw',
  amount: '500',
  payType: 'BANK_TRANSFER',
  inBankCode: 'STORE_FAMI',
  callBackUrl: 'https://merchant.example/ok',
  callBackFailUrl: 'https://merchant.example/fail',
  subject: 'Order 42',
  partnerUserId: 'tw-42',
  sign: SIGN,
};

/** Seed 004's THB fields with realistic values. */
const thbApply = {
  appId: 1054,
  orderId: 'M20260101000001',
  name: 'Somchai Jaidee',
  phone: '0812345678',
  email: 'somchai@example.com',
  amount: '100.00',
  payType: 'QR',
  inBankCode: 'QR',
  callBackUrl: 'https://merchant.example/ok',
  callBackFailUrl: 'https://merchant.example/fail',
  subject: 'Top-up',
  partnerUserId: 'u-1001',
  sign: SIGN,
};

const card = (body: Record<string, unknown>) =>
  validateRequest('collectApply', 'USD', body, { now: NOW, requireSign: true });
const subscription = (body: Record<string, unknown>) =>
  validateRequest('subscriptionApply', null, body, { now: NOW, requireSign: true });

describe('seed 001 — the card API takes VISA and MasterCard only', () => {
  // 001: "BANK_TRANSFER | CREDIT_CARD | (0.99-1000) | Only supports USD orders, Credit Cards (VISA, MasterCard)"
  test('JCB 3530111333300000 is card_brand_unsupported, never charged', () => {
    assert.deepEqual(CARD_BRANDS, ['visa', 'mastercard']);
    assert.equal(code(validateCardNumber('3530111333300000')), 'card_brand_unsupported');
    assert.equal(code(validateCardNumber('3566002020360505')), 'card_brand_unsupported');
    assert.equal(detectCardBrand('3530111333300000'), null);
    assert.equal(detectCardBrand('353'), null);
    const issues = card({ ...cardApply, accountNo: '3530111333300000' });
    assert.deepEqual(pairs(issues), ['accountNo:card_brand_unsupported']);
    assert.deepEqual(gatewayErrorForIssues(issues), { error: '1002', msg: 'Illegal Param' });
  });
  test('VISA and MasterCard (both ranges) are accepted', () => {
    for (const pan of ['4242424242424242', '4000056655665556', '5555555555554444', '2223003122003222']) {
      assert.equal(validateCardNumber(pan), null, pan);
      assert.deepEqual(card({ ...cardApply, accountNo: pan }), [], pan);
    }
    assert.equal(detectCardBrand('4'), 'visa');
    assert.equal(detectCardBrand('51'), 'mastercard');
  });
  test('a JCB subscription is refused too', () => {
    assert.deepEqual(pairs(subscription({ ...subscriptionApply, accountNo: '3530111333300000' })), [
      'accountNo:card_brand_unsupported',
    ]);
  });
});

describe('seed 001 — notifyUrl is required on the PCI card API', () => {
  // 001 (Collection Application, /usd/collect/apply): "notifyUrl | Yes | String | Asynchronous notification URL"
  test('a card apply without notifyUrl is `required` (1001 param is null)', () => {
    const { notifyUrl: _n, ...noNotify } = cardApply;
    const issues = card(noNotify);
    assert.deepEqual(pairs(issues), ['notifyUrl:required']);
    assert.deepEqual(gatewayErrorForIssues(issues), { error: '1001', msg: 'param is null' });
    assert.deepEqual(pairs(card({ ...cardApply, notifyUrl: '' })), ['notifyUrl:required']);
    assert.deepEqual(card(cardApply), []);
  });
  test('THB and TWD keep notifyUrl optional', () => {
    // 002 and 004 list "notifyUrl string<uri> Callback URL" after the required fields, without "required".
    assert.deepEqual(validateRequest('collectApply', 'TWD', twdApply, { now: NOW }), []);
    assert.deepEqual(validateRequest('collectApply', 'THB', thbApply, { now: NOW }), []);
  });
});

describe('seed 003 — a subscription lasts at most 3 years', () => {
  // 003 (recurringMaxNumber): "Maximum number of cycles. Regardless of cycle type, maximum duration cannot exceed 3 years."
  const plan = (recurringInterval: string, recurringIntervalCount: number, recurringMaxNumber: number) =>
    pairs(
      subscription({ ...subscriptionApply, recurringInterval, recurringIntervalCount, recurringMaxNumber }),
    );
  test('the limits: 36 months, 3 years, 156 weeks, 1095 days', () => {
    assert.deepEqual(SUBSCRIPTION_MAX_DURATION, { D: 1095, W: 156, M: 36, Y: 3 });
  });
  test('monthly × 37 refused, monthly × 36 accepted', () => {
    assert.deepEqual(plan('M', 1, 37), ['recurringMaxNumber:not_allowed']);
    assert.deepEqual(plan('M', 1, 36), []);
  });
  test('yearly × 4 refused, yearly × 3 accepted', () => {
    assert.deepEqual(plan('Y', 1, 4), ['recurringMaxNumber:not_allowed']);
    assert.deepEqual(plan('Y', 1, 3), []);
  });
  test('weekly × 157 refused, weekly × 156 accepted', () => {
    assert.deepEqual(plan('W', 1, 157), ['recurringMaxNumber:not_allowed']);
    assert.deepEqual(plan('W', 1, 156), []);
  });
  test('daily × 1096 refused, daily × 1095 accepted', () => {
    assert.deepEqual(plan('D', 1, 1096), ['recurringMaxNumber:not_allowed']);
    assert.deepEqual(plan('D', 1, 1095), []);
  });
  test('the interval count multiplies: every 2 months × 19 and every 4 years × 1 refused', () => {
    assert.deepEqual(plan('M', 2, 19), ['recurringMaxNumber:not_allowed']);
    assert.deepEqual(plan('M', 2, 18), []);
    assert.deepEqual(plan('Y', 4, 1), ['recurringMaxNumber:not_allowed']);
    assert.deepEqual(plan('D', 7, 156), []); // weekly written as 7 days (Apple Pay has no W)
    assert.deepEqual(plan('D', 7, 157), ['recurringMaxNumber:not_allowed']);
  });
  test('the issue names the limit and is an Illegal Param', () => {
    const issue = validateSubscriptionDuration('M', 1, 37);
    assert.equal(issue?.code, 'not_allowed');
    assert.deepEqual(issue?.params, { max: 36, unit: 'M' });
    assert.equal(validateSubscriptionDuration('M', '3', '12'), null); // digit strings as sent
    const issues = subscription({ ...subscriptionApply, recurringMaxNumber: 37 });
    assert.deepEqual(gatewayErrorForIssues(issues), { error: '1002', msg: 'Illegal Param' });
  });
});

describe('seed 003 — couponPeriod is 1 or recurringMaxNumber', () => {
  // 003 (couponPeriod): "Discount Period (Currently only the first period discount and the full period
  // discount are supported, i.e., couponPeriod can only be equal to 1 or recurringMaxNumber)"
  const withCoupon = (couponPeriod: number | string, recurringMaxNumber = 12) =>
    pairs(
      subscription({ ...subscriptionApply, couponPeriod, couponAmountPerPeriod: '1.00', recurringMaxNumber }),
    );
  test('5 of 12 is refused', () => {
    assert.deepEqual(withCoupon(5), ['couponPeriod:not_allowed']);
    assert.deepEqual(withCoupon(13), ['couponPeriod:not_allowed']);
    assert.equal(code(validateCouponPeriod(5, 12)), 'not_allowed');
  });
  test('1 (first period) and 12 of 12 (every period) are accepted', () => {
    assert.deepEqual(withCoupon(1), []);
    assert.deepEqual(withCoupon(12), []);
    assert.deepEqual(withCoupon('12'), []);
    assert.deepEqual(withCoupon(36, 36), []);
  });
});

describe('seeds 001, 002, 003, 004 — a name is a first and a last name', () => {
  // 001 card: "name | Yes | String | Cardholder name, format: firstName and lastName separated by space, example: Donald John Trump"
  test('USD card: a single word is refused, two or three words accepted', () => {
    assert.deepEqual(pairs(card({ ...cardApply, name: 'Donald' })), ['name:invalid_name']);
    assert.deepEqual(card({ ...cardApply, name: 'Donald John Trump' }), []);
    assert.deepEqual(card({ ...cardApply, name: 'Master card' }), []); // seed 001's own example
    assert.equal(code(validateName('USD', 'Donald ')), 'invalid_name'); // a trailing space is no last name
  });
  // 001 subscription: "name | Yes | String | User’s name, recommended to use real name, format: include firstName and lastName separated by space, e.g., Donald John Trump"
  // 003: "User name, recommended to use real name. Format: includes firstName and lastName, separated by space. Example: Donald John Trump"
  test('subscription: seed 003 example name "howard" is refused, "Jon Smith" accepted', () => {
    const issues = subscription({ ...subscriptionApply, name: 'howard' });
    assert.deepEqual(pairs(issues), ['name:invalid_name']);
    assert.deepEqual(gatewayErrorForIssues(issues), { error: '1002', msg: 'Illegal Param' });
    assert.deepEqual(subscription(subscriptionApply), []);
  });
  // 002: "User’s full name. Recommended to use real name. Format: firstName and lastName separated by a space. Example: Donald John Trump"
  test('TWD: a single word is refused, also a Chinese name written without a space', () => {
    const twd = (name: string) => pairs(validateRequest('collectApply', 'TWD', { ...twdApply, name }));
    assert.deepEqual(twd('Mei'), ['name:invalid_name']);
    assert.deepEqual(twd('王小明'), ['name:invalid_name']);
    assert.deepEqual(twd('Lin Mei'), []);
    assert.deepEqual(twd('王 小明'), []);
  });
  // 004: "Payee name (format: English letters with spaces allowed, 1–30 characters, "firstName middleName
  // lastName" (middleName is optional, special characters allowed: !-))" — "Pattern: ^[A-Za-z\s!-]+$"
  test('THB: first and last name required, the middle name optional, 30 characters at most', () => {
    const thb = (name: string) => pairs(validateRequest('collectApply', 'THB', { ...thbApply, name }));
    assert.deepEqual(thb('Somchai'), ['name:invalid_name']);
    assert.deepEqual(thb('Somchai Jaidee'), []);
    assert.deepEqual(thb('Somchai Boon Jaidee'), []);
    assert.deepEqual(thb('Anne-Marie Jaidee!'), []);
    assert.deepEqual(thb(`${'A'.repeat(14)} ${'B'.repeat(15)}`), []);
    assert.deepEqual(thb(`${'A'.repeat(15)} ${'B'.repeat(15)}`), ['name:too_long']);
    assert.equal(NAME_MAX_LENGTH.THB, 30);
  });
  test('no seed gives TWD or USD a maximum: 50 is no limit; 100 code points is the safety cap', () => {
    const long = `${'Wolfeschlegel'.repeat(4)} ${'Steinhausen'.repeat(4)}`; // 97 code points
    assert.ok(long.length > 50 && long.length <= 100);
    assert.deepEqual(card({ ...cardApply, name: long }), []);
    assert.deepEqual(validateRequest('collectApply', 'TWD', { ...twdApply, name: long }), []);
    assert.equal(code(validateName('USD', `${long}abcd`)), 'too_long'); // 101
    assert.deepEqual(NAME_MAX_LENGTH, { THB: 30, TWD: 100, USD: 100, VND: 100 });
  });
  test('VND: no seed states the rule, so a single word stays accepted', () => {
    assert.equal(validateName('VND', 'An'), null);
  });
});

describe('seeds 001 and 003 — the subscription fields their tables require', () => {
  // 003 lists, before "Signature" and the optional fields: "Maximum number of cycles. … x >= 1",
  // "Transaction website", "Retry attempts for failed periodic deductions, default 3 x >= 0".
  // 001 (Subscription Application): "retryTimes | Yes | String | Number of retry attempts"
  for (const field of ['recurringMaxNumber', 'website', 'retryTimes'] as const) {
    test(`a subscription apply without ${field} is \`required\` (1001 param is null)`, () => {
      const { [field]: _dropped, ...body } = subscriptionApply;
      const issues = subscription(body);
      assert.deepEqual(pairs(issues), [`${field}:required`]);
      assert.deepEqual(gatewayErrorForIssues(issues), { error: '1001', msg: 'param is null' });
    });
  }
  test('retryTimes 0 is allowed (x >= 0); recurringMaxNumber 0 is not (x >= 1)', () => {
    assert.deepEqual(subscription({ ...subscriptionApply, retryTimes: 0 }), []);
    assert.deepEqual(pairs(subscription({ ...subscriptionApply, recurringMaxNumber: 0 })), [
      'recurringMaxNumber:invalid_format',
    ]);
  });
});
