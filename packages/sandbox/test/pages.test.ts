import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { pageLang } from '../src/page-strings.js';
import { createSandbox, type Sandbox } from '../src/index.js';
import { call, cardCollect, ok, postForm, sharedConfig, thbCollect } from './helpers.js';

describe('hosted pages: the shopper’s language', () => {
  test('?lang= first, then Accept-Language by weight, then English', () => {
    assert.equal(pageLang('th', 'zh-TW,en'), 'th');
    assert.equal(pageLang('zh-tw', undefined), 'zh-TW');
    assert.equal(pageLang(undefined, 'th-TH,th;q=0.9,en;q=0.8'), 'th');
    assert.equal(pageLang(undefined, 'en;q=0.5, th;q=0.9'), 'th', 'the weight, not the order');
    assert.equal(pageLang(undefined, 'zh-Hant-TW'), 'zh-TW');
    assert.equal(pageLang(undefined, 'zh-HK,en;q=0.5'), 'zh-TW');
    assert.equal(pageLang(undefined, 'zh'), 'zh-TW');
    // Simplified Chinese is not offered: the reader's next language is taken.
    assert.equal(pageLang(undefined, 'zh-CN,th;q=0.8'), 'th');
    assert.equal(pageLang(undefined, 'fr-FR,de;q=0.9'), 'en');
    assert.equal(pageLang(undefined, 'th;q=0,en'), 'en', 'q=0 means "not this one"');
    assert.equal(pageLang(undefined, undefined), 'en');
  });

  test('a hostile lang or header is never echoed and falls back', () => {
    assert.equal(pageLang('"><script>alert(1)</script>', undefined), 'en');
    assert.equal(pageLang(['th'], undefined), 'en', 'a repeated ?lang= is an array: ignored');
    assert.equal(
      pageLang(undefined, `${'x;q=1,'.repeat(10_000)}th`),
      'en',
      'only the header’s start is read',
    );
    assert.equal(pageLang(undefined, 'th;q=abc'), 'en');
  });
});

describe('hosted pages over HTTP', () => {
  let sb: Sandbox;
  before(async () => {
    sb = await createSandbox({ config: sharedConfig() });
  });
  after(() => sb.close());

  const get = (url: string, lang?: string) =>
    fetch(url, { headers: lang ? { 'accept-language': lang } : {}, redirect: 'manual' });
  const wallet = async () =>
    String(
      ok(
        await call(
          sb,
          sb.merchant('THB'),
          '/thb/collect/apply',
          thbCollect({ payType: 'PAYMENT_GATEWAY', inBankCode: 'TM' }),
        ),
      ).payUrl,
    );

  test('Accept-Language picks the page’s language; the answer varies by it', async () => {
    const payUrl = await wallet();
    const th = await get(payUrl, 'th-TH,th;q=0.9');
    assert.equal(th.headers.get('vary'), 'Accept-Language');
    const html = await th.text();
    assert.match(html, /<html lang="th">/);
    assert.match(html, /<button [^>]*value="approve">ชำระเงิน<\/button>/);
    assert.match(html, /หน้าทดสอบของ HaiPay sandbox/);
    assert.match(html, /<span class="badge">SANDBOX<\/span>/);
    // Links to the same page in the other languages; the current one is marked, not linked.
    assert.match(
      html,
      new RegExp(`<a href="/pay/[^"?]+\\?lang=zh-TW" lang="zh-TW" hreflang="zh-TW">繁體中文</a>`),
    );
    assert.match(html, /<span aria-current="true" lang="th">ไทย<\/span>/);
    const zh = await (await get(payUrl, 'zh-TW')).text();
    assert.match(zh, /<html lang="zh-TW">[\s\S]*<button [^>]*value="decline"[^>]*>取消付款<\/button>/);
    assert.match(await (await get(payUrl)).text(), /<html lang="en">[\s\S]*>Cancel payment</);
  });

  test('?lang= beats the browser and is carried by the form and the 3-D Secure redirect', async () => {
    const card = ok(
      await call(sb, sb.merchant('USD'), '/usd/collect/apply', {
        ...cardCollect('4242424242424242'),
        callBackFailUrl: 'https://merchant.example/fail',
        accountNo: undefined,
        expiryMonth: undefined,
        expiryYear: undefined,
        cvv: undefined,
        clientType: undefined,
        referer: undefined,
        userAgent: undefined,
        customerIp: undefined,
        notifyUrl: undefined,
      }),
    );
    const page = await (await get(`${String(card.payUrl)}?lang=zh-TW`, 'th')).text();
    assert.match(page, /<html lang="zh-TW">[\s\S]*<h1>信用卡付款<\/h1>/);
    assert.match(page, /<label for="card-accountNo">卡號<\/label>/);
    const action = /<form method="post" action="([^"]+)">/.exec(page)?.[1];
    assert.equal(action, `/pay/${String(card.orderNo)}?lang=zh-TW`);

    // A wrong card number: the page again, in Chinese, naming the field.
    const bad = await postForm(new URL(action ?? '', sb.url).href, {
      accountNo: '4242 4242 4242 4241',
      expiryMonth: '11',
      expiryYear: '2030',
      cvv: '123',
      action: 'approve',
    });
    assert.equal(bad.status, 422);
    const again = await bad.text();
    assert.match(again, /<p class="error" role="alert">請檢查下方的卡片資料。<\/p>/);
    assert.match(again, /id="card-accountNo-error">請檢查卡號。</);
    assert.doesNotMatch(again, /4242 4242 4242 4241/, 'the number is not filled back in');

    const challenge = await postForm(new URL(action ?? '', sb.url).href, {
      accountNo: '4000 0566 5566 5556',
      expiryMonth: '11',
      expiryYear: '2030',
      cvv: '123',
      action: 'approve',
    });
    assert.equal(challenge.status, 303);
    assert.equal(challenge.headers.get('location'), `/pay/${String(card.orderNo)}?lang=zh-TW`);
    const threeDs = await (await get(new URL(challenge.headers.get('location')!, sb.url).href)).text();
    assert.match(threeDs, /<h1>3-D 驗證<\/h1>[\s\S]*卡號末四碼 <strong>5556<\/strong>/);
  });

  test('the bank app answers its errors in the page’s language', async () => {
    const res = await postForm(`${sb.url}/bank-app?lang=th`, {
      payload: '0000000000',
      amount: '1',
      action: 'approve',
    });
    assert.equal(res.status, 422);
    const html = await res.text();
    assert.match(html, /<p class="error" role="alert" id="bank-error">ไม่มีบัญชีเสมือนของ sandbox ที่ใช้เลขนี้<\/p>/);
    assert.match(html, /<form method="post" action="\/bank-app\?lang=th">/);
    const page = await (await get(`${sb.url}/bank-app?payload=abc&lang=zh-TW`)).text();
    // The language links keep what the page was opened with.
    assert.match(page, /<a href="\/bank-app\?payload=abc&#38;lang=en" lang="en" hreflang="en">English<\/a>/);
  });

  test('a finished or unknown payment link says so in the page’s language', async () => {
    const payUrl = await wallet();
    const done = await postForm(payUrl, { action: 'approve' });
    assert.equal(done.status, 303);
    assert.match(await (await get(payUrl, 'th')).text(), /<h1>การชำระเงินสิ้นสุดแล้ว<\/h1>[\s\S]*ชำระแล้ว/);
    const unknown = await get(`${sb.url}/pay/0000000000000000?lang=zh-TW`);
    assert.equal(unknown.status, 404);
    assert.match(await unknown.text(), /找不到此付款連結/);
  });

  test('a hostile ?lang= is not reflected anywhere in the page', async () => {
    const payUrl = await wallet();
    const html = await (await get(`${payUrl}?lang=%22%3E%3Cscript%3Ex%3C%2Fscript%3E`)).text();
    assert.match(html, /<html lang="en">/);
    assert.doesNotMatch(html, /<script>/);
    assert.match(html, /<form method="post" action="\/pay\/\d+">/, 'an unknown lang is not carried on');
  });
});
