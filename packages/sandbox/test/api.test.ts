import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createSandbox, type Sandbox } from '../src/index.js';
import { assertError, call, cardCollect, oid, ok, sharedConfig, thbCollect } from './helpers.js';

describe('HaiPay API endpoints', () => {
  let sb: Sandbox;
  before(async () => {
    const config = structuredClone(sharedConfig());
    // THB merchant with QR and VA only: TrueMoney answers 4012.
    config.merchants.find((m) => m.currency === 'THB')!.methods = ['QR', 'THB_VA'];
    config.merchants.find((m) => m.currency === 'THB')!.openingBalance = '1000.00';
    config.merchants.find((m) => m.currency === 'USD')!.openingBalance = '100.00';
    config.merchants.find((m) => m.currency === 'VND')!.openingBalance = '1000000';
    sb = await createSandbox({ config });
  });
  after(() => sb.close());
  const thb = () => sb.merchant('THB');
  const usd = () => sb.merchant('USD');

  test('collect/apply answers a signed envelope with string amounts and numeric appId', async () => {
    const a = await call(sb, thb(), '/thb/collect/apply', thbCollect());
    const data = ok(a);
    assert.match(String(data.orderNo), /^\d{16}$/);
    assert.match(String(data.qrCode), /^000201/);
    assert.match(a.text, /^\{"status":"1","error":"00000000","msg":"","data":\{/);
  });

  test('collect/query returns amount strings and an integer status', async () => {
    const body = thbCollect();
    const created = ok(await call(sb, thb(), '/thb/collect/apply', body));
    const a = await call(sb, thb(), '/thb/collect/query', {
      orderId: body.orderId,
      orderNo: created.orderNo,
    });
    const data = ok(a);
    assert.deepEqual(
      { amount: data.amount, actualAmount: data.actualAmount, fee: data.fee, status: data.status },
      { amount: '100.00', actualAmount: '0.00', fee: '0.00', status: 0 },
    );
    assert.match(a.text, /"status":0[,}]/);
    assertError(await call(sb, thb(), '/thb/collect/query', { orderId: 'nope' }), '4013', 'order not exit');
  });

  test('pay/apply and pay/query', async () => {
    const orderId = oid('P');
    const a = await call(sb, thb(), '/thb/pay/apply', {
      orderId,
      amount: '100.00',
      accountType: 'BANK_ACCOUNT',
      bankCode: 'KBANK',
      accountNo: '1234567890',
      name: 'Somchai Jaidee',
      phone: '0812345678',
      email: 's@example.com',
      partnerUserId: 'u-1',
    });
    const data = ok(a);
    const q = ok(await call(sb, thb(), '/thb/pay/query', { orderId }));
    assert.deepEqual(
      { orderNo: q.orderNo, amount: q.amount, fee: q.fee, status: q.status },
      { orderNo: data.orderNo, amount: '100.00', fee: '10.00', status: 1 },
    );
    assertError(await call(sb, thb(), '/thb/pay/query', { orderId: 'nope' }), '4013');
  });

  test('account/ledger shows the four balances as strings', async () => {
    const data = ok(await call(sb, sb.merchant('VND'), '/vnd/account/ledger', {}));
    assert.deepEqual(data.bal, '1000000');
    for (const k of ['bal', 'availableBal', 'frzBal', 'unSettleBal']) assert.equal(typeof data[k], 'string');
  });

  test('global cashier apply and query', async () => {
    const cashier = sb.merchant('CASHIER');
    const body = {
      orderId: oid('C'),
      name: 'Jon Smith',
      email: 'jon@example.com',
      amount: '10.00',
      currency: 'USD',
      region: 'US',
      callBackUrl: 'https://merchant.example/ok',
      callBackFailUrl: 'https://merchant.example/fail',
      subject: 'Gift',
      partnerUserId: 'u-9',
    };
    const data = ok(await call(sb, cashier, '/global/cashier/collect/apply', body));
    assert.match(String(data.payUrl), new RegExp(`^${sb.url}/pay/`));
    const q = ok(
      await call(sb, cashier, '/global/cashier/collect/query', {
        orderId: body.orderId,
        orderNo: data.orderNo,
      }),
    );
    assert.equal(q.amount, '10.00');
    // The THB appId is not the cashier business.
    assertError(await call(sb, thb(), '/global/cashier/collect/apply', body), '4011');
  });

  test('error codes: 1001 missing field, 1002 bad field/bad signature/malformed JSON', async () => {
    const missing = thbCollect();
    delete missing.email;
    assertError(await call(sb, thb(), '/thb/collect/apply', missing), '1001', 'param is null');
    assertError(
      await call(sb, thb(), '/thb/collect/apply', thbCollect({ amount: '100' })),
      '1002',
      'Illegal Param',
    );
    assertError(await call(sb, thb(), '/thb/collect/apply', thbCollect(), { signAs: usd() }), '1002');
    assertError(await call(sb, thb(), '/thb/collect/apply', thbCollect(), { unsigned: true }), '1001');
    assertError(await call(sb, thb(), '/thb/collect/apply', {}, { raw: '{"appId":1054,' }), '1002');
    // An appId that is not a scalar has no text: not 0 (`[]`), not the merchant's (`[1054]`).
    for (const appId of [[], [thb().appId], { id: thb().appId }]) {
      const raw = JSON.stringify({ ...thbCollect(), appId });
      assertError(await call(sb, thb(), '/thb/collect/apply', {}, { raw }), '1002');
    }
  });

  test('error codes: limits are 1002', async () => {
    assertError(await call(sb, thb(), '/thb/collect/apply', thbCollect({ amount: '8000.01' })), '1002');
    assertError(await call(sb, thb(), '/thb/collect/apply', thbCollect({ amount: '0.99' })), '1002');
    assertError(
      await call(sb, sb.merchant('TWD'), '/twd/collect/apply', {
        ...thbCollect({ amount: '999', payType: 'BANK_TRANSFER', inBankCode: 'ATM', phone: '0912345678' }),
      }),
      '1002',
    );
  });

  test('error codes: 4011 unknown appId and appId of another currency', async () => {
    const ghost = { ...thb(), appId: 999 };
    assertError(await call(sb, ghost, '/thb/collect/apply', thbCollect()), '4011', 'appId do not exit');
    assertError(await call(sb, usd(), '/thb/collect/apply', thbCollect()), '4011');
  });

  test('error codes: 4005 duplicate orderId, 4012 method not enabled', async () => {
    const body = thbCollect();
    ok(await call(sb, thb(), '/thb/collect/apply', body));
    assertError(await call(sb, thb(), '/thb/collect/apply', body), '4005', 'order already exit');
    assertError(
      await call(
        sb,
        thb(),
        '/thb/collect/apply',
        thbCollect({ payType: 'PAYMENT_GATEWAY', inBankCode: 'TM' }),
      ),
      '4012',
      'you do not have an available product, please connect admin',
    );
    // TWD has no payout product.
    assertError(
      await call(sb, sb.merchant('TWD'), '/twd/pay/apply', {
        orderId: oid(),
        amount: '500',
        accountType: 'BANK_ACCOUNT',
        bankCode: 'X',
        accountNo: '1',
        name: 'A B',
        phone: '0912345678',
        email: 'a@example.com',
        partnerUserId: 'u',
      }),
      '4012',
    );
  });

  test('error codes: 4016 insufficient balance, 4014 final order, 4013 unknown order on refund', async () => {
    assertError(
      await call(sb, thb(), '/thb/pay/apply', {
        orderId: oid(),
        amount: '5000.00',
        accountType: 'BANK_ACCOUNT',
        bankCode: 'KBANK',
        accountNo: '1234567890',
        name: 'Somchai Jaidee',
        phone: '0812345678',
        email: 's@example.com',
        partnerUserId: 'u-1',
      }),
      '4016',
      'your account do not have enough money',
    );
    const failed = ok(await call(sb, usd(), '/usd/collect/apply', cardCollect('4000000000009995')));
    assertError(
      await call(sb, usd(), '/usd/refund/apply', { orderId: oid('R'), orderNo: failed.orderNo }),
      '4014',
      'order is already end status',
    );
    assertError(
      await call(sb, usd(), '/usd/refund/apply', { orderId: oid('R'), orderNo: '6000000000000000' }),
      '4013',
    );
    assertError(await call(sb, usd(), '/usd/refund/refundQuery', { refundNo: '8000' }), '4013');
  });

  test('refund apply and refundQuery', async () => {
    const paid = ok(
      await call(sb, usd(), '/usd/collect/apply', cardCollect('4242424242424242', { amount: '10.00' })),
    );
    const refundId = oid('R');
    const r = ok(await call(sb, usd(), '/usd/refund/apply', { orderId: refundId, orderNo: paid.orderNo }));
    assert.deepEqual(
      { appId: r.appId, orderNo: r.orderNo, status: r.status },
      { appId: usd().appId, orderNo: paid.orderNo, status: '0' },
    );
    assertError(
      await call(sb, usd(), '/usd/refund/apply', { orderId: refundId, orderNo: paid.orderNo }),
      '4005',
    );
    assertError(
      await call(sb, usd(), '/usd/refund/apply', { orderId: oid('R'), orderNo: paid.orderNo }),
      '4014',
    );
    await sb.clock.advance(60_000);
    const q = ok(await call(sb, usd(), '/usd/refund/refundQuery', { orderId: refundId }));
    assert.equal(q.status, '1');
    assert.equal(q.refundNo, r.refundNo);
  });

  test('unknown paths are 404, upper-case currency is not a path', async () => {
    const res = await fetch(`${sb.url}/THB/collect/apply`, { method: 'POST', body: '{}' });
    assert.equal(res.status, 404);
    const res2 = await fetch(`${sb.url}/php/collect/apply`, { method: 'POST', body: '{}' });
    assert.equal(res2.status, 404);
  });

  const payout = (extra: Record<string, unknown>) => ({
    orderId: oid('P'),
    accountType: 'BANK_ACCOUNT',
    accountNo: '1234567890',
    email: 'p@example.com',
    partnerUserId: 'u-1',
    ...extra,
  });

  test('payouts in VND and USD (per-currency fields); TWD has no payout product: 4012', async () => {
    const vnd = sb.merchant('VND');
    const v = payout({ amount: '50000', bankCode: 'VCB', name: 'Nguyen Van An', phone: '0912345678' });
    const applied = ok(await call(sb, vnd, '/vnd/pay/apply', v));
    const q = ok(await call(sb, vnd, '/vnd/pay/query', { orderId: v.orderId, orderNo: applied.orderNo }));
    assert.deepEqual([q.amount, q.fee, q.status], ['50000', '5000', 1]);
    assertError(await call(sb, vnd, '/vnd/pay/apply', { ...v, orderId: oid('P'), amount: '49900' }), '1002');
    assertError(
      await call(sb, vnd, '/vnd/pay/apply', { ...v, orderId: oid('P'), accountType: 'EWALLET' }),
      '1002',
      'Illegal Param',
    );

    const paypal = payout({
      amount: '20.00',
      accountType: 'EWALLET',
      bankCode: 'PayPal',
      accountNo: 'jon@example.com',
      name: 'Jon Smith',
      phone: '09230219312',
    });
    const u = ok(await call(sb, usd(), '/usd/pay/apply', paypal));
    const uq = ok(await call(sb, usd(), '/usd/pay/query', { orderId: paypal.orderId }));
    assert.deepEqual([uq.orderNo, uq.amount, uq.fee, uq.status], [u.orderNo, '20.00', '1.00', 1]);
    // ACH without its recipient fields: 1001 param is null; over the USD payout limit: 1002.
    assertError(
      await call(sb, usd(), '/usd/pay/apply', {
        ...paypal,
        orderId: oid('P'),
        accountType: 'BANK_ACCOUNT',
        bankCode: 'ACH',
      }),
      '1001',
      'param is null',
    );
    assertError(
      await call(sb, usd(), '/usd/pay/apply', { ...paypal, orderId: oid('P'), amount: '800.01' }),
      '1002',
    );

    const twd = sb.merchant('TWD');
    const msg = 'you do not have an available product, please connect admin';
    assertError(
      await call(
        sb,
        twd,
        '/twd/pay/apply',
        payout({ amount: '500', bankCode: 'X', name: 'A B', phone: '0912345678' }),
      ),
      '4012',
      msg,
    );
    assertError(await call(sb, twd, '/twd/pay/query', { orderId: 'P1' }), '4012', msg);
  });

  test('refunds exist for USD only: every other currency path answers 4012 after the appId and signature checks', async () => {
    const msg = 'you do not have an available product, please connect admin';
    for (const cur of ['THB', 'TWD', 'VND'] as const) {
      const m = sb.merchant(cur);
      const path = cur.toLowerCase();
      assertError(
        await call(sb, m, `/${path}/refund/apply`, { orderId: oid('R'), orderNo: '6000000000000000' }),
        '4012',
        msg,
      );
      assertError(await call(sb, m, `/${path}/refund/refundQuery`, { refundNo: '8000' }), '4012', msg);
    }
    // The same checks as every HaiPay path come first: another currency's appId, a bad signature.
    assertError(await call(sb, usd(), '/thb/refund/apply', { orderId: oid('R'), orderNo: '6' }), '4011');
    assertError(
      await call(sb, thb(), '/thb/refund/apply', { orderId: oid('R'), orderNo: '6' }, { signAs: usd() }),
      '1002',
    );
    // USD still refunds (see 'refund apply and refundQuery').
    assertError(await call(sb, usd(), '/usd/refund/refundQuery', { refundNo: '8000' }), '4013');
  });
});

describe('a config with some currencies only', () => {
  test('a currency without a merchant: every call on its paths answers 4011; merchant() throws', async () => {
    const full = sharedConfig();
    const config = { platform: full.platform, merchants: full.merchants.filter((m) => m.currency === 'THB') };
    const sb = await createSandbox({ config });
    try {
      const thb = sb.merchant('THB');
      ok(await call(sb, thb, '/thb/collect/apply', thbCollect()));
      // No appId belongs to USD: the THB appId is "another currency's", an unknown one does not exist.
      assertError(await call(sb, thb, '/usd/collect/apply', cardCollect('4242424242424242')), '4011');
      assertError(
        await call(sb, { ...thb, appId: 1056 }, '/usd/account/ledger', {}),
        '4011',
        'appId do not exit',
      );
      assert.throws(() => sb.merchant('USD'), /no USD merchant/);
      assert.equal((await fetch(`${sb.url}/_sandbox/ledger/1056`)).status, 404);
    } finally {
      await sb.close();
    }
    await assert.rejects(
      createSandbox({ config: { platform: full.platform, merchants: [] } }),
      /`merchants` must be a non-empty array/,
    );
    const twice = {
      platform: full.platform,
      merchants: [full.merchants[0]!, { ...full.merchants[0]!, appId: 2 }],
    };
    await assert.rejects(createSandbox({ config: twice }), /a second merchant for THB/);
  });
});
