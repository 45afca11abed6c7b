import { html, nothing, svg, type PropertyDeclarations, type PropertyValues } from 'lit';
import type { Currency, RuleIssue } from '@haipay-kit/protocol/rules';
import { newKey, postPayment } from '../api.js';
import { getMethods } from '../shared/methods.js';
import { emit } from '../events.js';
import { HaiPayPaymentElement } from '../shared/payment-element.js';
import { cardFormStrings } from './card-form.strings.js';
import { baseStyles } from '../shared/styles.js';
import { statusLine } from '../shared/status-view.js';
import { isFinal, type ApiErrorBody, type PaymentView } from '../types.js';
import { cardFormStyles } from './card-form.styles.js';

/**
 * The inputs, in order (docs/contracts.md: `expiry` is sent as `expiryMonth` and `expiryYear`). The
 * contact fields among them are shown as `fields` says; the card fields always.
 */
const CARD_FIELDS = ['name', 'email', 'phone', 'cardNumber', 'expiry', 'cvv'] as const;
export type CardField = (typeof CARD_FIELDS)[number];
/** What a decline clears: the card, never the shopper's contact details. */
const CARD_ONLY = ['cardNumber', 'expiry', 'cvv'] as const;

/**
 * Each input's autofill token, input mode, maximum length and placeholder (a phone is optional); its
 * label is `field.<name>`, its type follows the mode. Tuples, not objects: the keys would be repeated
 * bytes. The expiry has room for a pasted `12 / 2029`; it is formatted to `MM / YY` at once.
 */
const FIELDS: Record<
  CardField,
  [autocomplete: string, inputmode: string, maxlength: number, placeholder?: string]
> = {
  name: ['cc-name', 'text', 100],
  email: ['email', 'email', 254, 'you@example.com'],
  phone: ['tel', 'tel', 20],
  cardNumber: ['cc-number', 'numeric', 23, '1234 1234 1234 1234'],
  expiry: ['cc-exp', 'numeric', 9, 'MM / YY'],
  cvv: ['cc-csc', 'numeric', 4, '123'],
};

/** The brand marks shown inside the number field (inline SVG: no asset to fetch, CSP-safe). */
const BRAND_MARKS: Record<string, ReturnType<typeof svg>> = {
  visa: svg`<rect width="32" height="20" rx="3" fill="#1a1f71"/><text x="16" y="14" fill="#fff" font-family="sans-serif" font-size="9" font-style="italic" font-weight="700" text-anchor="middle">VISA</text>`,
  mastercard: svg`<rect width="32" height="20" rx="3" fill="#252525"/><circle cx="12.5" cy="10" r="6" fill="#eb001b"/><circle cx="19.5" cy="10" r="6" fill="#f79e1b" fill-opacity=".8"/>`,
};

interface ShownIssue {
  code: string;
  params?: Record<string, unknown> | undefined;
  /** The server's own text, shown only when the code has no translation. */
  fallback?: string | undefined;
}

const digitsOf = (s: string): string => s.replace(/\D/g, '');

/**
 * The shared rules (`./rules.ts`), loaded once for every form on the page. The promise never rejects:
 * when the chunk cannot be fetched (offline) `rules` stays unset and the next call tries again.
 */
let rules: (typeof import('./rules.js'))['rules'] | undefined;
let loadingRules: Promise<unknown> | undefined;
const loadRules = (): Promise<unknown> =>
  (loadingRules ??= import('./rules.js').then(
    (m) => (rules = m.rules),
    () => (loadingRules = undefined),
  ));

/**
 * A card payment form that posts to the merchant's HaiPay companion, runs 3DS by redirect and shows the
 * final result on the return page. When the companion takes cards on HaiPay's page (its `cardMode:
 * 'hosted'`), the form shows only the contact fields and the pay button, posts them without any card
 * data and opens HaiPay's card page (a full page, never a frame); the card inputs and their rules are
 * then never loaded. It learns the mode from `card-mode`, or else from the companion's `GET /methods`
 * answer (the card's `hosted` flag), asked once when the form appears.
 *
 * It follows only an `https:` payment page (or `http:` while the page itself is served over `http:`);
 * any other address (`javascript:`, `data:`, relative) is refused with the generic error and a
 * `haipay-error` of type `unsafe_redirect`.
 *
 * @summary Card form: real autofillable inputs, live brand and Luhn checks, 3DS redirect, live result.
 *
 * @attr {'hosted' | 'direct'} card-mode - How the companion takes cards: `hosted` (HaiPay's card page) or `direct` (the card inputs here). Unset: asked from the companion's `GET /methods` (one request when the form appears).
 * @attr {boolean} order-from-url - Return page: show the order in the page URL's `?haipay_order=` (off by default, so a link with someone else's order id shows only the form).
 *
 * @fires haipay-created - The companion accepted the payment. `detail: { orderId, view }`
 * @fires haipay-redirect - About to open the 3DS page (never for a refused address); cancelable (`preventDefault()` stays here). `detail: { orderId, url }`
 * @fires haipay-succeeded - The payment succeeded (return page or without 3DS). `detail: { orderId, view }`
 * @fires haipay-failed - The payment failed (a decline: the form stays, with the reason under the card number). `detail: { orderId, view }`
 * @fires haipay-expired - The payment expired. `detail: { orderId, view }`
 * @fires haipay-review - Money arrived after the order had closed; the shop reviews it. `detail: { orderId, view }`
 * @fires haipay-error - Validation, conflict, gateway, network error, or a refused payment page address (`unsafe_redirect`). `detail: { type, message, code? }`
 *
 * @csspart base - The wrapper.
 * @csspart form - The `<form>`.
 * @csspart input - Every input (also `input-<field>`, e.g. `input-cardNumber`).
 * @csspart label - Every label.
 * @csspart error - Every inline error message.
 * @csspart hosted-note - Hosted mode: the line saying the card is entered on HaiPay's secure page.
 * @csspart brand - The detected card brand's mark inside the number field (an `<svg role="img">` named after the brand).
 * @csspart submit-button - The pay button.
 * @csspart status - The status / result line.
 *
 * @cssprop [--haipay-color-primary=#0a58ca] - Pay button and focus rings.
 * @cssprop [--haipay-color-on-primary=#ffffff] - Pay button text.
 * @cssprop [--haipay-color-background=#ffffff] - Background of the form and inputs.
 * @cssprop [--haipay-color-text=#1b1f24] - Text colour.
 * @cssprop [--haipay-color-border=#8c959f] - Input and frame borders.
 * @cssprop [--haipay-color-danger=#b42318] - Errors.
 * @cssprop [--haipay-color-success=#1a7f37] - Success message.
 * @cssprop [--haipay-radius=8px] - Corner radius.
 * @cssprop [--haipay-font-family=inherit] - Font stack (default: the page's own fonts).
 * @cssprop [--haipay-spacing=12px] - Gap between fields.
 *
 * @slot header - Above the fields (e.g. an order summary).
 * @slot footer - Under the pay button (e.g. terms).
 */
export class HaiPayCardForm extends HaiPayPaymentElement {
  static override properties: PropertyDeclarations = {
    mode: {},
    planRef: { attribute: 'plan-ref' },
    currency: {},
    amount: {},
    fields: {},
    cardMode: { attribute: 'card-mode' },
    orderFromUrl: { type: Boolean, attribute: 'order-from-url' },
    errors: { state: true },
    busy: { state: true },
    brand: { state: true },
    redirecting: { state: true },
    announcement: { state: true },
    learned: { state: true },
  };

  /** @internal */
  static override translations = cardFormStrings;
  static override styles = [baseStyles, cardFormStyles];

  /** `payment` posts to `/payments`; `subscription` posts to `/subscriptions` with `plan-ref`. */
  mode: 'payment' | 'subscription' = 'payment';
  /** Subscription plan reference (`mode="subscription"`). */
  planRef = '';
  /** Currency whose name/phone rules apply before submit, and of `amount` (card payments settle in USD). */
  currency: Currency = 'USD';
  /**
   * The amount the pay button shows, as a decimal string in `currency` (e.g. `29.00` → "Pay US$29.00" in the
   * page's locale). Display only: the companion prices the order itself. Without it the button says "Pay".
   */
  amount = '';
  /**
   * The contact fields shown, space-separated, out of `name`, `email` and `phone` (default all three;
   * the phone is optional). Only the shown ones are checked and sent: the companion's `resolveOrder` can
   * supply the rest.
   */
  fields = 'name email phone';
  /**
   * How the companion takes cards: `hosted` (the shopper types the card on HaiPay's page: no card inputs
   * here) or `direct` (PCI direct: the card inputs here). Unset, the form asks the companion's
   * `GET /methods?orderRef=` once (a payment form) and follows the card's `hosted` flag; it shows the
   * card inputs when the answer does not say (no card in it, or no answer). Set it when you know the
   * mode: it saves that request, and a subscription form (which has no order to price) needs it under
   * a hosted companion.
   */
  cardMode: 'hosted' | 'direct' | undefined;
  /**
   * Return page: show the order named by `?haipay_order=` in the page's URL (what the companion's return
   * route appends). Off unless the page opts in, so a link to the page with someone else's order id
   * shows only the empty form.
   */
  orderFromUrl = false;

  private errors: Partial<Record<CardField, ShownIssue>> = {};
  private busy = false;
  private brand: string | null = null;
  private redirecting = false;
  /** Polite announcement: progress, redirect, final status, a decline's reason. */
  private announcement = '';
  private values = Object.fromEntries(CARD_FIELDS.map((f) => [f, ''])) as Record<CardField, string>;
  private touched = new Set<CardField>();
  /** What the companion said (`''` while asking); `cardMode` wins. */
  private learned: 'hosted' | 'direct' | '' = 'direct';
  private asked: Promise<unknown> | undefined;
  private askedFor = '';
  /** One Idempotency-Key per attempt: reused on a retry after a network failure, new once anything changes. */
  private attemptKey: string | null = null;

  /**
   * Opens the 3DS / hosted payment page. A seam for tests, not API: a page that routes itself cancels
   * `haipay-redirect` and uses its `detail.url`.
   * @internal
   */
  navigate = (url: string): void => {
    window.location.assign(url);
  };

  override connectedCallback(): void {
    super.connectedCallback();
    // Return page: the companion's return route appends `?haipay_order=<orderId>` (docs/contracts.md).
    // Only when the page opts in: otherwise a link with someone else's order id would show their payment.
    if (this.orderFromUrl) this.orderId ||= new URLSearchParams(location.search).get('haipay_order') ?? '';
  }

  /** How cards are taken: `hosted`, `direct`, or `''` while the companion is asked. */
  private get cards(): 'hosted' | 'direct' | '' {
    return this.cardMode ?? this.learned;
  }

  /** The inputs on screen: the contact fields asked for, then the card (unless it is typed on HaiPay's page). */
  private get shown(): CardField[] {
    const asked = this.fields.split(/\s+/);
    const card = this.cards == 'direct';
    return CARD_FIELDS.filter((f) =>
      (CARD_ONLY as readonly string[]).includes(f) ? card : asked.includes(f),
    );
  }

  protected override willUpdate(changed: PropertyValues): void {
    // Asks the companion how it takes cards, once per endpoint and order (docs/contracts.md, GET /methods);
    // only in a page (`isConnected`), never while rendered on a server.
    const key = `${this.endpoint}?${this.orderRef}`;
    const ask = !this.cardMode && this.mode == 'payment' && this.endpoint && !this.orderId;
    if (ask && this.isConnected && key != this.askedFor) {
      this.askedFor = key;
      this.learned = '';
      this.asked = getMethods(this.endpoint, this.orderRef)
        .then(
          (a) => (a.methods?.find((o) => o.method == 'card')?.hosted ? 'hosted' : 'direct'),
          () => 'direct' as const,
        )
        .then((mode) => void (this.learned = mode));
    }
    if (changed.has('view') || changed.has('localStatus')) {
      const s = this.currentStatus;
      if (s === 'failed') this.declined();
      else if (s) this.announcement = this.localize.term(`status.${s}`);
    }
  }

  /**
   * A decline (straight from the submit, from the status stream, or on the return page after 3DS): the
   * form again, the reason under the card number and in the live region (once: not "Payment failed."
   * too), the card fields empty and the number focused; the contact details stay for the next card.
   */
  private declined(): void {
    const reason = this.view?.failureReason;
    const message = `${reason ? `${reason} ` : ''}${this.localize.term('card.declined')}`;
    this.status.stop();
    this.orderId = '';
    this.view = null;
    this.clearCard();
    this.errors = { cardNumber: { code: 'declined', fallback: message } };
    this.announcement = message;
    void this.updateComplete.then(() => this.input('cardNumber')?.focus());
  }

  /**
   * Settles once the shared rules are here and the element has rendered what they changed, so
   * `updateComplete` after typing into a field includes its formatting and checks.
   */
  protected override async getUpdateComplete(): Promise<boolean> {
    await this.asked;
    if (!rules) await loadingRules;
    return super.getUpdateComplete();
  }

  private async onInput(field: CardField, e: InputEvent): Promise<void> {
    const input = e.target as HTMLInputElement;
    const deleting = !!e.inputType?.startsWith('delete');
    if (!rules && this.cards == 'direct') await loadRules();
    let value = input.value;
    // Without the rules (their chunk could not be fetched) the number is kept as typed, unchecked.
    if (field === 'cardNumber' && rules) {
      const { detectCardBrand, formatCardNumber } = rules;
      // Group as typed, keeping the caret after the same number of digits.
      const caretDigits = digitsOf(value.slice(0, input.selectionStart ?? value.length)).length;
      const formatted = formatCardNumber(digitsOf(value).slice(0, 19));
      if (formatted !== value) {
        input.value = formatted;
        let pos = 0;
        for (let seen = 0; pos < formatted.length && seen < caretDigits; pos++)
          if (/\d/.test(formatted[pos]!)) seen++;
        input.setSelectionRange(pos, pos);
      }
      value = formatted;
      this.brand = detectCardBrand(value);
    } else if (field === 'cvv' || (field === 'expiry' && rules)) {
      const d = field === 'cvv' ? digitsOf(value) : rules!.formatExpiry(value, deleting);
      if (d !== value) input.value = d;
      value = d;
    }
    this.values[field] = value;
    this.touched.add(field);
    this.attemptKey = null;
    // Without the rules (hosted mode, or their chunk could not be fetched) an edit clears the error.
    if (this.errors[field]) this.setError(field, rules ? this.check(field) : null);
  }

  private async onBlur(field: CardField): Promise<void> {
    if (!rules && this.cards == 'direct') await loadRules();
    if (rules && this.touched.has(field)) this.setError(field, this.check(field));
  }

  private get phoneDigits(): string {
    return this.values.phone.replace(/[\s().-]/g, '');
  }

  /** The shared rule for one field (`@haipay-kit/protocol/rules` — the companion runs the same ones). */
  private check(field: CardField): RuleIssue | null {
    const v = this.values;
    const {
      validateName,
      validateEmail,
      validatePhone,
      validateCardNumber,
      validateCvv,
      validateExpiry,
      expiryParts,
    } = rules!;
    switch (field) {
      case 'name':
        return validateName(this.currency, v.name.trim());
      case 'email':
        return validateEmail(v.email.trim());
      case 'phone':
        return this.phoneDigits ? validatePhone(this.currency, this.phoneDigits) : null;
      case 'cardNumber':
        return validateCardNumber(digitsOf(v.cardNumber));
      case 'cvv':
        return validateCvv(v.cvv);
      case 'expiry':
        return validateExpiry(...expiryParts(v.expiry), new Date(this.clock()));
    }
  }

  private setError(field: CardField, issue: RuleIssue | ShownIssue | null): void {
    const next = { ...this.errors };
    if (issue) next[field] = { code: issue.code, params: issue.params };
    else delete next[field];
    this.errors = next;
  }

  private message(issue: ShownIssue): string {
    const key = `error.${issue.code}`;
    if (this.localize.has(key)) return this.localize.term(key, issue.params ?? {});
    return issue.fallback ?? this.localize.term('error.generic');
  }

  private input(field: CardField): HTMLInputElement | null {
    return this.renderRoot.querySelector<HTMLInputElement>(`#${field}`);
  }

  private focusFirstError(): void {
    const first = CARD_FIELDS.find((f) => this.errors[f]);
    if (first) this.input(first)?.focus();
  }

  private async onSubmit(e: SubmitEvent): Promise<void> {
    e.preventDefault();
    if (this.busy) return;
    await this.asked;
    // Hosted: nothing here to check a card with, and the companion checks the contact fields itself.
    const direct = this.cards == 'direct';
    if (direct && !rules) await loadRules();
    if (direct && !rules) return this.offline(); // the rules chunk could not be fetched: "could not reach"
    const errors: Partial<Record<CardField, ShownIssue>> = {};
    const shown = this.shown;
    for (const f of direct ? shown : []) {
      const issue = this.check(f);
      if (issue) errors[f] = { code: issue.code, params: issue.params };
    }
    this.errors = errors;
    this.loadError = '';
    if (Object.keys(errors).length) {
      this.loadError = this.localize.term('error.fixFields');
      await this.updateComplete;
      this.focusFirstError();
      return;
    }
    const v = this.values;
    const body: Record<string, string> = { method: 'card' };
    if (direct) {
      [body['expiryMonth'], body['expiryYear']] = rules!.expiryParts(v.expiry);
      body['cardNumber'] = digitsOf(v.cardNumber);
      body['cvv'] = v.cvv;
    }
    if (shown.includes('name')) body['name'] = v.name.trim();
    if (shown.includes('email')) body['email'] = v.email.trim();
    if (shown.includes('phone') && this.phoneDigits) body['phone'] = this.phoneDigits;
    if (this.mode === 'subscription') body['planRef'] = this.planRef || this.orderRef;
    else body['orderRef'] = this.orderRef;
    this.attemptKey ??= newKey();
    this.busy = true;
    this.announcement = this.localize.term('action.processing');
    let res: Awaited<ReturnType<typeof postPayment>> | undefined;
    const path = this.mode === 'subscription' ? 'subscriptions' : 'payments';
    try {
      res = await postPayment(this.endpoint, body, this.attemptKey, () => this.clock(), path);
    } catch {
      // Network failure: the companion may have the attempt, so keep the key for a retry.
      this.offline();
    } finally {
      // The request is gone; drop the card data from this scope (never kept after the call).
      body['cardNumber'] = body['cvv'] = '';
      this.busy = false;
    }
    if (res) {
      await this.updateComplete; // inputs enabled again, so errors can take focus
      await this.handleResponse(res.status, res.body);
    }
  }

  /** Empties the card fields (number, expiry, CVV) in the element and in the inputs. */
  private clearCard(): void {
    for (const f of CARD_ONLY) {
      this.values[f] = '';
      const el = this.input(f);
      if (el) el.value = '';
    }
    this.brand = null;
  }

  private async handleResponse(status: number, body: PaymentView | ApiErrorBody | undefined): Promise<void> {
    let error = (body as ApiErrorBody | undefined)?.error;
    if (status >= 200 && status < 300 && body && !('error' in body)) {
      const sub = body as PaymentView & { subscriptionId?: string };
      const view: PaymentView = { ...sub, orderId: sub.orderId ?? sub.subscriptionId ?? '' };
      this.clearCard();
      this.attemptKey = null;
      emit(this, 'haipay-created', { orderId: view.orderId, view });
      const next = view.next;
      if (next?.type !== 'redirect') {
        this.viewChanged(view, null);
        if (!isFinal(view.status) && this.mode === 'payment') {
          this.orderId = view.orderId; // follows the status stream (updated())
        }
        return;
      }
      // Only a web page is followed (`http:` only from an `http:` development page): a `javascript:` or
      // `data:` address in the answer would run in the shop's own origin. A refused one is an error.
      // Hosted mode has not loaded the rules: the same check comes in a chunk of its own.
      const { isFollowableUrl } = rules ?? (await import('../shared/follow.js'));
      if (isFollowableUrl(next.url, location.protocol == 'http:')) {
        if (emit(this, 'haipay-redirect', { orderId: view.orderId, url: next.url }, true /* cancelable */)) {
          this.redirecting = true;
          this.announcement = this.localize.term(
            this.cards == 'direct' ? 'status.redirecting' : 'card.hosted',
          );
          this.navigate(next.url);
        }
        return;
      }
      error = { type: 'unsafe_redirect', message: 'Unsafe payment page URL' };
    }
    const type = error?.type ?? 'api_error';
    if (type === 'validation_error' && error?.fields?.length) {
      const errors: Partial<Record<CardField, ShownIssue>> = {};
      const other: string[] = [];
      for (const issue of error.fields) {
        const shown = { code: issue.code, params: issue.params, fallback: issue.message };
        // The wire's expiryMonth / expiryYear are the one expiry field here.
        const field = issue.field.startsWith('expiry') ? 'expiry' : issue.field;
        if ((CARD_FIELDS as readonly string[]).includes(field)) errors[field as CardField] ??= shown;
        else other.push(this.message(shown));
      }
      this.errors = errors;
      this.loadError = other.length ? other.join(' ') : this.localize.term('error.fixFields');
      await this.updateComplete;
      this.focusFirstError();
    } else {
      // Any other answer (a conflict, a gateway or server error, a refused address): a retry is a new attempt.
      this.loadError = this.localize.term(
        type === 'idempotency_conflict' ? 'error.conflict' : 'error.generic',
      );
      this.attemptKey = null;
    }
    this.emitError(type, error?.message ?? `HTTP ${status}`, error?.code);
  }

  // The templates below are flush left: Lit keeps a template's whitespace as it is written, and the
  // indentation prettier would add costs every shopper about 150 B gzipped for the three (README "Sizes").
  private renderField(field: CardField) {
    const [autocomplete, mode, maxlength, placeholder] = FIELDS[field];
    const issue = this.errors[field];
    const brand = field === 'cardNumber' && this.brand;
    const describedBy = `${issue ? `${field}-error` : ''} ${brand ? 'brand' : ''}`.trim();
    // prettier-ignore
    return html`<div class="field">
<label part="label" for=${field}>${this.localize.term(`field.${field}`)}</label>
<div class="in"><input part="input input-${field}" id=${field} name=${field} type=${mode === 'numeric' ? 'text' : mode}
inputmode=${mode} autocomplete=${autocomplete} maxlength=${maxlength} placeholder=${placeholder ?? nothing} spellcheck="false"
?required=${field !== 'phone'} aria-invalid=${issue ? 'true' : 'false'} aria-describedby=${describedBy || nothing}
.value=${this.values[field]} ?disabled=${this.busy}
@focus=${this.cards == 'direct' ? loadRules : nothing} @input=${(e: InputEvent) => this.onInput(field, e)} @blur=${() => this.onBlur(field)}>
${brand ? html`<svg part="brand" id="brand" role="img" aria-label=${this.localize.term(`brand.${brand as 'visa'}`)} viewBox="0 0 32 20">${BRAND_MARKS[brand]}</svg>` : nothing}</div>
<p part="error" class="error" id="${field}-error">${issue ? this.message(issue) : ''}</p>
</div>`;
  }

  private renderResult() {
    const status = this.currentStatus;
    const view = this.view;
    // prettier-ignore
    return html`${statusLine(this.localize, status ?? (this.loadError ? null : 'unknown'), this.loadError)}
${view && status === 'succeeded' ? html`<p>${this.localize.term('amount.paid', { amount: this.localize.money(view.amount, view.currency) })}</p>` : nothing}`;
  }

  override render() {
    const t = this.localize;
    const shown = this.shown;
    const card = this.cards == 'direct';
    // Hosted: a decline's reason has no card number to stand under, so it is the form's error line.
    const formError = this.loadError || (card ? '' : (this.errors.cardNumber?.fallback ?? ''));
    const action = this.busy ? 'processing' : this.mode === 'subscription' ? 'subscribe' : 'pay';
    const label =
      action === 'pay' && this.amount
        ? t.term('action.payAmount', { amount: t.money(this.amount, this.currency) })
        : t.term(`action.${action}`);
    // prettier-ignore
    return html`<div part="base">
<slot name="header"></slot>
${this.orderId || isFinal(this.currentStatus) ? this.renderResult() : html`<form part="form" novalidate @submit=${(e: SubmitEvent) => this.onSubmit(e)} aria-busy=${this.busy ? 'true' : 'false'}>
${(card ? shown.slice(0, -2) : shown).map((f) => this.renderField(f))}
${card ? html`<div class="row">
${this.renderField('expiry')}
${this.renderField('cvv')}
</div>` : this.cards ? html`<p part="hosted-note" id="hosted">${t.term('card.hosted')}</p>` : nothing}
${formError ? html`<p part="status" class="error" id="form-error">${formError}</p>` : nothing}
<button part="submit-button" class="primary" type="submit" ?disabled=${this.busy || this.redirecting} aria-describedby=${card ? nothing : 'hosted'}>
${label}
</button>
</form>`}
<slot name="footer"></slot>
<p class="sr-only" role="status" aria-live="polite">${this.announcement}</p>
</div>`;
  }
}
