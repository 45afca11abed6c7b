import { html, LitElement, nothing, type PropertyDeclarations } from 'lit';
import { getMethods } from '../shared/methods.js';
import { LocalizeController, type Translation } from '../controllers/localize-controller.js';
import { emit } from '../events.js';
import { baseStyles } from '../shared/styles.js';
import type { Theme } from '../types.js';
import { checkoutStrings } from './checkout.strings.js';
import { checkoutStyles } from './checkout.styles.js';

/** One method of `GET {endpoint}/methods`: what it would charge for this order. */
export interface MethodOffer {
  method: string;
  amount: string;
  currency: string;
  /** The card is typed on HaiPay's page (the companion's `cardMode: 'hosted'`): no card form here. */
  hosted?: boolean;
}

/**
 * Each method's element, loaded when that method is chosen (a separate chunk in the merchant's build),
 * so a shopper downloads only the form they use. Methods without one pay on HaiPay's page (redirect).
 */
const ELEMENTS: Record<string, () => Promise<unknown>> = {
  card: () => import('../card-form/card-form.register.js'),
  promptpay: () => import('../qr/qr.register.js'),
  'bank-transfer': () => import('../bank-transfer/bank-transfer.register.js'),
};

/** The method a locale starts on when neither the page nor the shopper chose one. */
const LOCALE_DEFAULT = { en: 'card', th: 'promptpay', 'zh-TW': 'twd-store-' } as const;

/** `methods="card promptpay"` (spaces or commas) → `['card', 'promptpay']`. */
const listConverter = {
  fromAttribute: (value: string | null) => value?.split(/[\s,]+/).filter(Boolean),
  toAttribute: (value: readonly string[] | undefined) => value?.join(' '),
};

/**
 * The whole checkout in one tag: asks the companion which methods this order can be paid with and at
 * what price (`GET {endpoint}/methods?orderRef=`), shows them as a radio group, and shows the chosen
 * method's element (`<haipay-card-form>`, `<haipay-qr>`, `<haipay-bank-transfer>`), each loaded on
 * first use. PromptPay and bank transfer start when the shopper presses "Pay"; the other methods
 * (TrueMoney, Taiwanese stores and ATM, JKOPAY, and the card when the companion takes cards on HaiPay's
 * page) open HaiPay's page. The first method shown is the
 * page's `method`, else the shopper's last choice on this endpoint (kept in `localStorage`), else the
 * locale's (PromptPay for Thai, a Taiwanese convenience store for Chinese, card otherwise), else the
 * first one offered.
 *
 * @summary Drop-in checkout: every method the order can be paid with, priced, and the chosen one's form.
 *
 * @fires haipay-method-change - The method shown changed (also the first one, once the methods load). `detail: { method, amount, currency }`
 * @fires haipay-created - A payment was started. `detail: { orderId, view }` (from the inner element, or for a method paid on HaiPay's page)
 * @fires haipay-redirect - About to open HaiPay's page; cancelable. `detail: { orderId, url }`
 * @fires haipay-succeeded - From the inner element: the payment succeeded. `detail: { orderId, view }`
 * @fires haipay-failed - From the inner element: the payment failed. `detail: { orderId, view }`
 * @fires haipay-expired - From the inner element: the payment expired. `detail: { orderId, view }`
 * @fires haipay-review - From the inner element: money arrived after the order had closed. `detail: { orderId, view }`
 * @fires haipay-new-qr - From the inner `<haipay-qr>`: the shopper asked for a new QR. `detail: { orderId }`
 * @fires haipay-error - The methods could not be loaded, a payment could not be started, or an inner element's error. `detail: { type, message, code? }`
 *
 * @csspart base - The wrapper.
 * @csspart methods - The radio group (`<fieldset>`).
 * @csspart method - Each method's choice (`<label>`).
 * @csspart method-amount - The price shown with each method.
 * @csspart panel - Where the chosen method's element is shown.
 * @csspart pay-button - "Pay … with …" for methods that start on request.
 * @csspart status - Loading, empty and error messages.
 *
 * @cssprop [--haipay-color-primary=#0a58ca] - The chosen method's border, buttons and focus rings.
 * @cssprop [--haipay-color-background=#ffffff] - Background.
 * @cssprop [--haipay-color-text=#1b1f24] - Text colour.
 * @cssprop [--haipay-color-border=#8c959f] - Borders.
 * @cssprop [--haipay-color-danger=#b42318] - Error text.
 * @cssprop [--haipay-radius=8px] - Corner radius.
 * @cssprop [--haipay-font-family=inherit] - Font stack (default: the page's own fonts).
 */
export class HaiPayCheckout extends LitElement {
  static override properties: PropertyDeclarations = {
    endpoint: {},
    orderRef: { attribute: 'order-ref' },
    method: { reflect: true },
    methods: { converter: listConverter },
    locale: { reflect: true },
    theme: { reflect: true },
    strings: { attribute: false },
    offers: { state: true },
    failed: { state: true },
    started: { state: true },
  };
  static override styles = [baseStyles, checkoutStyles];

  /** Base URL of the companion router, e.g. `/haipay`. */
  endpoint = '';
  /** The merchant's order (or cart) reference: the companion prices each method for it and every payment is for it. */
  orderRef = '';
  /**
   * The method shown: set it (or the `method` attribute) to preselect one; it follows the shopper's
   * choice. A Taiwanese store may be given as `twd-store` (the first one offered).
   */
  method = '';
  /** Only these methods, e.g. `methods="card promptpay"` (spaces or commas); the companion's order is kept. */
  methods: readonly string[] | undefined;
  /** BCP 47 locale: `en`, `th`, `zh-TW` (others fall back to English). Defaults to the page's `lang`. */
  locale: string | undefined;
  /** `light`, `dark`, or `auto` (follows `prefers-color-scheme`); passed on to the inner element. */
  theme: Theme = 'auto';
  /** Per-key overrides of the built-in strings, for the picker and the inner elements. */
  strings: Partial<Translation> | undefined;

  /** The companion's answer (`null` while loading). */
  private offers: MethodOffer[] | null = null;
  /** The last error shown: the methods could not be loaded, or a payment could not be started. */
  private failed = '';
  /** Methods whose payment the shopper started: `''` until the companion names the order. */
  private started: Record<string, string> = {};
  private readonly localize = new LocalizeController(this, checkoutStrings);
  private loadedFor = '';
  private shown = '';

  /** Waits for a non-English locale's strings before the first render in it (no flash of English). */
  protected override scheduleUpdate(): void | Promise<unknown> {
    const loading = this.localize.load();
    return loading ? loading.then(() => super.scheduleUpdate()) : super.scheduleUpdate();
  }

  /** The offered methods this page allows. */
  private get available(): MethodOffer[] {
    const allowed = this.methods;
    return (this.offers ?? []).filter((o) => !allowed?.length || allowed.includes(o.method));
  }

  /** The method shown: the page's, the shopper's last, the locale's, or the first. */
  private get chosen(): MethodOffer | undefined {
    const offers = this.available;
    const find = (m: string | null | undefined) =>
      m ? offers.find((o) => o.method == m || (m.endsWith('-') && o.method.startsWith(m))) : undefined;
    return (
      find(this.method) ??
      find(this.method == 'twd-store' ? 'twd-store-' : null) ??
      find(this.remembered()) ??
      find(LOCALE_DEFAULT[this.localize.lang]) ??
      offers[0]
    );
  }

  private get storageKey(): string {
    return `haipay-checkout:${this.endpoint}`;
  }

  /** The shopper's last choice on this endpoint; storage may be blocked (private mode, sandboxed frames). */
  private remembered(): string | null {
    try {
      return localStorage.getItem(this.storageKey);
    } catch {
      return null;
    }
  }

  protected override willUpdate(): void {
    const key = `${this.endpoint}?${this.orderRef}`;
    if (this.endpoint && key != this.loadedFor) {
      this.loadedFor = key;
      this.started = {};
      void this.load();
    }
    // `method` names what is shown, once the methods are here (a preselection that is not offered yields).
    const chosen = this.chosen;
    if (chosen) this.method = chosen.method;
  }

  protected override updated(): void {
    const chosen = this.chosen;
    if (chosen && chosen.method + chosen.amount != this.shown) {
      this.shown = chosen.method + chosen.amount;
      // Loading the element now (not on "Pay") makes it ready by the time the shopper needs it.
      if (!chosen.hosted)
        ELEMENTS[chosen.method]?.().catch(() =>
          this.fail('network_error', 'Could not load the payment form'),
        );
      const { method, amount, currency } = chosen;
      emit(this, 'haipay-method-change', { method, amount, currency });
    }
  }

  /** Asks the companion for the methods and their prices. */
  private readonly load = async (): Promise<void> => {
    this.offers = null;
    this.failed = '';
    let error: { type: string; message: string } | undefined;
    try {
      const answer = await getMethods(this.endpoint, this.orderRef);
      if (answer.methods) this.offers = answer.methods;
      else error = answer.error;
    } catch {
      error = { type: 'network_error', message: 'Could not reach the payment service' };
    }
    if (error) this.fail(error.type, error.message, 'checkout.error');
  };

  private fail(type: string, message: string, term?: 'checkout.error'): void {
    this.failed = this.localize.term(term ?? (type == 'network_error' ? 'error.network' : 'error.generic'));
    emit(this, 'haipay-error', { type, message });
  }

  /** The shopper chose a method: remember it for this endpoint (best effort) and show it. */
  private readonly pick = (e: Event): void => {
    this.method = (e.target as HTMLInputElement).value;
    this.failed = '';
    try {
      localStorage.setItem(this.storageKey, this.method);
    } catch {
      // blocked storage: the choice lasts for this page only
    }
  };

  /** "Pay …": PromptPay and bank transfer show their element (it starts the payment); others open HaiPay's page. */
  private async start(offer: MethodOffer): Promise<void> {
    const { method } = offer;
    this.started = { ...this.started, [method]: '' };
    if (ELEMENTS[method] && !offer.hosted) return;
    const { startRedirect } = await import('./redirect.js');
    const error = await startRedirect(this, this.endpoint, { method, orderRef: this.orderRef });
    if (error) {
      const { [method]: _dropped, ...rest } = this.started;
      this.started = rest;
      this.fail(error.type, error.message);
    }
  }

  private label(method: string): string {
    const key = `method.${method}`;
    return this.localize.has(key) ? this.localize.term(key) : method;
  }

  override render() {
    const t = this.localize;
    const chosen = this.chosen;
    let body;
    if (this.offers && chosen) {
      // prettier-ignore
      body = html`<fieldset part="methods"><legend>${t.term('checkout.title')}</legend>${this.available.map((o) => html`<label part="method"><input type="radio" name="method" .value=${o.method} .checked=${o == chosen} @change=${this.pick}><span>${this.label(o.method)}</span><span part="method-amount">${t.money(o.amount, o.currency)}</span></label>`)}</fieldset>
<div part="panel" @haipay-created=${this.created}>${this.panel(chosen)}</div>${this.failed ? this.status(this.failed, true) : nothing}`;
    } else if (this.offers) body = this.status(t.term('checkout.empty'));
    else if (!this.failed) body = this.status(t.term('checkout.loading'));
    // prettier-ignore
    else body = html`${this.status(this.failed, true)}<button @click=${this.load}>${t.term('checkout.retry')}</button>`;
    return html`<div part="base">${body}</div>`;
  }

  private status(text: string, error?: boolean) {
    // prettier-ignore
    return html`<p part="status" class=${error ? 'status error' : 'status'} role=${error ? 'alert' : 'status'}>${text}</p>`;
  }

  /** Remembers the order an inner element started, so switching away and back shows the same one. */
  private readonly created = (e: CustomEvent<{ orderId: string; view: { method: string } }>): void => {
    this.started = { ...this.started, [e.detail.view.method]: e.detail.orderId };
  };

  private panel(offer: MethodOffer) {
    const { method, currency } = offer;
    const orderId = this.started[method];
    const t = this.localize;
    const { endpoint, orderRef, theme, strings } = this;
    const lang = t.tag;
    // The card form needs not ask the companion how it takes cards: the offer said (not hosted).
    // prettier-ignore
    if (method == 'card' && !offer.hosted) return html`<haipay-card-form endpoint=${endpoint} order-ref=${orderRef} card-mode="direct" currency=${currency} locale=${lang} theme=${theme} .strings=${strings}></haipay-card-form>`;
    const name = this.label(method);
    if (orderId == null) {
      // A Taiwanese store is where the shopper pays (with a code from HaiPay's page), not a way to pay.
      const key = method.startsWith('twd-store-') ? 'checkout.payAt' : 'checkout.pay';
      const text = t.term(key, { amount: t.money(offer.amount, currency), method: name });
      // prettier-ignore
      return html`<button class="primary" part="pay-button" @click=${() => void this.start(offer)}>${text}</button>`;
    }
    // prettier-ignore
    if (method == 'promptpay') return html`<haipay-qr endpoint=${endpoint} order-ref=${orderRef} order-id=${orderId} locale=${lang} theme=${theme} .strings=${strings}></haipay-qr>`;
    // prettier-ignore
    if (method == 'bank-transfer') return html`<haipay-bank-transfer endpoint=${endpoint} order-ref=${orderRef} order-id=${orderId} locale=${lang} theme=${theme} .strings=${strings}></haipay-bank-transfer>`;
    return this.status(t.term('checkout.redirecting', { method: name }));
  }
}
