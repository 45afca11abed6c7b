import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  createSandbox,
  crc16ccitt,
  hasValidCrc,
  parseTlv,
  type CollectOrder,
  type Sandbox,
} from '../src/index.js';
import {
  assertError,
  call,
  cardCollect,
  ok,
  postForm,
  receiver,
  sharedConfig,
  thbCollect,
} from './helpers.js';

describe('order lifecycles and hosted pages', () => {
  let sb: Sandbox;
  before(async () => {
    sb = await createSandbox({ config: sharedConfig() });
  });
  after(() => sb.close());
  const usd = () => sb.merchant('USD');
  const thb = () => sb.merchant('THB');
  const status = async (m: ReturnType<typeof usd>, cur: string, orderNo: unknown) =>
    ok(
      await call(sb, m, `/${cur}/collect/query`, {
        orderId: (sb.order(String(orderNo)) as CollectOrder).orderId,
        orderNo,
      }),
    ).status;

  test('CRC-16/CCITT-FALSE check value', () => {
    assert.equal(crc16ccitt('123456789'), 0x29b1);
  });

  test('card 4242 succeeds at once with an empty payUrl', async () => {
    const d = ok(await call(sb, usd(), '/usd/collect/apply', cardCollect('4242424242424242')));
    // As in HaiPay's documented example: payUrl present and empty (left out of the string to sign).
    assert.equal(d.payUrl, '');
    assert.equal(sb.order(String(d.orderNo))?.status, 2);
  });

  test('card outcomes: 9995, month 13 and CVV 99 fail; 4242 succeeds', async () => {
    const cases: [Record<string, unknown>, number, RegExp | undefined][] = [
      [cardCollect('4242424242424242'), 2, undefined],
      [cardCollect('4000000000009995'), 3, /insufficient funds/],
      [cardCollect('4242424242424242', { expiryMonth: '13' }), 3, /expiration month/],
      [cardCollect('4242424242424242', { cvv: '99' }), 3, /security code/],
    ];
    for (const [body, expected, reason] of cases) {
      const d = ok(await call(sb, usd(), '/usd/collect/apply', body));
      const q = ok(await call(sb, usd(), '/usd/collect/query', { orderId: body.orderId }));
      assert.equal(q.status, expected, String(body.accountNo));
      if (reason) assert.match(String(q.errorMsg), reason);
      else assert.match(String(q.payTime), /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
      assert.equal(d.orderNo, q.orderNo);
    }
  });

  test('3DS cards return a payUrl; Approve redirects to callBackUrl, Decline to the fallback', async () => {
    for (const [pan, action, expected] of [
      ['4000056655665556', 'approve', 2],
      ['4000002500003155', 'decline', 3],
    ] as const) {
      const d = ok(await call(sb, usd(), '/usd/collect/apply', cardCollect(pan)));
      assert.match(String(d.payUrl), new RegExp(`^${sb.url}/pay/${String(d.orderNo)}$`));
      assert.equal(await status(usd(), 'usd', d.orderNo), 1);
      const page = await fetch(String(d.payUrl));
      const html = await page.text();
      assert.equal(page.status, 200);
      assert.match(html, /<html lang="en">/);
      assert.match(html, /SANDBOX/);
      assert.match(html, /<h1>3-D Secure verification<\/h1>/);
      assert.match(html, /name="viewport"/);
      const res = await postForm(String(d.payUrl), { action });
      assert.equal(res.status, 303);
      // The PCI card API has no callBackFailUrl, so both outcomes return to callBackUrl.
      assert.equal(res.headers.get('location'), 'https://merchant.example/ok');
      assert.equal(await status(usd(), 'usd', d.orderNo), expected);
    }
  });

  test('PromptPay payload: CRC, amount, 5303764, 5802TH, order reference; paid in the bank app', async () => {
    const body = thbCollect({ amount: '123.45' });
    const d = ok(await call(sb, thb(), '/thb/collect/apply', body));
    const qr = String(d.qrCode);
    assert.ok(hasValidCrc(qr));
    assert.ok(qr.startsWith('000201010212'));
    assert.ok(qr.includes('5303764'));
    assert.ok(qr.includes('5406123.45'));
    assert.ok(qr.includes('5802TH'));
    assert.match(qr, /6304[0-9A-F]{4}$/);
    const top = parseTlv(qr);
    assert.equal(parseTlv(top.get('30')!).get('00'), 'A000000677010112');
    assert.equal(parseTlv(top.get('30')!).get('02'), d.orderNo);
    assert.equal(parseTlv(top.get('62')!).get('05'), d.orderNo);
    // A corrupted payload is refused by the bank app (its last CRC digit changed, whatever it was).
    const corrupted = `${qr.slice(0, -1)}${qr.endsWith('0') ? '1' : '0'}`;
    const bad = await postForm(`${sb.url}/bank-app`, { payload: corrupted, action: 'approve' });
    assert.equal(bad.status, 422);
    assert.match(await bad.text(), /role="alert"/);
    const page = await fetch(`${sb.url}/bank-app?payload=${encodeURIComponent(qr)}`);
    assert.match(await page.text(), /<label for="payload">/);
    const res = await postForm(`${sb.url}/bank-app`, { payload: qr, action: 'approve' });
    assert.equal(res.status, 303);
    assert.equal(res.headers.get('location'), 'https://merchant.example/ok');
    assert.equal(await status(thb(), 'thb', d.orderNo), 2);
  });

  test('PromptPay QR expires after 15 minutes: status 3', async () => {
    const d = ok(await call(sb, thb(), '/thb/collect/apply', thbCollect()));
    await sb.clock.advance(15 * 60_000 - 1);
    assert.equal(await status(thb(), 'thb', d.orderNo), 0);
    await sb.clock.advance(1);
    const q = ok(
      await call(sb, thb(), '/thb/collect/query', { orderId: sb.order(String(d.orderNo))!.orderId }),
    );
    assert.equal(q.status, 3);
    assert.equal(q.errorMsg, 'Order expired');
  });

  test('THB virtual account (sandbox extension) returns bank details and is paid in the bank app', async () => {
    const d = ok(
      await call(
        sb,
        thb(),
        '/thb/collect/apply',
        thbCollect({ payType: 'VA', inBankCode: 'THB_VA', amount: '250.00' }),
      ),
    );
    assert.match(String(d.bankNo), /^\d{10}$/);
    assert.equal(d.bankCode, 'KBANK');
    assert.equal(d.bankUserName, 'HAIPAY SANDBOX CO LTD');
    const wrong = await postForm(`${sb.url}/bank-app`, {
      payload: String(d.bankNo),
      amount: '200.00',
      action: 'approve',
    });
    assert.equal(wrong.status, 422);
    const res = await postForm(`${sb.url}/bank-app`, {
      payload: String(d.bankNo),
      amount: '250.00',
      action: 'approve',
    });
    assert.equal(res.status, 303);
    assert.equal(await status(thb(), 'thb', d.orderNo), 2);
  });

  test('VND bank transfer returns bankNo/bankCode/bankUserName; a bank-app decline fails it', async () => {
    const vnd = sb.merchant('VND');
    const d = ok(
      await call(
        sb,
        vnd,
        '/vnd/collect/apply',
        thbCollect({
          payType: 'BANK_TRANSFER',
          inBankCode: 'BANK',
          amount: '150000',
          name: 'Nguyen Van A',
          phone: '0912345678',
        }),
      ),
    );
    assert.equal(d.bankCode, 'VCB');
    assert.equal(typeof d.bankNo, 'string');
    assert.equal(typeof d.bankUserName, 'string');
    const res = await postForm(`${sb.url}/bank-app`, { payload: String(d.bankNo), action: 'decline' });
    assert.equal(res.headers.get('location'), 'https://merchant.example/fail');
    assert.equal(await status(vnd, 'vnd', d.orderNo), 3);
  });

  test('TrueMoney page: opening it moves 0 → 1, Pay redirects to callBackUrl', async () => {
    const d = ok(
      await call(
        sb,
        thb(),
        '/thb/collect/apply',
        thbCollect({ payType: 'PAYMENT_GATEWAY', inBankCode: 'TM' }),
      ),
    );
    assert.equal(await status(thb(), 'thb', d.orderNo), 0);
    const html = await (await fetch(String(d.payUrl))).text();
    assert.match(html, /<h1>TrueMoney Wallet<\/h1>/);
    assert.equal(await status(thb(), 'thb', d.orderNo), 1);
    const res = await postForm(String(d.payUrl), { action: 'approve' });
    assert.equal(res.headers.get('location'), 'https://merchant.example/ok');
    // Final: states never move back, a second post changes nothing.
    await postForm(String(d.payUrl), { action: 'decline' });
    assert.equal(await status(thb(), 'thb', d.orderNo), 2);
  });

  test('TWD ATM cashier shows an account, then Cancel redirects to callBackFailUrl', async () => {
    const twd = sb.merchant('TWD');
    const d = ok(
      await call(
        sb,
        twd,
        '/twd/collect/apply',
        thbCollect({
          payType: 'BANK_TRANSFER',
          inBankCode: 'ATM',
          amount: '1500',
          name: 'Wang Xiaoming',
          phone: '0912345678',
        }),
      ),
    );
    // docs/protocol.md §5: TWD answers only orderId, orderNo, payUrl (+ sign).
    assert.deepEqual(Object.keys(d).sort(), ['orderId', 'orderNo', 'payUrl', 'sign']);
    const html = await (await fetch(String(d.payUrl))).text();
    assert.match(html, /virtual account/);
    const res = await postForm(String(d.payUrl), { action: 'decline' });
    assert.equal(res.status, 303);
    assert.equal(res.headers.get('location'), 'https://merchant.example/fail');
  });

  test('TWD cashier mode (country=158) lets the shopper pick a method', async () => {
    const twd = sb.merchant('TWD');
    const d = ok(
      await call(
        sb,
        twd,
        '/twd/collect/apply',
        thbCollect({
          payType: 'BANK_TRANSFER',
          inBankCode: 'STORE_IBON',
          amount: '500',
          name: 'Wang Xiaoming',
          phone: '0912345678',
          country: '158',
        }),
      ),
    );
    const html = await (await fetch(String(d.payUrl))).text();
    assert.match(html, /<legend>Choose how to pay/);
    assert.match(html, /value="STORE_FAMI"/);
    await postForm(String(d.payUrl), { action: 'approve', inBankCode: 'STORE_FAMI' });
    const order = sb.order(String(d.orderNo)) as CollectOrder;
    assert.equal(order.status, 2);
    assert.equal(order.inBankCode, 'STORE_FAMI');
  });

  test('control API: get and complete an order; a final order answers 409', async () => {
    const d = ok(await call(sb, thb(), '/thb/collect/apply', thbCollect()));
    const got = (await (await fetch(`${sb.url}/_sandbox/orders/${String(d.orderNo)}`)).json()) as Record<
      string,
      unknown
    >;
    assert.equal(got.status, 0);
    const done = await fetch(`${sb.url}/_sandbox/orders/${String(d.orderNo)}/complete`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ outcome: 'success' }),
    });
    assert.equal(((await done.json()) as Record<string, unknown>).status, 2);
    const again = await fetch(`${sb.url}/_sandbox/orders/${String(d.orderNo)}/complete`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ outcome: 'failure' }),
    });
    assert.equal(again.status, 409);
    const list = (await (await fetch(`${sb.url}/_sandbox/orders?kind=collect`)).json()) as {
      orders: unknown[];
    };
    assert.ok(list.orders.length > 3);
  });

  /** A hosted (non-PCI) card request: the card fields left out, `callBackFailUrl` in. */
  const hostedCard = (extra: Record<string, unknown> = {}) => {
    const body: Record<string, unknown> = {
      ...cardCollect('4242424242424242'),
      callBackFailUrl: 'https://merchant.example/fail',
      ...extra,
    };
    for (const k of [
      'accountNo',
      'expiryMonth',
      'expiryYear',
      'cvv',
      'clientType',
      'referer',
      'userAgent',
      'customerIp',
      'notifyUrl',
    ])
      if (!(k in extra)) delete body[k];
    return body;
  };

  /** Loads a hosted card page and reads its form: where it posts and which fields it has. */
  async function cardForm(payUrl: string): Promise<{ action: string; fields: string[]; html: string }> {
    const res = await fetch(payUrl);
    assert.equal(res.status, 200);
    const html = await res.text();
    const action = /<form method="post" action="([^"]+)">/.exec(html)?.[1];
    assert.ok(action, html);
    const fields = [...html.matchAll(/<input id="[^"]+" name="([^"]+)"/g)].map((m) => m[1]!);
    return { action: new URL(action, payUrl).href, fields, html };
  }

  test('hosted card mode: no card fields → payUrl to the card page; what it requires', async () => {
    const body = hostedCard();
    const d = ok(await call(sb, usd(), '/usd/collect/apply', body));
    assert.deepEqual(Object.keys(d).sort(), ['orderId', 'orderNo', 'payUrl', 'sign']);
    assert.equal(d.payUrl, `${sb.url}/pay/${String(d.orderNo)}`);
    assert.equal(await status(usd(), 'usd', d.orderNo), 0);
    // callBackFailUrl is required (reference §3.1); notifyUrl and phone are not.
    const noFail = hostedCard();
    delete noFail.callBackFailUrl;
    assertError(await call(sb, usd(), '/usd/collect/apply', noFail), '1001', 'param is null');
    assertError(
      await call(sb, usd(), '/usd/collect/apply', hostedCard({ callBackFailUrl: 'not a url' })),
      '1002',
    );
    // Card data is all or nothing: part of it is the PCI-direct style with fields missing.
    assertError(
      await call(sb, usd(), '/usd/collect/apply', hostedCard({ accountNo: '4242424242424242' })),
      '1001',
    );
    // Only the card method has a hosted card page; limits still apply.
    assertError(await call(sb, usd(), '/usd/collect/apply', hostedCard({ amount: '1000.01' })), '1002');
  });

  test('hosted card page: 4242 pays (303 to callBackUrl), 9995 is declined (303 to callBackFailUrl)', async () => {
    const rx = await receiver();
    try {
      for (const [pan, expected, to] of [
        ['4242 4242 4242 4242', 2, 'https://merchant.example/ok'],
        ['4000000000009995', 3, 'https://merchant.example/fail'],
        // JCB: HaiPay's card page takes it (reference §6), unlike the PCI-direct API.
        ['3530 1113 3330 0000', 2, 'https://merchant.example/ok'],
      ] as const) {
        const d = ok(await call(sb, usd(), '/usd/collect/apply', hostedCard({ notifyUrl: rx.url })));
        const form = await cardForm(String(d.payUrl));
        assert.match(form.html, /<h1>Pay by card<\/h1>/);
        assert.match(form.html, /autocomplete="cc-number"/);
        assert.deepEqual(form.fields, ['accountNo', 'expiryMonth', 'expiryYear', 'cvv']);
        assert.equal(form.action, d.payUrl);
        assert.equal(await status(usd(), 'usd', d.orderNo), 1, 'opening the page: 0 → 1');
        const res = await postForm(form.action, {
          accountNo: pan,
          expiryMonth: '11',
          expiryYear: '2030',
          cvv: '234',
          action: 'approve',
        });
        assert.equal(res.status, 303);
        assert.equal(res.headers.get('location'), to);
        const q = ok(
          await call(sb, usd(), '/usd/collect/query', { orderId: sb.order(String(d.orderNo))!.orderId }),
        );
        assert.equal(q.status, expected);
        if (expected === 3) assert.equal(q.errorMsg, 'Your card has insufficient funds.');
      }
      await sb.idle();
      const paid = rx.received.find((r) => r.json.status === 2)!.json;
      assert.deepEqual(
        [paid.cardNo, paid.is3DS, paid.expMonth, paid.expYear],
        ['424242******4242', 'false', '11', '2030'],
      );
    } finally {
      await rx.close();
    }
  });

  test('hosted card page: 4000 0566 5566 5556 asks for 3-D Secure at the same payUrl, then Approve or Decline', async () => {
    for (const [action, expected, to] of [
      ['approve', 2, 'https://merchant.example/ok'],
      ['decline', 3, 'https://merchant.example/fail'],
    ] as const) {
      const d = ok(await call(sb, usd(), '/usd/collect/apply', hostedCard()));
      const form = await cardForm(String(d.payUrl));
      const res = await postForm(form.action, {
        accountNo: '4000 0566 5566 5556',
        expiryMonth: '11',
        expiryYear: '2028',
        cvv: '234',
        action: 'approve',
      });
      assert.equal(res.status, 303);
      assert.equal(new URL(res.headers.get('location') ?? '', sb.url).href, d.payUrl);
      const page = await (await fetch(String(d.payUrl))).text();
      assert.match(page, /<h1>3-D Secure verification<\/h1>/);
      assert.match(page, /Card ending in <strong>5556<\/strong>/);
      assert.equal(await status(usd(), 'usd', d.orderNo), 1);
      const done = await postForm(String(d.payUrl), { action });
      assert.equal(done.status, 303);
      assert.equal(done.headers.get('location'), to);
      assert.equal(await status(usd(), 'usd', d.orderNo), expected);
      assert.equal((sb.order(String(d.orderNo)) as CollectOrder).card?.is3DS, true);
    }
  });

  test('hosted card page: an invalid card is shown again (422) without the card number; Cancel fails the order', async () => {
    const d = ok(await call(sb, usd(), '/usd/collect/apply', hostedCard()));
    const form = await cardForm(String(d.payUrl));
    const bad = await postForm(form.action, {
      accountNo: '4242424242424241',
      expiryMonth: '11',
      expiryYear: '2030',
      cvv: '2',
      action: 'approve',
    });
    assert.equal(bad.status, 422);
    const html = await bad.text();
    assert.match(html, /role="alert"/);
    assert.match(html, /id="card-accountNo" name="accountNo"[^>]*aria-invalid="true"/);
    assert.match(html, /id="card-cvv" name="cvv"[^>]*aria-invalid="true"/);
    assert.doesNotMatch(html, /4242424242424241/, 'the card number is not echoed back');
    assert.match(html, /name="expiryYear"[^>]*value="2030"/);
    assert.equal(await status(usd(), 'usd', d.orderNo), 1, 'still payable');
    const cancel = await postForm(form.action, { action: 'decline' });
    assert.equal(cancel.status, 303);
    assert.equal(cancel.headers.get('location'), 'https://merchant.example/fail');
    const q = ok(
      await call(sb, usd(), '/usd/collect/query', { orderId: sb.order(String(d.orderNo))!.orderId }),
    );
    assert.deepEqual([q.status, q.errorMsg], [3, 'Payment cancelled by the user']);
    const after = await fetch(String(d.payUrl));
    assert.match(await after.text(), /Payment finished/);
  });
});
