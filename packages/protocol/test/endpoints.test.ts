import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import {
  ENDPOINTS,
  ENDPOINT_IDS,
  matchEndpointPath,
  validateRequest,
  gatewayErrorForIssues,
  parseJsonLossless,
  responseEnvelopeSchema,
  isSuccessEnvelope,
  collectApplyRequestSchemaFor,
  isHostedCardBody,
  thbCollectApplyRequestSchema,
  twdCollectApplyRequestSchema,
  vndCollectApplyRequestSchema,
  collectApplyResponseSchema,
  collectQueryRequestSchema,
  collectQueryResponseSchema,
  refundApplyRequestSchema,
  refundQueryRequestSchema,
  refundResponseSchema,
  payApplyRequestSchema,
  payQueryResponseSchema,
  accountLedgerResponseSchema,
  subscriptionApplyRequestSchema,
  subscriptionApplyResponseSchema,
  subscriptionQueryResponseSchema,
  subscriptionCancelResponseSchema,
  subscriptionNoRequestSchema,
  cashierApplyRequestSchema,
  cashierQueryRequestSchema,
  collectNotificationSchema,
  payoutNotificationSchema,
  subscriptionNotificationSchema,
  deductionNotificationSchema,
  subscriptionEventNotificationSchema,
  type FieldIssue,
} from '@haipay-kit/protocol';

const NOW = new Date('2026-11-22T00:00:00Z');
const SIGN = 'c2lnbg==';

/** `field:code` pairs, for compact assertions. */
const pairs = (issues: FieldIssue[]) => issues.map((i) => `${i.field}:${i.code}`);

// Reference §2.5 V3 — the documented THB collect request.
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
  notifyUrl: 'https://merchant.example/haipay/notify',
  subject: 'Top-up',
  partnerUserId: 'u-1001',
  body: '',
  sign: SIGN,
};

// Seed 001 — HaiPay's PCI-direct card example on /usd/collect/apply, plus the `notifyUrl` the seed's
// field table requires ("notifyUrl Yes String Asynchronous notification URL") and its example omits.
const usdCardApply = {
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
  userAgent:
    'Mozilla/5.0 (Linux; Android 10; PPA-LX2; HMSCore 6.15.0.311) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/114.0.5735.196 HuaweiBrowser/15.0.10.302 Mobile Safari/537.36',
  subject: 'iPhone 16 ProMax 256G',
  partnerUserId: '9527',
  sign: SIGN,
};

// Seed 002 fields with realistic values (the seed shows placeholders only).
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

const vndApply = {
  appId: 3001,
  orderId: 'VN1',
  name: 'Nguyễn Văn An',
  phone: '0912345678',
  email: 'an@example.vn',
  amount: '150000',
  payType: 'BANK_TRANSFER',
  inBankCode: 'BANK',
  callBackUrl: 'https://merchant.example/ok',
  callBackFailUrl: 'https://merchant.example/fail',
  subject: 'Order 7',
  partnerUserId: 'vn-7',
};

// Seed 001 — the PCI subscription example, plus `recurringMaxNumber`, `website` and `retryTimes`, which
// seed 003 lists as required (and seed 001 marks retryTimes "Yes") but the example omits.
const subscriptionPci = {
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
  recurringInterval: 'D',
  recurringIntervalCount: 2,
  recurringMaxNumber: 30,
  website: 'https://www.google.com',
  retryTimes: 3,
  sign: SIGN,
};

// Seed 003 — the hosted subscription example as HaiPay prints it: its amount "0.5" breaks HaiPay's own
// pattern, its name "howard" the "firstName and lastName" rule, and it omits three required fields.
const subscriptionHostedAsPrinted = {
  country: 'USA',
  referer: 'https://test.com',
  amount: '0.5',
  callBackUrl: 'https://www.google.com',
  inBankCode: 'CREDIT_CARD',
  subject: 'Test subscription',
  subscriptionOrderId: '1736739758574',
  recurringIntervalCount: 1,
  sign: SIGN,
  partnerUserId: 'H20241231',
  payType: 'SUBSCRIPTION',
  phone: '0845632145871',
  appId: 1724,
  name: 'howard',
  notifyUrl: 'https://www.google.com',
  currency: 'USD',
  email: 'howard@gmail.com',
  recurringInterval: 'D',
};
// The same example with a two-part name and the three required fields.
const subscriptionHosted = {
  ...subscriptionHostedAsPrinted,
  name: 'Howard Lee',
  recurringMaxNumber: 30,
  website: 'https://www.google.com',
  retryTimes: 3,
};

describe('ENDPOINTS registry', () => {
  test('has the twelve endpoints with the documented paths', () => {
    assert.deepEqual(ENDPOINT_IDS, [
      'collectApply',
      'collectQuery',
      'refundApply',
      'refundQuery',
      'payApply',
      'payQuery',
      'accountLedger',
      'subscriptionApply',
      'subscriptionQuery',
      'subscriptionCancel',
      'cashierApply',
      'cashierQuery',
    ]);
    assert.equal(ENDPOINTS.collectApply.path('THB'), '/thb/collect/apply');
    assert.equal(ENDPOINTS.collectQuery.path('twd'), '/twd/collect/query');
    assert.equal(ENDPOINTS.refundApply.path(), '/usd/refund/apply');
    assert.equal(ENDPOINTS.refundQuery.path('USD'), '/usd/refund/refundQuery');
    assert.equal(ENDPOINTS.payApply.path('THB'), '/thb/pay/apply');
    assert.equal(ENDPOINTS.accountLedger.path('VND'), '/vnd/account/ledger');
    assert.equal(ENDPOINTS.subscriptionApply.path(), '/subscription/apply');
    assert.equal(ENDPOINTS.subscriptionCancel.path(), '/subscription/cancel');
    assert.equal(ENDPOINTS.cashierApply.path(), '/global/cashier/collect/apply');
    assert.equal(ENDPOINTS.cashierQuery.path(), '/global/cashier/collect/query');
  });
  test('path() refuses a missing or unserved currency', () => {
    assert.throws(() => ENDPOINTS.collectApply.path(), TypeError);
    assert.throws(() => ENDPOINTS.refundApply.path('THB'), TypeError);
    assert.throws(() => ENDPOINTS.payApply.path('TWD'), TypeError);
    assert.throws(() => ENDPOINTS.payApply.path(), TypeError, 'several payout currencies: name one');
  });
  test('refunds are USD only; payouts THB, USD and VND (none in TWD)', () => {
    assert.deepEqual(ENDPOINTS.refundApply.currencies, ['USD']);
    assert.deepEqual(ENDPOINTS.refundQuery.currencies, ['USD']);
    assert.deepEqual(ENDPOINTS.payApply.currencies, ['THB', 'USD', 'VND']);
    assert.deepEqual(ENDPOINTS.payQuery.currencies, ['THB', 'USD', 'VND']);
    assert.equal(ENDPOINTS.payApply.path('usd'), '/usd/pay/apply');
    assert.equal(ENDPOINTS.payQuery.path('VND'), '/vnd/pay/query');
    assert.deepEqual(matchEndpointPath('/vnd/pay/apply'), { id: 'payApply', currency: 'VND' });
    assert.equal(matchEndpointPath('/thb/refund/apply'), undefined);
  });
  test('matchEndpointPath finds endpoint and currency', () => {
    assert.deepEqual(matchEndpointPath('/thb/collect/apply'), { id: 'collectApply', currency: 'THB' });
    assert.deepEqual(matchEndpointPath('/USD/refund/refundQuery?x=1'), {
      id: 'refundQuery',
      currency: 'USD',
    });
    assert.deepEqual(matchEndpointPath('/subscription/query/'), { id: 'subscriptionQuery', currency: null });
    assert.equal(matchEndpointPath('/php/collect/apply'), undefined);
    assert.equal(matchEndpointPath('/twd/pay/apply'), undefined);
  });
});

describe('collect apply', () => {
  test('accepts the documented THB example (reference V3)', () => {
    assert.deepEqual(validateRequest('collectApply', 'THB', thbApply, { now: NOW }), []);
    const { body: _empty, ...withoutEmptyBody } = thbApply;
    assert.equal(thbCollectApplyRequestSchema.safeParse(withoutEmptyBody).success, true);
  });
  test('THB traps: "300" amount, a name with digits, a phone without 0', () => {
    assert.deepEqual(pairs(validateRequest('collectApply', 'THB', { ...thbApply, amount: '300' })), [
      'amount:invalid_amount',
    ]);
    assert.deepEqual(pairs(validateRequest('collectApply', 'THB', { ...thbApply, name: 'Somchai 2' })), [
      'name:invalid_name',
    ]);
    assert.deepEqual(pairs(validateRequest('collectApply', 'THB', { ...thbApply, phone: '812345678' })), [
      'phone:invalid_phone',
    ]);
    assert.equal(
      thbCollectApplyRequestSchema.safeParse({ ...thbApply, body: undefined, amount: '300' }).success,
      false,
    );
  });
  test('THB method limits and the sandbox bank extension', () => {
    assert.deepEqual(pairs(validateRequest('collectApply', 'THB', { ...thbApply, amount: '8000.01' })), [
      'amount:amount_above_max',
    ]);
    assert.deepEqual(
      validateRequest('collectApply', 'THB', { ...thbApply, payType: 'VA', inBankCode: 'THB_VA' }),
      [],
    );
    assert.deepEqual(
      pairs(
        validateRequest('collectApply', 'THB', { ...thbApply, payType: 'BANK_TRANSFER', inBankCode: 'QR' }),
      ),
      ['inBankCode:not_allowed'],
    );
    assert.deepEqual(pairs(validateRequest('collectApply', 'THB', { ...thbApply, currency: 'USD' })), [
      'currency:not_allowed',
    ]);
  });
  test('missing, null or empty required fields are "required" and map to 1001', () => {
    const { subject: _s, ...noSubject } = thbApply;
    const issues = validateRequest('collectApply', 'THB', { ...noSubject, email: '', partnerUserId: null });
    assert.deepEqual(pairs(issues).sort(), ['email:required', 'partnerUserId:required', 'subject:required']);
    assert.deepEqual(gatewayErrorForIssues(issues), { error: '1001', msg: 'param is null' });
  });
  test('other violations map to 1002', () => {
    const issues = validateRequest('collectApply', 'THB', { ...thbApply, orderId: 'x'.repeat(49) });
    assert.deepEqual(pairs(issues), ['orderId:too_long']);
    assert.deepEqual(gatewayErrorForIssues(issues), { error: '1002', msg: 'Illegal Param' });
    assert.equal(gatewayErrorForIssues([]), null);
  });
  test('appId must be a JSON integer and amount a string', () => {
    assert.deepEqual(pairs(validateRequest('collectApply', 'THB', { ...thbApply, appId: '1054' })), [
      'appId:invalid_format',
    ]);
    assert.deepEqual(pairs(validateRequest('collectApply', 'THB', { ...thbApply, amount: 100 })), [
      'amount:invalid_format',
    ]);
  });
  test('lossless bodies are accepted (appId as a LosslessNumber)', () => {
    const body = parseJsonLossless(JSON.stringify(thbApply));
    assert.deepEqual(validateRequest('collectApply', 'THB', body), []);
  });
  test('TWD: integer amounts, per-method limits, cashier country "158", USD amounts allowed', () => {
    assert.deepEqual(validateRequest('collectApply', 'TWD', twdApply), []);
    assert.equal(twdCollectApplyRequestSchema.safeParse(twdApply).success, true);
    assert.deepEqual(pairs(validateRequest('collectApply', 'TWD', { ...twdApply, amount: '500.00' })), [
      'amount:invalid_amount',
    ]);
    assert.equal(twdCollectApplyRequestSchema.safeParse({ ...twdApply, amount: '500.00' }).success, false);
    assert.deepEqual(pairs(validateRequest('collectApply', 'TWD', { ...twdApply, amount: '99' })), [
      'amount:amount_below_min',
    ]);
    assert.deepEqual(
      pairs(validateRequest('collectApply', 'TWD', { ...twdApply, inBankCode: 'ATM', amount: '999' })),
      ['amount:amount_below_min'],
    );
    assert.deepEqual(validateRequest('collectApply', 'TWD', { ...twdApply, country: '158' }), []);
    assert.deepEqual(pairs(validateRequest('collectApply', 'TWD', { ...twdApply, country: '156' })), [
      'country:not_allowed',
    ]);
    assert.deepEqual(
      validateRequest('collectApply', 'TWD', { ...twdApply, currency: 'USD', amount: '15.00' }),
      [],
    );
    assert.deepEqual(pairs(validateRequest('collectApply', 'TWD', { ...twdApply, phone: '0812345678' })), [
      'phone:invalid_phone',
    ]);
  });
  test('USD card: accepts the documented PCI example, rejects 0.98, bad card, past expiry, missing cvv', () => {
    assert.deepEqual(validateRequest('collectApply', 'USD', usdCardApply, { now: NOW }), []);
    assert.deepEqual(
      pairs(validateRequest('collectApply', 'USD', { ...usdCardApply, amount: '0.98' }, { now: NOW })),
      ['amount:amount_below_min'],
    );
    assert.deepEqual(
      pairs(
        validateRequest(
          'collectApply',
          'USD',
          { ...usdCardApply, accountNo: '4000056655665557' },
          { now: NOW },
        ),
      ),
      ['accountNo:card_number_invalid'],
    );
    assert.deepEqual(
      pairs(
        validateRequest(
          'collectApply',
          'USD',
          { ...usdCardApply, expiryYear: '2026', expiryMonth: '10' },
          { now: NOW },
        ),
      ),
      ['expiryMonth:card_expired'],
    );
    const { cvv: _c, ...noCvv } = usdCardApply;
    assert.deepEqual(pairs(validateRequest('collectApply', 'USD', noCvv, { now: NOW })), ['cvv:required']);
    assert.deepEqual(
      pairs(validateRequest('collectApply', 'USD', { ...usdCardApply, clientType: 'TV' }, { now: NOW })),
      ['clientType:not_allowed'],
    );
    assert.equal(
      collectApplyRequestSchemaFor('USD', 'CREDIT_CARD').safeParse({ ...usdCardApply, cvv: '99' }).success,
      false,
    );
  });
  test('USD card, hosted (non-PCI) mode: no card data, callBackFailUrl required, no PCI fields asked', () => {
    // Reference §6 style 1: the body of §3.1 on the same URL; HaiPay answers with its card page.
    const {
      accountNo: _a,
      expiryMonth: _m,
      expiryYear: _y,
      cvv: _c,
      clientType: _t,
      referer: _r,
      userAgent: _u,
      customerIp: _i,
      notifyUrl: _n,
      phone: _p,
      ...rest
    } = usdCardApply;
    const hosted = { ...rest, callBackFailUrl: 'https://shop.example/fail', clientIp: '142.250.191.174' };
    assert.equal(isHostedCardBody(hosted), true);
    assert.deepEqual(pairs(validateRequest('collectApply', 'USD', hosted, { now: NOW })), []);
    assert.equal(collectApplyRequestSchemaFor('USD', 'CREDIT_CARD', hosted).safeParse(hosted).success, true);
    // Without a body the card schema is PCI direct, which the hosted body does not satisfy.
    assert.equal(collectApplyRequestSchemaFor('USD', 'CREDIT_CARD').safeParse(hosted).success, false);
    const { callBackFailUrl: _f, ...noFail } = hosted;
    assert.deepEqual(pairs(validateRequest('collectApply', 'USD', noFail, { now: NOW })), [
      'callBackFailUrl:required',
    ]);
    assert.deepEqual(
      pairs(validateRequest('collectApply', 'USD', { ...hosted, clientIp: 'not an ip' }, { now: NOW })),
      ['clientIp:invalid_format'],
    );
    // Limits hold in both modes.
    assert.deepEqual(
      pairs(validateRequest('collectApply', 'USD', { ...hosted, amount: '1000.01' }, { now: NOW })),
      ['amount:amount_above_max'],
    );
    // Card data is all or nothing: a card number alone is PCI direct with the rest missing.
    assert.equal(isHostedCardBody({ ...hosted, accountNo: '4242424242424242' }), false);
    assert.deepEqual(
      pairs(
        validateRequest('collectApply', 'USD', { ...hosted, accountNo: '4242424242424242' }, { now: NOW }),
      )
        .filter((p) => p.endsWith(':required'))
        .sort(),
      [
        'clientType:required',
        'customerIp:required',
        'cvv:required',
        'expiryMonth:required',
        'expiryYear:required',
        'notifyUrl:required',
        'referer:required',
        'userAgent:required',
      ],
    );
    // Empty strings and nulls count as missing (they are left out of the string to sign).
    assert.equal(isHostedCardBody({ ...hosted, accountNo: '', cvv: null }), true);
  });
  test('USD-settled Thai and Taiwanese methods use their own limits and need callBackFailUrl', () => {
    const thQr = {
      ...twdApply,
      name: 'Somchai Jaidee',
      phone: '0812345678',
      payType: 'QR',
      inBankCode: 'TH_QR_USD',
      amount: '220.00',
    };
    assert.deepEqual(validateRequest('collectApply', 'USD', thQr), []);
    assert.deepEqual(pairs(validateRequest('collectApply', 'USD', { ...thQr, amount: '220.01' })), [
      'amount:amount_above_max',
    ]);
    const { callBackFailUrl: _f, ...noFail } = thQr;
    assert.deepEqual(pairs(validateRequest('collectApply', 'USD', noFail)), ['callBackFailUrl:required']);
    const atm = { ...thQr, payType: 'BANK_TRANSFER', inBankCode: 'ATM_USD', amount: '32.98' };
    assert.deepEqual(pairs(validateRequest('collectApply', 'USD', atm)), ['amount:amount_below_min']);
    // a THB method code on the USD path does not exist
    assert.deepEqual(pairs(validateRequest('collectApply', 'USD', { ...thQr, inBankCode: 'QR' })), [
      'inBankCode:not_allowed',
    ]);
  });
  test('VND: multiples of 100 within 100000–10000000', () => {
    assert.deepEqual(validateRequest('collectApply', 'VND', vndApply), []);
    assert.equal(vndCollectApplyRequestSchema.safeParse(vndApply).success, true);
    assert.deepEqual(pairs(validateRequest('collectApply', 'VND', { ...vndApply, amount: '150050' })), [
      'amount:invalid_amount',
    ]);
    assert.deepEqual(
      validateRequest('collectApply', 'VND', { ...vndApply, payType: 'EWALLET', inBankCode: 'MOMO_VND' }),
      [],
    );
  });
  test('unknown path currency and non-object bodies', () => {
    assert.deepEqual(pairs(validateRequest('collectApply', undefined, thbApply)), ['(path):not_allowed']);
    assert.deepEqual(pairs(validateRequest('refundApply', 'THB', {})), ['(path):not_allowed']);
    assert.deepEqual(pairs(validateRequest('collectApply', 'THB', [thbApply])), ['(body):invalid_format']);
  });
  test('requireSign demands a sign', () => {
    const { sign: _s, ...unsigned } = thbApply;
    assert.deepEqual(validateRequest('collectApply', 'THB', unsigned), []);
    assert.deepEqual(pairs(validateRequest('collectApply', 'THB', unsigned, { requireSign: true })), [
      'sign:required',
    ]);
  });
  test('response data: THB QR with extra fields, TWD payUrl only, card with empty payUrl', () => {
    const thb = collectApplyResponseSchema.parse({
      orderId: 'M1',
      orderNo: '6026010112000001',
      payUrl: '',
      qrCode: '00020101021230…6304ABCD',
      bankNo: null,
      newField: 'kept',
      sign: SIGN,
    });
    assert.equal(thb.qrCode, '00020101021230…6304ABCD');
    assert.equal(thb.newField, 'kept');
    assert.equal(
      collectApplyResponseSchema.safeParse({
        orderId: 'M233323000059',
        orderNo: '6023071013539074',
        payUrl: '',
        sign: SIGN,
      }).success,
      true,
    );
    assert.equal(collectApplyResponseSchema.safeParse({ orderId: 'M1', payUrl: 'https://x' }).success, false);
  });
});

describe('collect query', () => {
  test('request: seed example accepted, missing orderId rejected', () => {
    const req = { appId: 1054, orderId: 'M22222000028', sign: SIGN };
    assert.equal(collectQueryRequestSchema.safeParse(req).success, true);
    assert.deepEqual(validateRequest('collectQuery', 'USD', req), []);
    assert.deepEqual(pairs(validateRequest('collectQuery', 'USD', { appId: 1054 })), ['orderId:required']);
  });
  test('response: seed data parsed from raw JSON, status as integer', () => {
    const raw =
      '{"status":"1","error":"00000000","msg":"","data":{"orderId":"M22222000028","orderNo":"6023042811314347","amount":"50.00","actualAmount":"0.00","fee":"0.00","status":1,"sign":"x"}}';
    const env = responseEnvelopeSchema.parse(JSON.parse(raw));
    assert.equal(isSuccessEnvelope(env), true);
    const data = collectQueryResponseSchema.parse(env.data);
    assert.equal(data.status, 1);
    assert.equal(data.amount, '50.00');
    const lossless = collectQueryResponseSchema.parse((parseJsonLossless(raw) as { data: unknown }).data);
    assert.equal(lossless.status, 1);
    assert.equal(
      collectQueryResponseSchema.safeParse({ orderId: 'a', orderNo: 'b', amount: '1.00' }).success,
      false,
    );
    assert.equal(
      collectQueryResponseSchema.safeParse({ orderId: 'a', orderNo: 'b', amount: '1.00', status: 'paid' })
        .success,
      false,
    );
  });
  test('error envelope without data', () => {
    const env = responseEnvelopeSchema.parse({
      status: '0',
      error: '4002',
      msg: 'system:channel code does not exist',
    });
    assert.equal(isSuccessEnvelope(env), false);
    assert.equal(env.data, undefined);
  });
});

describe('refund', () => {
  test('apply needs a new orderId and the original orderNo', () => {
    const req = { appId: 1054, orderId: 'R-1', orderNo: '6023071013539074', sign: SIGN };
    assert.equal(refundApplyRequestSchema.safeParse(req).success, true);
    assert.deepEqual(pairs(validateRequest('refundApply', 'USD', { appId: 1054, orderId: 'R-1' })), [
      'orderNo:required',
    ]);
  });
  test('query needs refundNo or orderId', () => {
    assert.equal(refundQueryRequestSchema.safeParse({ appId: 1054, refundNo: 'RF1' }).success, true);
    assert.equal(refundQueryRequestSchema.safeParse({ appId: 1054, orderId: 'R-1' }).success, true);
    assert.equal(refundQueryRequestSchema.safeParse({ appId: 1054 }).success, false);
    assert.deepEqual(pairs(validateRequest('refundQuery', 'USD', { appId: 1054 })), ['refundNo:required']);
  });
  test('response status is read as a string', () => {
    const data = refundResponseSchema.parse({
      appId: 1054,
      orderId: 'R-1',
      orderNo: '60',
      refundNo: 'RF1',
      status: 0,
    });
    assert.equal(data.status, '0');
    assert.equal(refundResponseSchema.safeParse({ orderId: 'R-1' }).success, false);
  });
});

describe('payout and ledger', () => {
  const payout = {
    appId: 1054,
    orderId: 'P1',
    amount: '100.00',
    accountType: 'BANK_ACCOUNT',
    bankCode: 'LHFG',
    accountNo: '1234567890',
    name: "Mr. O'Brien",
    phone: '0812345678',
    email: 'p@example.com',
    partnerUserId: 'u-1',
  };
  test('THB pay apply accepts bank and e-wallet codes (LHB and LHFG both)', () => {
    assert.equal(payApplyRequestSchema.safeParse(payout).success, true);
    assert.deepEqual(validateRequest('payApply', 'THB', { ...payout, bankCode: 'LHB' }), []);
    assert.deepEqual(
      validateRequest('payApply', 'THB', { ...payout, accountType: 'EWALLET', bankCode: 'PROMPTPAY' }),
      [],
    );
  });
  test('THB pay apply rejects a wallet code as a bank, a bad amount, an unknown account type', () => {
    assert.deepEqual(pairs(validateRequest('payApply', 'THB', { ...payout, bankCode: 'PROMPTPAY' })), [
      'bankCode:not_allowed',
    ]);
    assert.deepEqual(pairs(validateRequest('payApply', 'THB', { ...payout, amount: '8000.01' })), [
      'amount:amount_above_max',
    ]);
    assert.deepEqual(pairs(validateRequest('payApply', 'THB', { ...payout, accountType: 'BANK_CARD' })), [
      'accountType:not_allowed',
    ]);
    assert.equal(payApplyRequestSchema.safeParse({ ...payout, amount: '100' }).success, false);
  });
  test('VND pay apply: bank accounts only, 50000–10000000 whole dong (reference §3.6)', () => {
    const vnd = {
      ...payout,
      amount: '50000',
      bankCode: 'VCB',
      name: 'Nguyễn Văn An',
      phone: '0912345678',
    };
    assert.deepEqual(validateRequest('payApply', 'VND', vnd), []);
    assert.deepEqual(pairs(validateRequest('payApply', 'VND', { ...vnd, amount: '49900' })), [
      'amount:amount_below_min',
    ]);
    assert.deepEqual(pairs(validateRequest('payApply', 'VND', { ...vnd, amount: '50000.00' })), [
      'amount:invalid_amount',
    ]);
    assert.deepEqual(pairs(validateRequest('payApply', 'VND', { ...vnd, accountType: 'EWALLET' })), [
      'accountType:not_allowed',
    ]);
  });
  test('USD pay apply: ACH needs the recipient fields, ECASHAPP a body, PayPal neither', () => {
    const paypal = {
      ...payout,
      amount: '300.00',
      accountType: 'EWALLET',
      bankCode: 'PayPal',
      accountNo: 'jon@example.com',
      name: 'Jon Smith',
      phone: '09230219312',
    };
    assert.deepEqual(validateRequest('payApply', 'USD', paypal), []);
    assert.deepEqual(pairs(validateRequest('payApply', 'USD', { ...paypal, amount: '800.01' })), [
      'amount:amount_above_max',
    ]);
    assert.deepEqual(pairs(validateRequest('payApply', 'USD', { ...paypal, amount: '300' })), [
      'amount:invalid_amount',
    ]);
    assert.deepEqual(pairs(validateRequest('payApply', 'USD', { ...paypal, bankCode: 'ECASHAPP' })), [
      'body:required',
    ]);
    const ach = { ...paypal, accountType: 'BANK_ACCOUNT', bankCode: 'ACH', accountNo: '000123456789' };
    const issues = validateRequest('payApply', 'USD', { ...ach, identifyType: '110000000' });
    assert.deepEqual(pairs(issues), [
      'country:required',
      'address1:required',
      'address2:required',
      'address3:required',
      'postalCode:required',
      'bankName:required',
      'swiftCode:required',
    ]);
    assert.deepEqual(gatewayErrorForIssues(issues), { error: '1001', msg: 'param is null' });
    const complete = {
      ...ach,
      identifyType: '110000000',
      country: 'US',
      address1: '1 Main St',
      address2: 'Springfield',
      address3: 'IL',
      postalCode: '62701',
      bankName: 'Test Bank',
      swiftCode: 'TESTUS33',
    };
    assert.deepEqual(validateRequest('payApply', 'USD', complete), []);
  });
  test('payouts and refunds in a currency without the product: one (path) issue', () => {
    assert.deepEqual(pairs(validateRequest('payApply', 'TWD', payout)), ['(path):not_allowed']);
    assert.deepEqual(pairs(validateRequest('payQuery', 'TWD', { appId: 1, orderId: 'P1' })), [
      '(path):not_allowed',
    ]);
    assert.deepEqual(pairs(validateRequest('refundQuery', 'VND', { appId: 1, refundNo: 'R' })), [
      '(path):not_allowed',
    ]);
  });
  test('pay query response and ledger response', () => {
    const q = payQueryResponseSchema.parse({
      orderId: 'P1',
      orderNo: '1',
      amount: '100000.00',
      fee: '1003.00',
      status: 2,
      payTime: '2024-03-01 23:59:59',
    });
    assert.equal(q.status, 2);
    assert.equal(payQueryResponseSchema.safeParse({ orderId: 'P1', orderNo: '1', status: 3 }).success, false);
    const l = accountLedgerResponseSchema.parse({
      bal: '10.00',
      availableBal: 8,
      frzBal: '2.00',
      unSettleBal: '0.00',
    });
    assert.equal(l.availableBal, '8');
    assert.equal(accountLedgerResponseSchema.safeParse({ bal: '10.00' }).success, false);
    assert.deepEqual(validateRequest('accountLedger', 'USD', { appId: 1054, sign: SIGN }), []);
    assert.deepEqual(pairs(validateRequest('accountLedger', 'USD', {})), ['appId:required']);
  });
});

describe('subscription', () => {
  test('accepts the documented PCI example', () => {
    assert.deepEqual(validateRequest('subscriptionApply', null, subscriptionPci, { now: NOW }), []);
  });
  test('the hosted example is rejected for its amount "0.5" (pattern and 0.99 minimum); "1.00" is accepted', () => {
    assert.deepEqual(pairs(validateRequest('subscriptionApply', null, subscriptionHostedAsPrinted)), [
      'name:invalid_name',
      'recurringMaxNumber:required',
      'retryTimes:required',
      'website:required',
      'amount:invalid_amount',
    ]);
    assert.deepEqual(pairs(validateRequest('subscriptionApply', null, subscriptionHosted)), [
      'amount:invalid_amount',
    ]);
    assert.deepEqual(
      pairs(validateRequest('subscriptionApply', null, { ...subscriptionHosted, amount: '0.50' })),
      ['amount:amount_below_min'],
    );
    assert.deepEqual(
      validateRequest('subscriptionApply', null, { ...subscriptionHosted, amount: '1.00' }),
      [],
    );
    assert.equal(
      subscriptionApplyRequestSchema.safeParse({ ...subscriptionHosted, amount: '1.00' }).success,
      true,
    );
    assert.equal(subscriptionApplyRequestSchema.safeParse(subscriptionHosted).success, false);
  });
  test('card data is all-or-nothing; interval and method are checked', () => {
    const { cvv: _c, ...noCvv } = subscriptionPci;
    assert.deepEqual(pairs(validateRequest('subscriptionApply', null, noCvv, { now: NOW })), [
      'cvv:required',
    ]);
    assert.deepEqual(
      pairs(
        validateRequest(
          'subscriptionApply',
          null,
          { ...subscriptionPci, recurringInterval: 'Q' },
          { now: NOW },
        ),
      ),
      ['recurringInterval:not_allowed'],
    );
    assert.deepEqual(
      pairs(
        validateRequest(
          'subscriptionApply',
          null,
          { ...subscriptionPci, recurringIntervalCount: 0 },
          { now: NOW },
        ),
      ),
      ['recurringIntervalCount:invalid_format'],
    );
    assert.deepEqual(
      pairs(
        validateRequest('subscriptionApply', null, {
          ...subscriptionHosted,
          amount: '1.00',
          paymentMethods: 'CREDIT_CARD',
        }),
      ),
      ['paymentMethods:not_allowed'],
    );
    assert.deepEqual(
      validateRequest('subscriptionApply', null, {
        ...subscriptionHosted,
        amount: '1.00',
        inBankCode: undefined,
        paymentMethods: 'CREDIT_CARD,APPLE_PAY',
      }),
      [],
    );
    assert.deepEqual(
      pairs(validateRequest('subscriptionApply', null, { ...subscriptionHosted, amount: '1000.01' })),
      ['amount:amount_above_max'],
    );
  });
  test('responses: number amounts keep their source text through the lossless parser', () => {
    const raw =
      '{"subscriptionOrderId":"1736739758574","subscriptionNo":"4025011311423010028","appId":1724,"subject":"Test subscription","payType":"SUBSCRIPTION","inBankCode":"CREDIT_CARD","amount":0.50000000,"recurringInterval":"D","recurringIntervalCount":1,"status":"2","sign":"x"}';
    const q = subscriptionQueryResponseSchema.parse(parseJsonLossless(raw));
    assert.equal(q.amount, '0.50000000');
    assert.equal(q.status, '2');
    const a = subscriptionApplyResponseSchema.parse(JSON.parse(raw.replace('0.50000000', '0.5')));
    assert.equal(a.amount, '0.5');
    const c = subscriptionCancelResponseSchema.parse({
      appId: 1724,
      subscriptionNo: '4025011311423010028',
      status: '4',
      payType: 'SUBSCRIPTION',
      inBankCode: 'CREDIT_CARD',
      sign: 'x',
    });
    assert.equal(c.status, '4');
    assert.equal(subscriptionCancelResponseSchema.safeParse({ status: '4' }).success, false);
  });
  test('query/cancel requests need subscriptionNo', () => {
    const req = { appId: 1724, subscriptionNo: '4025011311423010028', sign: SIGN };
    assert.equal(subscriptionNoRequestSchema.safeParse(req).success, true);
    assert.deepEqual(validateRequest('subscriptionCancel', null, req), []);
    assert.deepEqual(pairs(validateRequest('subscriptionQuery', null, { appId: 1724 })), [
      'subscriptionNo:required',
    ]);
  });
});

describe('global cashier', () => {
  const cashier = {
    appId: 9001,
    orderId: 'C1',
    name: 'Jon Smith',
    email: 'jon@example.com',
    amount: '10.00',
    currency: 'USD',
    region: 'TH',
    callBackUrl: 'https://merchant.example/ok',
    callBackFailUrl: 'https://merchant.example/fail',
    subject: 'Order 1',
    partnerUserId: 'u-1',
  };
  test('accepts region/currency pairs of the table', () => {
    assert.equal(cashierApplyRequestSchema.safeParse(cashier).success, true);
    assert.deepEqual(
      validateRequest('cashierApply', null, { ...cashier, region: 'TW', currency: 'TWD', amount: '500.00' }),
      [],
    );
  });
  test('rejects a currency outside the region, an unknown region, USD below 0.99, integer amounts', () => {
    assert.deepEqual(pairs(validateRequest('cashierApply', null, { ...cashier, currency: 'TWD' })), [
      'currency:not_allowed',
    ]);
    assert.deepEqual(pairs(validateRequest('cashierApply', null, { ...cashier, region: 'VN' })), [
      'region:not_allowed',
    ]);
    assert.deepEqual(pairs(validateRequest('cashierApply', null, { ...cashier, amount: '0.98' })), [
      'amount:amount_below_min',
    ]);
    assert.deepEqual(pairs(validateRequest('cashierApply', null, { ...cashier, amount: '10' })), [
      'amount:invalid_amount',
    ]);
  });
  test('query needs both orderId and orderNo', () => {
    assert.equal(
      cashierQueryRequestSchema.safeParse({ appId: 9001, orderId: 'C1', orderNo: '1' }).success,
      true,
    );
    assert.deepEqual(pairs(validateRequest('cashierQuery', null, { appId: 9001, orderId: 'C1' })), [
      'orderNo:required',
    ]);
  });
});

describe('notifications', () => {
  // Reference §2.5 V4, plus a field HaiPay might add later.
  const v4 = {
    appId: 1054,
    currency: 'THB',
    orderId: 'M20260101000001',
    orderNo: '6026010112000001',
    amount: '100.00',
    fee: '1.50',
    status: 2,
    payTime: '2026-01-01 12:00:05',
    inBankCode: 'QR',
    errorMsg: null,
    somethingNew: 'x',
    sign: SIGN,
  };
  test('collection: accepts V4 with null and unknown fields; rejects non-final status and missing sign', () => {
    const n = collectNotificationSchema.parse(v4);
    assert.equal(n.status, 2);
    assert.equal(n.somethingNew, 'x');
    assert.equal(collectNotificationSchema.safeParse({ ...v4, status: 1 }).success, false);
    const { sign: _s, ...unsigned } = v4;
    assert.equal(collectNotificationSchema.safeParse(unsigned).success, false);
    assert.equal(
      collectNotificationSchema.safeParse(
        parseJsonLossless(JSON.stringify({ ...v4, status: 3, errorMsg: 'declined' })),
      ).success,
      true,
    );
  });
  test('payout: status 2/3 only', () => {
    const p = {
      appId: 1054,
      currency: 'THB',
      orderId: 'P1',
      orderNo: '1',
      amount: '100.00',
      fee: '1.00',
      status: 3,
      errorMsg: 'x',
      sign: SIGN,
    };
    assert.equal(payoutNotificationSchema.safeParse(p).success, true);
    assert.equal(payoutNotificationSchema.safeParse({ ...p, status: 4 }).success, false);
  });
  test('subscription status and deduction, told apart by type', () => {
    const sub = {
      type: 'SUBSCRIPTION',
      appId: 1724,
      currency: 'USD',
      subscriptionOrderId: '1736739758574',
      subscriptionNo: '4025011311423010028',
      status: '2',
      recurringInterval: 'D',
      recurringIntervalCount: '1',
      subject: 'Test subscription',
      sign: SIGN,
    };
    const deduct = {
      type: 'SUBSCRIPTIONS_DEDUCT',
      appId: 1724,
      currency: 'USD',
      subscriptionOrderId: '1736739758574',
      subscriptionNo: '4025011311423010028',
      deductNo: 'D1',
      orderNo: '6026',
      amount: '0.50',
      status: 2,
      startTime: '2026-01-01 00:00:00',
      endTime: '2026-01-02 00:00:00',
      sign: SIGN,
    };
    assert.equal(subscriptionNotificationSchema.safeParse(sub).success, true);
    assert.equal(subscriptionNotificationSchema.safeParse({ ...sub, status: '9' }).success, false);
    assert.equal(
      subscriptionNotificationSchema.safeParse({ ...sub, type: 'SUBSCRIPTIONS_DEDUCT' }).success,
      false,
    );
    assert.equal(deductionNotificationSchema.safeParse(deduct).success, true);
    assert.equal(deductionNotificationSchema.safeParse({ ...deduct, status: 4 }).success, false);
    assert.equal(subscriptionEventNotificationSchema.parse(deduct).type, 'SUBSCRIPTIONS_DEDUCT');
    assert.equal(subscriptionEventNotificationSchema.parse(sub).type, 'SUBSCRIPTION');
  });
});
