import { aTimeout, expect, fixture, html, oneEvent, waitUntil } from '@open-wc/testing';
import '../src/qr/qr.register.js';
import type { HaiPayQr } from '../src/qr/qr.js';
import { decodeQr, matrixFromPath } from './qr-decode.js';
import { $, companion, PROMPTPAY_PAYLOAD, setViewport, text, view, type OrderScript } from './helpers.js';

const T0 = Date.parse('2026-11-22T10:00:00.000Z');

async function qrFromOrder(orders: Record<string, OrderScript>, extra: Partial<HaiPayQr> = {}) {
  const c = await companion({ orders });
  const el = await fixture<HaiPayQr>(html`<haipay-qr></haipay-qr>`);
  Object.assign(el, { pollInterval: 30, ...extra });
  el.endpoint = c.endpoint;
  el.orderId = Object.keys(orders)[0]!;
  return { el, c };
}

function decodeRendered(el: HaiPayQr) {
  const svg = $(el, 'svg[part~="qr"]');
  const size = Number(svg.dataset['size']);
  const d = svg.querySelector('path')!.getAttribute('d')!;
  return decodeQr(matrixFromPath(d, size));
}

/**
 * Makes the page report a hidden (or visible again) tab the way Chromium does when the shopper switches
 * tabs: `document.hidden` / `visibilityState` change, then `visibilitychange` fires on the document.
 */
function setTabHidden(hidden: boolean): void {
  if (hidden) {
    Object.defineProperty(document, 'hidden', { configurable: true, get: () => true });
    Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => 'hidden' });
  } else {
    // Drop the own properties: Document.prototype's real getters (visible) apply again.
    delete (document as { hidden?: boolean }).hidden;
    delete (document as { visibilityState?: string }).visibilityState;
  }
  document.dispatchEvent(new Event('visibilitychange'));
}

describe('<haipay-qr>', () => {
  it('is accessible', async function () {
    // The file's first axe run loads axe-core; on a loaded machine that alone can take seconds.
    this.timeout(30_000);
    const el = await fixture<HaiPayQr>(
      html`<haipay-qr
        payload=${PROMPTPAY_PAYLOAD}
        amount="100.00"
        expires-at=${new Date(Date.now() + 600_000).toISOString()}
      ></haipay-qr>`,
    );
    await expect(el).to.be.accessible();
  });

  it('draws an SVG QR that decodes back to the payload, with the amount in THB and PromptPay branding', async () => {
    const el = await fixture<HaiPayQr>(
      html`<haipay-qr payload=${PROMPTPAY_PAYLOAD} amount="100.00" locale="en"></haipay-qr>`,
    );
    const decoded = decodeRendered(el);
    expect(decoded.text).to.equal(PROMPTPAY_PAYLOAD);
    expect(decoded.ecc).to.equal('M');
    expect(text(el, '[part~="amount"]')).to.equal('฿100.00');
    expect(text(el, '[part~="brand"]')).to.contain('PromptPay');
    expect($(el, 'svg[part~="qr"]').getAttribute('aria-label')).to.contain('100.00');
  });

  it('decodes a 200-character payload and a payload with UTF-8 bytes', async () => {
    const long = ('00020101021230' + '0123456789'.repeat(20)).slice(0, 196) + '6304';
    for (const payload of [long, 'promptpay://ชำระเงิน?amount=100.00']) {
      const el = await fixture<HaiPayQr>(html`<haipay-qr payload=${payload}></haipay-qr>`);
      expect(decodeRendered(el).text).to.equal(payload);
    }
  });

  it('shows the amount with Thai digits and symbol in Thai', async () => {
    const el = await fixture<HaiPayQr>(
      html`<haipay-qr payload=${PROMPTPAY_PAYLOAD} amount="1250.50" locale="th"></haipay-qr>`,
    );
    expect(text(el, '[part~="amount"]')).to.equal('฿1,250.50');
    expect(text(el, 'h2')).to.equal('สแกนเพื่อชำระด้วยพร้อมเพย์');
  });

  it('reads the payment from the companion and counts down to the server expiry, corrected for a skewed clock', async () => {
    // The client clock is 2 minutes behind the server (server Date header 10:02, client 10:00).
    let now = T0;
    const { el } = await qrFromOrder(
      {
        hp_skew: {
          views: [view({ orderId: 'hp_skew', expiresAt: '2026-11-22T10:12:00.000Z' })],
          date: new Date(T0 + 120_000).toUTCString(),
        },
      },
      { clock: () => now },
    );
    await waitUntil(() => el.shadowRoot!.querySelector('[part~="countdown"]'), 'countdown shown');
    // 10 minutes on the server's clock — not the 12 a browser trusting its own clock would show.
    expect(text(el, '[part~="countdown"] time')).to.equal('10:00');
    expect(decodeRendered(el).text).to.equal(PROMPTPAY_PAYLOAD);

    now = T0 + 5 * 60_000;
    el.requestUpdate();
    await el.updateComplete;
    expect(text(el, '[part~="countdown"] time')).to.equal('5:00');
    expect(text(el, '[role="status"]')).to.equal('5 minutes left');

    now = T0 + 9 * 60_000 + 1_000;
    el.requestUpdate();
    await el.updateComplete;
    expect(text(el, '[part~="countdown"] time')).to.equal('0:59');
    expect(text(el, '[role="status"]')).to.equal('1 minute left');
  });

  it('never shows more time than the server gave: a fresh 15-minute QR reads 15:00, not 15:01', async () => {
    // The server made the order 400 ms into a second; its Date header says only the whole second.
    const created = T0 + 400;
    const { el } = await qrFromOrder(
      {
        hp_fresh: {
          views: [view({ orderId: 'hp_fresh', expiresAt: new Date(created + 15 * 60_000).toISOString() })],
          date: new Date(T0).toUTCString(),
        },
      },
      { clock: () => created },
    );
    await waitUntil(() => el.shadowRoot!.querySelector('[part~="countdown"]'), 'countdown shown');
    expect(text(el, '[part~="countdown"] time')).to.equal('15:00');
  });

  it('announces only milestones, not every second', async () => {
    let now = T0;
    const el = await fixture<HaiPayQr>(
      html`<haipay-qr
        payload=${PROMPTPAY_PAYLOAD}
        .clock=${() => now}
        expires-at=${new Date(T0 + 7 * 60_000).toISOString()}
      ></haipay-qr>`,
    );
    for (const s of [1, 2, 30, 61]) {
      now = T0 + s * 1000;
      el.requestUpdate();
      await el.updateComplete;
      expect(text(el, '[role="status"]')).to.equal('');
    }
  });

  it('stops at expiry, shows the expired state and fires haipay-new-qr from "New QR"', async () => {
    let now = T0;
    const el = await fixture<HaiPayQr>(
      html`<haipay-qr
        payload=${PROMPTPAY_PAYLOAD}
        .clock=${() => now}
        expires-at=${new Date(T0 + 60_000).toISOString()}
      ></haipay-qr>`,
    );
    const expired = oneEvent(el, 'haipay-expired');
    now = T0 + 60_000;
    el.requestUpdate();
    await expired;
    await el.updateComplete;
    expect(el.shadowRoot!.querySelector('svg[part~="qr"]')).to.equal(null);
    expect(text(el, '[part~="status"]')).to.equal('This payment has expired.');
    const newQr = oneEvent(el, 'haipay-new-qr');
    $(el, '[part~="new-qr-button"]').click();
    const ev = await newQr;
    expect(ev.bubbles && ev.composed).to.equal(true);
  });

  it('shows money as the page does in English, Thai and Chinese (฿690.00, not THB 690.00)', async () => {
    for (const locale of ['en', 'th', 'zh-TW']) {
      const el = await fixture<HaiPayQr>(
        html`<haipay-qr payload=${PROMPTPAY_PAYLOAD} amount="690.00" locale=${locale}></haipay-qr>`,
      );
      expect(text(el, '[part~="amount"]'), locale).to.equal('฿690.00');
      expect($(el, 'svg[part~="qr"]').getAttribute('aria-label'), locale).to.contain('฿690.00');
    }
  });

  describe('focus and phones', () => {
    afterEach(async () => {
      await setViewport({ width: 800, height: 600 });
      window.scrollTo(0, 0);
    });

    it('moves focus to the QR heading when the QR appears, then to the result when paid (axe-clean)', async () => {
      const orderId = 'hp_focus';
      const c = await companion({
        orders: {
          [orderId]: {
            views: [view({ orderId }), view({ orderId, status: 'succeeded' })],
            intervalMs: 600,
          },
        },
      });
      const el = await fixture<HaiPayQr>(html`<haipay-qr></haipay-qr>`);
      const before = document.activeElement;
      el.endpoint = c.endpoint;
      el.orderId = orderId;
      await waitUntil(() => el.shadowRoot!.querySelector('svg[part~="qr"]'), 'QR drawn');
      await el.updateComplete;
      expect(document.activeElement).to.equal(el);
      expect(el.shadowRoot!.activeElement?.id).to.equal('title');
      expect(el.shadowRoot!.activeElement?.getAttribute('tabindex')).to.equal('-1');
      expect(before).to.not.equal(el);
      await oneEvent(el, 'haipay-succeeded');
      await el.updateComplete;
      expect(el.shadowRoot!.activeElement?.id).to.equal('result');
      expect(text(el, '#result')).to.equal('Payment received. Thank you!');
      await expect(el).to.be.accessible();
    });

    it('does not take focus for a QR drawn from attributes on first render', async () => {
      const el = await fixture<HaiPayQr>(
        html`<haipay-qr payload=${PROMPTPAY_PAYLOAD} amount="1.00"></haipay-qr>`,
      );
      expect(el.shadowRoot!.activeElement).to.equal(null);
    });

    it('on a 375 × 812 phone, scrolls the QR into view with its countdown and status visible beside it', async () => {
      await setViewport({ width: 375, height: 812 });
      const orderId = 'hp_phone';
      const c = await companion({ orders: { [orderId]: { views: [view({ orderId })] } } });
      // A shop page with a long order summary above the element.
      const page = await fixture<HTMLDivElement>(
        html`<div>
          <div style="height: 1400px">Order summary</div>
          <haipay-qr locale="th"></haipay-qr>
          <div style="height: 1400px">Footer</div>
        </div>`,
      );
      const el = page.querySelector('haipay-qr')!;
      el.endpoint = c.endpoint;
      el.orderId = orderId;
      await waitUntil(() => el.shadowRoot!.querySelector('[part~="countdown"]'), 'countdown shown');
      await el.updateComplete;
      await new Promise(requestAnimationFrame);
      expect(window.innerWidth).to.equal(375);
      for (const part of ['qr', 'countdown', 'status']) {
        const box = $(el, `[part~="${part}"]`).getBoundingClientRect();
        expect(box.height, part).to.be.greaterThan(0);
        expect(box.top, `${part} top`).to.be.at.least(0);
        expect(box.bottom, `${part} bottom`).to.be.at.most(812);
        expect(box.left, `${part} left`).to.be.at.least(0);
        expect(box.right, `${part} right`).to.be.at.most(375);
      }
      await expect(el).to.be.accessible();
    });
  });

  describe('with order-ref and no order-id (a page with only the tag)', () => {
    it('starts the PromptPay payment itself, draws its QR and follows it', async () => {
      const c = await companion({
        post: [{ status: 201, body: view({ orderId: 'hp_tag' }) }],
        orders: { hp_tag: { views: [view({ orderId: 'hp_tag' })] } },
      });
      const el = document.createElement('haipay-qr');
      el.setAttribute('endpoint', c.endpoint);
      el.setAttribute('order-ref', 'cart-42');
      const created = oneEvent(el, 'haipay-created');
      document.body.append(el);
      try {
        expect((await created).detail.orderId).to.equal('hp_tag');
        await waitUntil(() => el.shadowRoot!.querySelector('svg[part~="qr"]'), 'QR drawn');
        expect(decodeRendered(el).text).to.equal(PROMPTPAY_PAYLOAD);
        const [post, ...reads] = await c.requests();
        expect(post!.method).to.equal('POST');
        expect(post!.body).to.deep.equal({ method: 'promptpay', orderRef: 'cart-42' });
        expect(post!.idempotencyKey).to.match(/^[0-9a-f-]{36}$/);
        expect(reads.map((r) => r.path)).to.include('/payments/hp_tag/events');
      } finally {
        el.remove();
      }
    });

    it('retries a dropped answer under the same Idempotency-Key, so one attempt makes one payment', async () => {
      const c = await companion({
        post: [{ drop: true }, { status: 201, body: view({ orderId: 'hp_retry' }) }],
        orders: { hp_retry: { views: [view({ orderId: 'hp_retry' })] } },
      });
      const el = await fixture<HaiPayQr>(
        html`<haipay-qr endpoint=${c.endpoint} order-ref="cart-7"></haipay-qr>`,
      );
      await waitUntil(() => el.shadowRoot!.querySelector('svg[part~="qr"]'), 'QR drawn after the retry', {
        timeout: 4000,
      });
      const posts = (await c.requests()).filter((r) => r.method === 'POST');
      expect(posts.length).to.equal(2);
      expect(posts[1]!.idempotencyKey).to.equal(posts[0]!.idempotencyKey);
    });

    it('shows an error and fires haipay-error when the companion refuses to start it', async () => {
      const c = await companion({
        post: [
          {
            status: 400,
            body: {
              error: {
                type: 'validation_error',
                message: 'Some fields are invalid.',
                fields: [{ field: 'email', code: 'required', message: 'Email is required' }],
              },
            },
          },
        ],
      });
      const el = document.createElement('haipay-qr');
      el.setAttribute('locale', 'th');
      el.setAttribute('order-ref', 'cart-1');
      const failed = oneEvent(el, 'haipay-error');
      el.setAttribute('endpoint', c.endpoint);
      document.body.append(el);
      try {
        const ev = await failed;
        expect(ev.detail).to.deep.equal({ type: 'validation_error', message: 'Some fields are invalid.' });
        await waitUntil(() => el.shadowRoot!.querySelector('[part~="status"]'), 'error shown');
        expect(text(el, '[part~="status"]')).to.equal('เกิดข้อผิดพลาด กรุณาลองใหม่อีกครั้ง');
        expect(el.shadowRoot!.querySelector('svg[part~="qr"]')).to.equal(null);
      } finally {
        el.remove();
      }
    });

    it('"New QR" after the companion expires it starts a new payment with a new key, whose countdown runs', async () => {
      let now = T0;
      const first = view({ orderId: 'hp_old', expiresAt: new Date(T0 + 60_000).toISOString() });
      const second = view({ orderId: 'hp_new', expiresAt: new Date(T0 + 15 * 60_000).toISOString() });
      const c = await companion({
        post: [
          { status: 201, body: first },
          { status: 201, body: second },
        ],
        orders: {
          // The companion says "expired" (the countdown stops on a final status) …
          hp_old: { views: [first, { ...first, status: 'expired' }], date: new Date(T0).toUTCString() },
          hp_new: { views: [second], date: new Date(T0).toUTCString() },
        },
      });
      const el = document.createElement('haipay-qr');
      el.clock = () => now;
      el.setAttribute('endpoint', c.endpoint);
      el.setAttribute('order-ref', 'cart-3');
      const expired = oneEvent(el, 'haipay-expired');
      document.body.append(el);
      try {
        await expired;
        await el.updateComplete;
        $(el, '[part~="new-qr-button"]').click();
        await waitUntil(() => el.orderId === 'hp_new', 'the new payment is followed');
        await waitUntil(() => el.shadowRoot!.querySelector('[part~="countdown"] time'), 'new countdown');
        expect(text(el, '[part~="countdown"] time')).to.equal('15:00');
        // … so the new payment's countdown must start ticking again on its own.
        now += 2_000;
        await waitUntil(() => text(el, '[part~="countdown"] time') === '14:58', 'the countdown ticks', {
          timeout: 2500,
        });
        const posts = (await c.requests()).filter((r) => r.method === 'POST');
        expect(posts.length).to.equal(2);
        expect(posts[1]!.idempotencyKey).to.not.equal(posts[0]!.idempotencyKey);
      } finally {
        el.remove();
      }
    });

    it('leaves "New QR" to the page when a listener cancels haipay-new-qr', async () => {
      let now = T0;
      const first = view({ orderId: 'hp_once', expiresAt: new Date(T0 + 60_000).toISOString() });
      const c = await companion({
        post: [{ status: 201, body: first }],
        orders: { hp_once: { views: [first], date: new Date(T0).toUTCString() } },
      });
      const el = await fixture<HaiPayQr>(
        html`<haipay-qr endpoint=${c.endpoint} order-ref="cart-4" .clock=${() => now}></haipay-qr>`,
      );
      await waitUntil(() => el.shadowRoot!.querySelector('[part~="countdown"]'), 'QR');
      const expired = oneEvent(el, 'haipay-expired');
      now = T0 + 60_000;
      el.requestUpdate();
      await expired;
      await el.updateComplete;
      el.addEventListener('haipay-new-qr', (e) => e.preventDefault(), { once: true });
      $(el, '[part~="new-qr-button"]').click();
      await aTimeout(100);
      expect(el.orderId).to.equal('hp_once');
      expect((await c.requests()).filter((r) => r.method === 'POST').length).to.equal(1);
    });
  });

  for (const [status, event, message] of [
    ['succeeded', 'haipay-succeeded', 'Payment received. Thank you!'],
    ['failed', 'haipay-failed', 'Payment failed.'],
    ['expired', 'haipay-expired', 'This payment has expired.'],
  ] as const) {
    it(`follows the status stream to ${status}`, async () => {
      const orderId = `hp_${status}`;
      const { el } = await qrFromOrder({
        [orderId]: {
          views: [
            view({ orderId, status: 'pending' }),
            view({ orderId, status: 'processing' }),
            view({ orderId, status, updatedAt: new Date().toISOString() }),
          ],
        },
      });
      const ev = await oneEvent(el, event);
      expect(ev.detail.orderId).to.equal(orderId);
      await el.updateComplete;
      expect(text(el, '[part~="status"]')).to.equal(message);
      expect(text(el, '[role="status"]')).to.equal(message);
    });
  }

  it('falls back to polling when the stream fails', async () => {
    const { el, c } = await qrFromOrder({
      hp_poll: {
        sse: 'fail',
        views: [view({ orderId: 'hp_poll' })],
        pollViews: [
          view({ orderId: 'hp_poll' }),
          view({ orderId: 'hp_poll' }),
          view({ orderId: 'hp_poll', status: 'succeeded' }),
        ],
      },
    });
    await oneEvent(el, 'haipay-succeeded');
    const paths = (await c.requests()).map((r) => r.path);
    expect(paths).to.include('/payments/hp_poll/events');
    expect(paths.filter((p) => p === '/payments/hp_poll').length).to.be.greaterThanOrEqual(3);
  });

  it('keeps polling after a poll that rejects', async () => {
    const { el } = await qrFromOrder({
      hp_poll_reject: {
        sse: 'fail',
        views: [view({ orderId: 'hp_poll_reject' })],
        pollViews: [
          view({ orderId: 'hp_poll_reject' }),
          view({ orderId: 'hp_poll_reject', status: 'succeeded' }),
        ],
      },
    });
    // The controller's own GET never rejects; one that did (a bug, a future change) must not end polling.
    const status = (el as unknown as { status: { refresh(): Promise<unknown> } }).status;
    const refresh = status.refresh.bind(status);
    let rejected = 0;
    status.refresh = () => (rejected++ ? refresh() : Promise.reject(new Error('refresh failed')));
    await oneEvent(el, 'haipay-succeeded');
    expect(rejected).to.be.greaterThanOrEqual(2);
  });

  describe('while the tab is hidden', () => {
    afterEach(() => {
      if (document.hidden) setTabHidden(false);
    });

    it('stops polling, sends nothing, then refreshes and catches up when visible again', async () => {
      const pending = view({ orderId: 'hp_hidden_poll' });
      const { el, c } = await qrFromOrder({
        hp_hidden_poll: { sse: 'fail', views: [pending], pollViews: [pending] },
      });
      const gets = async () =>
        (await c.requests()).filter((r) => r.path === '/payments/hp_hidden_poll').length;
      // First GET, failed stream, then polling every 30 ms (doubling while nothing changes).
      await waitUntil(async () => (await gets()) >= 3, 'polling', { timeout: 4000 });
      setTabHidden(true);
      await aTimeout(50); // a poll already in flight may still land
      const whileHidden = (await c.requests()).length;
      // The payment succeeds on the companion while the shopper is away.
      await c.set({
        orders: {
          hp_hidden_poll: {
            sse: 'fail',
            views: [pending],
            pollViews: [view({ orderId: 'hp_hidden_poll', status: 'succeeded' })],
          },
        },
      });
      let succeeded = false;
      el.addEventListener('haipay-succeeded', () => (succeeded = true));
      // Unpaused, polling at 30 → 60 → 120 → 240 ms would have sent several GETs by now.
      await aTimeout(700);
      expect((await c.requests()).length, 'no request while hidden').to.equal(whileHidden);
      expect(succeeded, 'nothing learned while hidden').to.equal(false);
      expect(text(el, '[part~="status"]')).to.not.equal('Payment received. Thank you!');

      const caughtUp = oneEvent(el, 'haipay-succeeded');
      setTabHidden(false);
      const ev = await caughtUp;
      expect(ev.detail.view.status).to.equal('succeeded');
      const after = (await c.requests()).slice(whileHidden).map((r) => `${r.method} ${r.path}`);
      expect(after[0], 'a refresh as soon as the tab is visible').to.equal('GET /payments/hp_hidden_poll');
      await el.updateComplete;
      expect(text(el, '[part~="status"]')).to.equal('Payment received. Thank you!');
    });

    it('closes the status stream, opens nothing while hidden, then refreshes and reopens it', async () => {
      const pending = view({ orderId: 'hp_hidden_sse' });
      const { el, c } = await qrFromOrder({ hp_hidden_sse: { views: [pending], pollViews: [pending] } });
      await waitUntil(async () => (await c.openStreams()) === 1, 'stream open', { timeout: 4000 });
      setTabHidden(true);
      await waitUntil(async () => (await c.openStreams()) === 0, 'stream closed while hidden', {
        timeout: 4000,
      });
      const whileHidden = (await c.requests()).length;
      // While hidden the payment is paid; the stream would now say so.
      await c.set({
        orders: {
          hp_hidden_sse: {
            views: [pending, view({ orderId: 'hp_hidden_sse', status: 'succeeded' })],
            pollViews: [pending],
          },
        },
      });
      let succeeded = false;
      el.addEventListener('haipay-succeeded', () => (succeeded = true));
      await aTimeout(600);
      expect((await c.requests()).length, 'no request while hidden').to.equal(whileHidden);
      expect(await c.openStreams()).to.equal(0);
      expect(succeeded).to.equal(false);

      const caughtUp = oneEvent(el, 'haipay-succeeded');
      setTabHidden(false);
      await caughtUp;
      const after = (await c.requests()).slice(whileHidden).map((r) => `${r.method} ${r.path}`);
      expect(after).to.deep.equal(['GET /payments/hp_hidden_sse', 'GET /payments/hp_hidden_sse/events']);
      await el.updateComplete;
      expect(text(el, '[part~="status"]')).to.equal('Payment received. Thank you!');
    });
  });

  it('copies the payload with "Copy code" and announces it', async () => {
    const el = await fixture<HaiPayQr>(html`<haipay-qr payload=${PROMPTPAY_PAYLOAD}></haipay-qr>`);
    $(el, '[part~="copy-button"]').click();
    await waitUntil(() => text(el, '[role="status"]') === 'Copied', 'announced');
    expect(await navigator.clipboard.readText()).to.equal(PROMPTPAY_PAYLOAD);
  });

  it('saves the QR as a PNG image that carries the same modules', async () => {
    const el = await fixture<HaiPayQr>(html`<haipay-qr payload=${PROMPTPAY_PAYLOAD}></haipay-qr>`);
    const saved = new Promise<[Blob, string]>((resolve) => (el.saveFile = (b, n) => resolve([b, n])));
    $(el, '[part~="save-button"]').click();
    const [blob, name] = await saved;
    expect(blob.type).to.equal('image/png');
    expect(name).to.match(/\.png$/);
    const bitmap = await createImageBitmap(blob);
    const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
    const ctx = canvas.getContext('2d')!;
    ctx.drawImage(bitmap, 0, 0);
    const size = Number($(el, 'svg[part~="qr"]').dataset['size']);
    const scale = bitmap.width / (size + 8);
    const px = ctx.getImageData(0, 0, bitmap.width, bitmap.height).data;
    const modules = Array.from({ length: size }, (_, y) =>
      Array.from(
        { length: size },
        (_, x) => px[(((y + 4) * scale + scale / 2) * bitmap.width + (x + 4) * scale + scale / 2) * 4]! < 128,
      ),
    );
    expect(decodeQr(modules).text).to.equal(PROMPTPAY_PAYLOAD);
  });
});
