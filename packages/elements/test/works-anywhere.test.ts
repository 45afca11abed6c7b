import { expect, fixture, html, oneEvent, waitUntil } from '@open-wc/testing';
import type { HaiPayQr } from '../src/qr/qr.js';
import { companion, PROMPTPAY_PAYLOAD, view } from './helpers.js';

// This file imports the elements only inside the first test, after installing spies, so it can show
// that importing them makes no network call.
const calls: string[] = [];

describe('works anywhere', () => {
  it('is accessible, and importing the elements makes no network call', async () => {
    const origFetch = window.fetch.bind(window);
    const OrigES = window.EventSource;
    const origBeacon = navigator.sendBeacon.bind(navigator);
    // Kept to put back on the prototype afterwards, and called with the patched call's own `this`.
    // eslint-disable-next-line @typescript-eslint/unbound-method
    const origOpen = XMLHttpRequest.prototype.open;
    window.fetch = (input: RequestInfo | URL, init?: RequestInit) => {
      calls.push(`fetch ${input instanceof Request ? input.url : String(input)}`);
      return origFetch(input, init);
    };
    window.EventSource = class extends OrigES {
      constructor(url: string | URL, init?: EventSourceInit) {
        calls.push(`sse ${String(url)}`);
        super(url, init);
      }
    };
    navigator.sendBeacon = (url: string | URL, data?: BodyInit | null) => (
      calls.push(`beacon ${String(url)}`),
      origBeacon(url, data)
    );
    XMLHttpRequest.prototype.open = function (
      this: XMLHttpRequest,
      ...args: Parameters<XMLHttpRequest['open']>
    ) {
      calls.push(`xhr ${String(args[1])}`);
      return (origOpen as (...a: unknown[]) => void).apply(this, args);
    } as XMLHttpRequest['open'];
    const resourcesBefore = performance.getEntriesByType('resource').length;
    try {
      await import('../src/index.js');
      await import('../src/qr/qr.register.js'); // a second registration path is tolerated
      const el = await fixture(
        html`<div>
          <haipay-card-form></haipay-card-form><haipay-qr></haipay-qr
          ><haipay-bank-transfer></haipay-bank-transfer>
        </div>`,
      );
      // A real wait, for something not to happen: a request, or a resource entry the browser records
      // asynchronously.
      await new Promise((r) => setTimeout(r, 50));
      expect(calls).to.deep.equal([]);
      const fetched = performance
        .getEntriesByType('resource')
        .slice(resourcesBefore)
        .filter((e) => !/\.(ts|js|mjs)(\?|$)/.test(e.name) && !e.name.includes('/node_modules/'));
      expect(fetched.map((e) => e.name)).to.deep.equal([]);
      await expect(el).to.be.accessible();
    } finally {
      window.fetch = origFetch;
      window.EventSource = OrigES;
      navigator.sendBeacon = origBeacon;
      XMLHttpRequest.prototype.open = origOpen;
    }
  });

  it('tolerates defining the tags twice', async () => {
    await import('../src/card-form/card-form.register.js');
    await import('../src/bank-transfer/bank-transfer.register.js');
    expect(customElements.get('haipay-qr')).to.not.equal(undefined);
  });

  it('works inside two levels of shadow roots, and its events reach the document', async () => {
    const c = await companion({
      orders: {
        hp_nested: {
          views: [view({ orderId: 'hp_nested' }), view({ orderId: 'hp_nested', status: 'succeeded' })],
        },
      },
    });
    const host = await fixture<HTMLDivElement>(html`<div></div>`);
    const outer = host.attachShadow({ mode: 'open' });
    const middle = document.createElement('section');
    outer.append(middle);
    const inner = middle.attachShadow({ mode: 'closed' });
    const qr = document.createElement('haipay-qr');
    qr.setAttribute('endpoint', c.endpoint);
    qr.setAttribute('order-id', 'hp_nested');
    const heard = oneEvent(document, 'haipay-succeeded');
    inner.append(qr);
    const ev = await heard;
    expect(ev.detail.orderId).to.equal('hp_nested');
    // Seen from the document, the event is retargeted to the outermost host (shadow roots stay sealed).
    expect(ev.target === host).to.equal(true);
    expect(
      qr.shadowRoot!.querySelector('[data-status="succeeded"]') !== null || (await qr.updateComplete, true),
    ).to.equal(true);
  });

  it('takes its theme from :root custom properties and the theme attribute', async () => {
    document.documentElement.style.setProperty('--haipay-color-primary', 'rgb(1, 2, 3)');
    try {
      const el = await fixture<HaiPayQr>(
        html`<haipay-qr theme="dark" payload=${PROMPTPAY_PAYLOAD}></haipay-qr>`,
      );
      const button = el.shadowRoot!.querySelector('button')!;
      expect(getComputedStyle(button).borderColor).to.equal('rgb(140, 180, 255)'); // dark primary
      el.theme = 'light';
      await el.updateComplete;
      expect(getComputedStyle(button).borderColor).to.equal('rgb(1, 2, 3)');
      expect(getComputedStyle(el.shadowRoot!.querySelector('[part~="base"]')!).backgroundColor).to.equal(
        'rgb(255, 255, 255)',
      );
    } finally {
      document.documentElement.style.removeProperty('--haipay-color-primary');
    }
  });

  it('renders under a strict CSP without inline style attributes', async () => {
    const el = await fixture<HaiPayQr>(
      html`<haipay-qr payload=${PROMPTPAY_PAYLOAD} amount="1.00"></haipay-qr>`,
    );
    await waitUntil(() => el.shadowRoot!.querySelector('svg'));
    expect(el.shadowRoot!.querySelectorAll('[style]').length).to.equal(0);
    expect(el.shadowRoot!.querySelectorAll('style').length).to.equal(0); // adoptedStyleSheets only
  });
});
