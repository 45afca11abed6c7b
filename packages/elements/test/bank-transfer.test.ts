import { expect, fixture, html, oneEvent, waitUntil } from '@open-wc/testing';
import '../src/bank-transfer/bank-transfer.register.js';
import type { HaiPayBankTransfer } from '../src/bank-transfer/bank-transfer.js';
import { $, companion, setViewport, text, view } from './helpers.js';

const T0 = Date.parse('2026-11-22T10:00:00.000Z');
const bankView = (partial = {}) =>
  view({
    orderId: 'hp_bank',
    method: 'bank-transfer',
    amount: '150000',
    currency: 'VND',
    next: {
      type: 'bank',
      bankNo: '1234567890123',
      bankCode: 'VCB',
      accountName: 'CONG TY HAIPAY',
      reference: 'HP123456',
    },
    ...partial,
  });

describe('<haipay-bank-transfer>', () => {
  it('is accessible', async function () {
    // The file's first axe run loads axe-core; on a loaded machine that alone can take seconds.
    this.timeout(30_000);
    const el = await fixture<HaiPayBankTransfer>(
      html`<haipay-bank-transfer
        bank-code="KBANK"
        account-number="1234567890"
        account-name="HaiPay Co"
        amount="100.00"
        reference="REF1"
        expires-at=${new Date(Date.now() + 3_600_000).toISOString()}
      ></haipay-bank-transfer>`,
    );
    await expect(el).to.be.accessible();
  });

  it('shows the bank, a readable account number, account name, exact amount and reference', async () => {
    const el = await fixture<HaiPayBankTransfer>(
      html`<haipay-bank-transfer
        locale="en"
        bank-code="KBANK"
        account-number="1234567890"
        account-name="HaiPay Co"
        amount="1500.00"
        reference="REF1"
      ></haipay-bank-transfer>`,
    );
    expect(text(el, '#bank-name')).to.equal('Kasikornbank');
    expect(text(el, '[part~="logo"] text')).to.equal('K');
    expect(text(el, '#account-number')).to.equal('123-4-56789-0');
    expect(text(el, '#account-name')).to.equal('HaiPay Co');
    expect(text(el, '#amount')).to.equal('฿1,500.00');
    expect(text(el, '#reference')).to.equal('REF1');
  });

  it('names Thai and Vietnamese banks and falls back for virtual accounts', async () => {
    const cases: [string, string][] = [
      ['SCB', 'Siam Commercial Bank'],
      ['TMB', 'TMBThanachart Bank'],
      ['BAAC', 'Bank for Agriculture and Agricultural Cooperatives'],
      ['VCB', 'Vietcombank'],
      ['TCB', 'Techcombank'],
      ['BIDV', 'BIDV'],
      ['THB_VA', 'THB_VA'],
    ];
    for (const [code, name] of cases) {
      const el = await fixture<HaiPayBankTransfer>(
        html`<haipay-bank-transfer bank-code=${code} account-number="1"></haipay-bank-transfer>`,
      );
      expect(text(el, '#bank-name'), code).to.equal(name);
    }
  });

  it('copies each field and announces "Copied"', async () => {
    const el = await fixture<HaiPayBankTransfer>(
      html`<haipay-bank-transfer
        locale="th"
        bank-code="SCB"
        account-number="123-4-56789-0"
        amount="100.00"
        reference="REF9"
      ></haipay-bank-transfer>`,
    );
    for (const [id, value, label] of [
      ['account-number', '1234567890', 'เลขที่บัญชี'],
      ['amount', '100.00', 'จำนวนเงิน'],
      ['reference', 'REF9', 'เลขอ้างอิง'],
    ]) {
      $(el, `[data-copy="${id}"]`).click();
      await waitUntil(() => text(el, '[role="status"]') === `คัดลอก${label}แล้ว`, `announced ${id}`);
      expect(await navigator.clipboard.readText()).to.equal(value);
    }
    expect($(el, '[data-copy="amount"]').getAttribute('aria-label')).to.equal('คัดลอก จำนวนเงิน');
  });

  it('reads the order from the companion, counts down to the deadline and follows the status to paid', async () => {
    const now = T0;
    const c = await companion({
      orders: {
        hp_bank: {
          views: [
            bankView({ expiresAt: '2026-11-22T11:00:00.000Z' }),
            bankView({ status: 'succeeded', expiresAt: '2026-11-22T11:00:00.000Z' }),
          ],
          date: new Date(T0 - 30_000).toUTCString(), // client clock 30 s fast
          intervalMs: 1500, // time to read the details before the payment lands
        },
      },
    });
    const el = await fixture<HaiPayBankTransfer>(
      html`<haipay-bank-transfer locale="en" .clock=${() => now}></haipay-bank-transfer>`,
    );
    el.endpoint = c.endpoint;
    el.orderId = 'hp_bank';
    await waitUntil(() => el.shadowRoot!.querySelector('#account-number'), 'details shown');
    await el.updateComplete;
    // The details took focus (their heading, focusable by script only).
    expect(el.shadowRoot!.activeElement?.id).to.equal('title');
    expect($(el, '#title').getAttribute('tabindex')).to.equal('-1');
    expect(text(el, '#bank-name')).to.equal('Vietcombank');
    expect(text(el, '#account-number')).to.equal('1234 5678 9012 3');
    expect(text(el, '#amount')).to.equal('₫150,000');
    expect(text(el, '[part~="countdown"] time')).to.equal('1:00:30');
    const ok = await oneEvent(el, 'haipay-succeeded');
    expect(ok.detail.view.status).to.equal('succeeded');
    await el.updateComplete;
    expect(text(el, '[part~="status"]')).to.equal('Payment received. Thank you!');
    expect(text(el, '[role="status"]')).to.equal('Payment received. Thank you!');
    expect(el.shadowRoot!.querySelector('[part~="details"]')).to.equal(null);
    expect(el.shadowRoot!.activeElement?.id).to.equal('result'); // then the result
    await expect(el).to.be.accessible();
  });

  it('shows the amount as the page does in English, Thai and Chinese', async () => {
    const cases: [string, string, string, string][] = [
      ['en', 'THB', '690.00', '฿690.00'],
      ['th', 'THB', '690.00', '฿690.00'],
      ['zh-TW', 'THB', '690.00', '฿690.00'],
      ['en', 'VND', '150000', '₫150,000'],
      ['zh-TW', 'VND', '150000', '₫150,000'],
    ];
    for (const [locale, currency, amount, shown] of cases) {
      const el = await fixture<HaiPayBankTransfer>(
        html`<haipay-bank-transfer
          locale=${locale}
          bank-code="KBANK"
          account-number="1234567890"
          amount=${amount}
          currency=${currency}
        ></haipay-bank-transfer>`,
      );
      expect(text(el, '#amount'), `${locale} ${currency}`).to.equal(shown);
    }
  });

  it('on a phone, wraps a long account name only between words and keeps the account number whole', async () => {
    await setViewport({ width: 375, height: 812 });
    try {
      const name = 'Saeng Coffee Roasters Company Limited Bangkok Headquarters';
      const el = await fixture<HaiPayBankTransfer>(
        html`<haipay-bank-transfer
          locale="en"
          bank-code="KBANK"
          account-number="1234567890"
          account-name=${name}
          amount="690.00"
        ></haipay-bank-transfer>`,
      );
      const shown = $(el, '#account-name');
      // Each rendered line of the name, from the text's client rects: every break falls between words.
      const range = document.createRange();
      const node = [...shown.childNodes].find((n) => n.nodeType === Node.TEXT_NODE && n.textContent!.trim())!;
      const chars = [...node.textContent!];
      const lines: string[] = [];
      let top = NaN;
      chars.forEach((char, i) => {
        range.setStart(node, i);
        range.setEnd(node, i + 1);
        const rect = range.getBoundingClientRect();
        if (rect.width === 0 && char === ' ') return;
        if (rect.top !== top) lines.push(char);
        else lines.push(`${lines.pop()!}${char}`);
        top = rect.top;
      });
      expect(lines.length, lines.join('|')).to.be.greaterThan(1);
      const words = name.split(' ');
      for (const line of lines) for (const w of line.trim().split(' ')) expect(words, line).to.include(w);
      const number = $(el, '#account-number');
      expect(text(el, '#account-number')).to.equal('123-4-56789-0');
      expect(number.getClientRects()).to.have.length(1); // one line
      expect(getComputedStyle(shown).wordBreak).to.not.equal('break-all');
      await expect(el).to.be.accessible();
    } finally {
      await setViewport({ width: 800, height: 600 });
    }
  });

  it('with order-ref and no order-id, starts the bank transfer itself and shows its details', async () => {
    const c = await companion({
      post: [{ status: 201, body: bankView() }],
      orders: { hp_bank: { views: [bankView()] } },
    });
    const el = await fixture<HaiPayBankTransfer>(
      html`<haipay-bank-transfer
        locale="en"
        endpoint=${c.endpoint}
        order-ref="cart-8"
      ></haipay-bank-transfer>`,
    );
    await waitUntil(() => el.shadowRoot!.querySelector('#account-number'), 'details shown');
    expect(text(el, '#account-number')).to.equal('1234 5678 9012 3');
    const [post] = await c.requests();
    expect(post!.body).to.deep.equal({ method: 'bank-transfer', orderRef: 'cart-8' });
    expect(el.orderId).to.equal('hp_bank');
  });

  it('shows the details it is given, without starting a payment, even with order-ref', async () => {
    const c = await companion({});
    const el = await fixture<HaiPayBankTransfer>(
      html`<haipay-bank-transfer
        locale="en"
        endpoint=${c.endpoint}
        order-ref="cart-8"
        bank-code="KBANK"
        account-number="8880000007"
        amount="100.00"
      ></haipay-bank-transfer>`,
    );
    await el.updateComplete;
    expect(text(el, '#account-number')).to.equal('888-0-00000-7');
    expect(await c.requests()).to.deep.equal([]);
  });

  it('falls back to polling and reaches failed', async () => {
    const c = await companion({
      orders: {
        hp_bank: {
          sse: 'fail',
          views: [bankView()],
          pollViews: [bankView(), bankView({ status: 'failed' })],
        },
      },
    });
    const el = await fixture<HaiPayBankTransfer>(
      html`<haipay-bank-transfer .pollInterval=${20}></haipay-bank-transfer>`,
    );
    el.endpoint = c.endpoint;
    el.orderId = 'hp_bank';
    await oneEvent(el, 'haipay-failed');
    await el.updateComplete;
    expect(text(el, '[part~="status"]')).to.equal('Payment failed.');
  });

  it('shows expired when the deadline passes', async () => {
    let now = T0;
    const el = await fixture<HaiPayBankTransfer>(
      html`<haipay-bank-transfer
        locale="zh-TW"
        .clock=${() => now}
        bank-code="BBL"
        account-number="1234567890"
        amount="10.00"
        expires-at=${new Date(T0 + 120_000).toISOString()}
      ></haipay-bank-transfer>`,
    );
    const expired = oneEvent(el, 'haipay-expired');
    now = T0 + 120_000;
    el.requestUpdate();
    await expired;
    await el.updateComplete;
    expect(text(el, '[part~="status"]')).to.equal('此筆付款已逾期。');
  });
});
