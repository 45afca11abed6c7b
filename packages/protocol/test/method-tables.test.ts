// The payment-method tables as a merchant relies on them: which method HaiPay takes in which path
// currency, the amounts each accepts, what the shopper gets back, and the payout and cashier tables.
// rules.test.ts checks the rules that read these tables; this file checks the tables themselves against
// docs/protocol.md ("Amounts", "Payment methods (`COLLECT_METHODS`)", "Other endpoints"), entry by entry,
// so a changed limit or a method moved to another currency is a failing line, not a silent refusal (or
// acceptance) of a shopper's order.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import {
  CASHIER_REGIONS,
  COLLECT_METHODS,
  CURRENCIES,
  CURRENCY_AMOUNT_LIMITS,
  PAYMENT_METHODS,
  SUBSCRIPTION_STATUSES,
  THB_PAYOUT_BANK_CODES,
  THB_PAYOUT_EWALLET_CODES,
  THB_PAYOUT_LIMITS,
  compareDecimal,
  findCollectMethod,
  isCashierCurrencyAllowed,
  validateAmount,
} from '@haipay-kit/protocol/rules';

/** Every collection method docs/protocol.md lists: currency, payType, inBankCode, min, max, result. */
const DOCUMENTED = [
  ['THB', 'QR', 'QR', '1.00', '8000.00', 'qr'],
  ['THB', 'PAYMENT_GATEWAY', 'TM', '1.00', '8000.00', 'redirect'],
  ['THB', 'VA', 'THB_VA', '1.00', '8000.00', 'bank'],
  ['TWD', 'QR', 'JKO_PAY_QR', '30', '20000', 'redirect'],
  ['TWD', 'EWALLET', 'JKO_PAY_TWD', '30', '20000', 'redirect'],
  ['TWD', 'BANK_TRANSFER', 'ATM', '1000', '20000', 'redirect'],
  ['TWD', 'BANK_TRANSFER', 'STORE_IBON', '100', '20000', 'redirect'],
  ['TWD', 'BANK_TRANSFER', 'STORE_HILIFEET', '100', '20000', 'redirect'],
  ['TWD', 'BANK_TRANSFER', 'STORE_OKGO', '100', '20000', 'redirect'],
  ['TWD', 'BANK_TRANSFER', 'STORE_FAMI', '100', '20000', 'redirect'],
  ['TWD', 'BANK_TRANSFER', 'STORE_MBC_HILIFEET', '100', '20000', 'redirect'],
  ['TWD', 'BANK_TRANSFER', 'STORE_MBC_IBON', '100', '20000', 'redirect'],
  ['USD', 'BANK_TRANSFER', 'CREDIT_CARD', '0.99', '1000.00', 'card'],
  ['USD', 'QR', 'TH_QR_USD', '0.99', '220.00', 'qr'],
  ['USD', 'PAYMENT_GATEWAY', 'TH_TM_USD', '0.99', '220.00', 'redirect'],
  ['USD', 'EWALLET', 'JKO_PAY', '0.99', '499.99', 'redirect'],
  ['USD', 'BANK_TRANSFER', 'LINE_PAY_USD', '2.99', '499.99', 'redirect'],
  ['USD', 'BANK_TRANSFER', 'ATM_USD', '32.99', '499.99', 'redirect'],
  ['USD', 'BANK_TRANSFER', 'STORE_IBON_USD', '2.99', '499.99', 'redirect'],
  ['USD', 'BANK_TRANSFER', 'STORE_HILIFEET_USD', '2.99', '499.99', 'redirect'],
  ['USD', 'BANK_TRANSFER', 'STORE_OKGO_USD', '2.99', '499.99', 'redirect'],
  ['USD', 'BANK_TRANSFER', 'STORE_FAMI_USD', '2.99', '499.99', 'redirect'],
  ['USD', 'BANK_TRANSFER', 'STORE_MBC_HILIFEET_USD', '2.99', '499.99', 'redirect'],
  ['USD', 'BANK_TRANSFER', 'STORE_MBC_IBON_USD', '2.99', '499.99', 'redirect'],
  ['VND', 'BANK_TRANSFER', 'BANK', '100000', '10000000', 'bank'],
  ['VND', 'QR', 'QR', '100000', '10000000', 'qr'],
  ['VND', 'EWALLET', 'MOMO_VND', '100000', '10000000', 'redirect'],
] as const;

/** The smallest step of an amount in each currency's format. */
const STEP: Record<string, string> = { THB: '0.01', USD: '0.01', TWD: '1', VND: '100' };

/** `amount` ± one step of its currency, exactly (amounts here are at most 8 digits: Number is exact). */
function step(currency: string, amount: string, direction: 1 | -1): string {
  const decimals = STEP[currency]!.includes('.') ? 2 : 0;
  const cents =
    Math.round(Number(amount) * 10 ** decimals) + direction * Number(STEP[currency]) * 10 ** decimals;
  return (cents / 10 ** decimals).toFixed(decimals);
}

describe('collection methods', () => {
  test('are exactly the documented ones: currency, payType, inBankCode, limits and what the shopper gets', () => {
    assert.deepEqual(
      COLLECT_METHODS.map((m) => [m.currency, m.payType, m.inBankCode, m.min, m.max, m.result]),
      DOCUMENTED.map((row) => [...row]),
    );
  });

  test('each accepts its own limits and refuses one step beyond them', () => {
    for (const [currency, payType, inBankCode, min, max] of DOCUMENTED) {
      const method = findCollectMethod(currency, payType, inBankCode);
      assert.ok(method, `${currency} ${payType}/${inBankCode}`);
      const at = (amount: string) => validateAmount(currency, amount, method)?.code ?? null;
      assert.equal(at(min), null, `${inBankCode} ${min}`);
      assert.equal(at(max), null, `${inBankCode} ${max}`);
      assert.equal(at(step(currency, min, -1)), 'amount_below_min', `${inBankCode} below ${min}`);
      assert.equal(at(step(currency, max, 1)), 'amount_above_max', `${inBankCode} above ${max}`);
    }
  });

  test('is found only by its own currency, payType and inBankCode, each compared exactly', () => {
    const documented = (c: string, p: string, i: string) =>
      DOCUMENTED.some(([dc, dp, di]) => dc === c && dp === p && di === i);
    for (const [currency, payType, inBankCode] of DOCUMENTED) {
      const found = findCollectMethod(currency, payType, inBankCode);
      assert.deepEqual([found?.currency, found?.payType, found?.inBankCode], [currency, payType, inBankCode]);
      for (const other of CURRENCIES)
        assert.equal(
          findCollectMethod(other, payType, inBankCode) !== undefined,
          documented(other, payType, inBankCode),
          `${other} ${payType}/${inBankCode}`,
        );
      assert.equal(findCollectMethod(currency, `${payType}_`, inBankCode), undefined);
      assert.equal(findCollectMethod(currency, payType, inBankCode.toLowerCase()), undefined);
    }
  });

  test('each has a label of its own for logs and the demo; only the THB bank transfer is the sandbox’s extension', () => {
    const labels = COLLECT_METHODS.map((m) => m.label);
    // With a message: without one, a failing assert.ok re-reads its own (TypeScript) source to quote the
    // expression, which under tsx took longer than the mutation run's 20 s timeout.
    assert.deepEqual(
      labels.filter((l) => l.trim().length === 0),
      [],
      'every method has a non-empty label',
    );
    assert.equal(new Set(labels).size, labels.length);
    assert.deepEqual(
      COLLECT_METHODS.filter((m) => m.extension === true).map((m) => `${m.currency}/${m.inBankCode}`),
      ['THB/THB_VA'],
    );
    assert.match(findCollectMethod('THB', 'VA', 'THB_VA')!.label, /sandbox extension/);
    for (const m of COLLECT_METHODS.filter((m) => m.currency === 'USD' && m.inBankCode !== 'CREDIT_CARD'))
      assert.match(m.label, /\(USD\)$/, m.inBankCode);
  });
});

describe('amount limits without a method', () => {
  test('are the documented widest range of each currency', () => {
    assert.deepEqual(CURRENCY_AMOUNT_LIMITS, {
      THB: { min: '1.00', max: '8000.00' },
      TWD: { min: '30', max: '20000' },
      USD: { min: '0.99', max: '1000.00' },
      VND: { min: '100000', max: '10000000' },
    });
  });

  test('span exactly the methods of that currency: no method accepts less or more', () => {
    for (const currency of CURRENCIES) {
      const methods = COLLECT_METHODS.filter((m) => m.currency === currency);
      const lowest = methods.map((m) => m.min).sort(compareDecimal)[0];
      const highest = methods
        .map((m) => m.max)
        .sort(compareDecimal)
        .at(-1);
      assert.deepEqual(CURRENCY_AMOUNT_LIMITS[currency], { min: lowest, max: highest }, currency);
    }
  });
});

describe('payouts, cashier regions and the browser contract lists', () => {
  test('THB payouts: 1.00–8000.00, both bank lists, the e-wallets', () => {
    assert.deepEqual(THB_PAYOUT_LIMITS, { min: '1.00', max: '8000.00' });
    assert.deepEqual([...THB_PAYOUT_BANK_CODES].sort(), [
      'ABN',
      'BAAC',
      'BAY',
      'BBL',
      'CIMB',
      'CITI',
      'GHB',
      'GSB',
      'HSBC',
      'IBANK',
      'ICBC',
      'KBANK',
      'KKP',
      'KTB',
      'LHB',
      'LHFG',
      'MHCB',
      'SCB',
      'SCBT',
      'TBANK',
      'TISCO',
      'TMB',
      'UOB',
    ]);
    assert.deepEqual(THB_PAYOUT_EWALLET_CODES, [
      'PROMPTPAY',
      'TRUEWALLET',
      'RABBIT',
      'AIS',
      'DTAC',
      'SHOPEE',
      'GRAB',
    ]);
  });

  test('the global cashier takes TH → THB, USD; TW → TWD, USD; US → USD; nothing else', () => {
    assert.deepEqual(CASHIER_REGIONS, { TH: ['THB', 'USD'], TW: ['TWD', 'USD'], US: ['USD'] });
    const allowed: string[] = [];
    for (const region of ['TH', 'TW', 'US', 'VN', 'th', ''])
      for (const currency of [...CURRENCIES, 'thb', ''])
        if (isCashierCurrencyAllowed(region, currency)) allowed.push(`${region}:${currency}`);
    assert.deepEqual(allowed, ['TH:THB', 'TH:USD', 'TW:TWD', 'TW:USD', 'US:USD']);
  });

  test('the methods a browser may ask for and the subscription statuses it is shown', () => {
    assert.deepEqual(PAYMENT_METHODS, [
      'card',
      'promptpay',
      'truemoney',
      'bank-transfer',
      'twd-atm',
      'twd-store-ibon',
      'twd-store-fami',
      'twd-store-hilife',
      'twd-store-okgo',
      'jkopay',
      'cashier',
    ]);
    assert.deepEqual(SUBSCRIPTION_STATUSES, ['unknown', 'pending', 'active', 'failed', 'cancelled']);
  });
});
