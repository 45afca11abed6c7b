import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import { ifDefined } from 'lit/directives/if-defined.js';
import '../src/index.js';
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
