import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import { ifDefined } from 'lit/directives/if-defined.js';
import { formatMoney, LOCALES } from '../src/index.js';
import type { HaiPayBankTransfer } from '../src/bank-transfer/bank-transfer.js';
import { PROMPTPAY_PAYLOAD, text } from './helpers.js';

/** Waits until every element under `root` has rendered (a non-English locale loads its strings first). */
async function settled(root: Element): Promise<void> {
  for (const el of root.children) await (el as Element & { updateComplete: Promise<unknown> }).updateComplete;
}

/** The three tags, following the page's language or with their own `locale`, once rendered. */
async function tags(locale?: string): Promise<Element> {
  const root = await fixture(
    html`<div>
      <haipay-qr locale=${ifDefined(locale)} payload=${PROMPTPAY_PAYLOAD} amount="100.00"></haipay-qr>
      <haipay-card-form locale=${ifDefined(locale)}></haipay-card-form>
      <haipay-bank-transfer locale=${ifDefined(locale)}></haipay-bank-transfer>
    </div>`,
  );
  await settled(root);
  return root;
}

/** What they show: the QR's title and amount, the card form's button, the bank transfer's title. */
function shown(root: Element): string {
  const [qr, card, bank] = ['haipay-qr', 'haipay-card-form', 'haipay-bank-transfer'].map((tag) =>
    root.querySelector(tag)!,
  );
  return [
    text(qr!, 'h2'),
    text(qr!, '[part~="amount"]'),
    text(card!, '[part~="submit-button"]'),
    text(bank!, 'h2'),
  ].join(' | ');
}

const ENGLISH = 'Scan to pay with PromptPay | ฿100.00 | Pay | Bank transfer';
const THAI = 'สแกนเพื่อชำระด้วยพร้อมเพย์ | ฿100.00 | ชำระเงิน | โอนผ่านธนาคาร';
const CHINESE = '使用 PromptPay 掃碼付款 | ฿100.00 | 付款 | 銀行轉帳';

describe('LocalizeController', () => {
  afterEach(() => {
    document.documentElement.lang = 'en';
  });

  it('is accessible', async () => {
    await expect(await tags()).to.be.accessible();
  });

  it('follows a later change of <html lang>, and back', async () => {
    const page = await tags();
    expect(shown(page)).to.equal(ENGLISH);
    document.documentElement.lang = 'th';
    await waitUntil(() => shown(page) === THAI, `switched to Thai (shows ${shown(page)})`);
    document.documentElement.lang = 'en';
    await waitUntil(() => shown(page) === ENGLISH, `switched back to English (shows ${shown(page)})`);
  });

  it('keeps an element on its own locale when <html lang> changes', async () => {
    const page = await tags();
    const own = await tags('zh-TW');
    expect(shown(own)).to.equal(CHINESE);
    document.documentElement.lang = 'th';
    await waitUntil(() => shown(page) === THAI, 'the page switched to Thai');
    await settled(own);
    expect(shown(own)).to.equal(CHINESE);
    document.documentElement.lang = 'en';
    await waitUntil(() => shown(page) === ENGLISH, 'the page switched back');
    await settled(own);
    expect(shown(own)).to.equal(CHINESE);
  });
});

/**
 * Every currency the kit takes, in every shipped language, as a shopper reads it: the exact text, and
 * the symbol left once digits, separators and spaces are taken away. Chromium's own ICU formats them
 * (it can differ from Node's), so these run here and not under node:test.
 */
const MONEY: Record<string, [string, string]> = {
  THB: ['1250.50', '฿1,250.50'],
  TWD: ['900', 'NT$900'],
  USD: ['24.50', 'US$24.50'],
  VND: ['150000', '₫150,000'],
};

describe('money', () => {
  /** What `<haipay-bank-transfer>` shows as the amount to pay. */
  async function shownAmount(locale: string, currency: string, amount: string): Promise<string> {
    const el = await fixture<HaiPayBankTransfer>(
      html`<haipay-bank-transfer
        locale=${locale}
        bank-code="KBANK"
        account-number="1234567890"
        amount=${amount}
        currency=${currency}
      ></haipay-bank-transfer>`,
    );
    return text(el, '#amount');
  }

  for (const locale of LOCALES) {
    it(`${locale}: each currency reads as itself, and no two share a symbol`, async () => {
      const symbols: string[] = [];
      for (const [currency, [amount, expected]] of Object.entries(MONEY)) {
        const shown = await shownAmount(locale, currency, amount);
        expect(shown, `${locale} ${currency}`).to.equal(expected);
        expect(formatMoney(amount, currency, locale), `formatMoney ${locale} ${currency}`).to.equal(shown);
        symbols.push(shown.replace(/[\d.,\s]/g, ''));
      }
      expect(symbols).to.deep.equal(['฿', 'NT$', 'US$', '₫']);
      expect(new Set(symbols).size).to.equal(symbols.length);
      expect(symbols).to.not.include('$');
    });
  }

  it('names the dollar whatever the page’s tag: th-TH, zh-Hant, zh-HK, en-GB, en-US', async () => {
    for (const tag of ['th-TH', 'zh-Hant', 'zh-HK', 'en-GB', 'en-US']) {
      expect(await shownAmount(tag, 'USD', '24.50'), tag).to.equal('US$24.50');
      expect(await shownAmount(tag, 'TWD', '900'), tag).to.equal('NT$900');
    }
  });

  it('shows Taiwan dollars whole, as HaiPay sends them, without hiding cents that are there', () => {
    expect(formatMoney('20000', 'TWD', 'zh-TW')).to.equal('NT$20,000');
    // The global cashier writes every amount with two digits: "900.00" is still NT$900.
    expect(formatMoney('900.00', 'TWD', 'zh-TW')).to.equal('NT$900');
    // An amount with cents is never rounded away.
    expect(formatMoney('900.50', 'TWD', 'en')).to.equal('NT$900.5');
    // Baht and US dollars always have their cents, dong none.
    expect(formatMoney('970', 'THB', 'th')).to.equal('฿970.00');
    expect(formatMoney(29, 'USD', 'zh-TW')).to.equal('US$29.00');
    expect(formatMoney('150000', 'VND', 'th')).to.equal('₫150,000');
  });

  it('formats a decimal string exactly, keeps the sign in front, and shows an unknown code', () => {
    // As a float 1.005 is 1.00499…, which would round down to US$1.00.
    expect(formatMoney('1.005', 'USD', 'en')).to.equal('US$1.01');
    expect(formatMoney('-5', 'USD', 'en')).to.equal('-US$5.00');
    expect(formatMoney('12', 'XYZ', 'en')).to.equal('XYZ\u00a012.00');
    expect(formatMoney('12', 'U$D', 'en')).to.equal('12 U$D');
    // Only the two dollars are renamed: another currency keeps what Intl gives it.
    for (const currency of ['HKD', 'SGD', 'EUR'])
      expect(formatMoney('12', currency, 'en'), currency).to.equal(
        new Intl.NumberFormat('en', { style: 'currency', currency, currencyDisplay: 'narrowSymbol' }).format(
          12,
        ),
      );
  });
});
