import { html, nothing, svg, type PropertyDeclarations, type PropertyValues } from 'lit';
import { emit } from '../events.js';
import { HaiPayPaymentElement } from '../shared/payment-element.js';
import { isFinal } from '../types.js';
import { qrStrings } from './qr.strings.js';
import { baseStyles } from '../shared/styles.js';
import { copyText } from '../shared/copy.js';
import { liveMessage, statusLine } from '../shared/status-view.js';
import { encodeQr } from './encoder.js';
import { qrPath, type QrMatrix } from './qr-matrix.js';
import { qrStyles } from './qr.styles.js';

/** PromptPay mark: a simple inline emblem (no external asset, CSP-safe). */
const promptPayMark = svg`<svg viewBox="0 0 28 28" aria-hidden="true" focusable="false"><rect width="28" height="28" rx="6" fill="#fff"/><path d="M8 6h7.5a5.5 5.5 0 0 1 0 11H12v5H8z" fill="#113566"/><path d="M12 10h3.4a1.6 1.6 0 0 1 0 3.2H12z" fill="#fff"/><circle cx="21" cy="21" r="3" fill="#00a9e0"/></svg>`;

/**
 * A PromptPay QR code with the amount in THB, a countdown to the server's expiry and live payment
 * status.
 *
 * @summary PromptPay QR payment: inline SVG QR, amount, server-synced countdown, live status.
 *
 * @fires haipay-succeeded - The payment was confirmed. `detail: { orderId, view }`
 * @fires haipay-failed - The payment failed. `detail: { orderId, view }`
 * @fires haipay-expired - The QR expired (server expiry reached, or the companion said so).
 * @fires haipay-review - Money arrived after the order had closed; the shop reviews it. `detail: { orderId, view }`
 * @fires haipay-created - With `order-ref`: the element started the payment. `detail: { orderId, view }`
 * @fires haipay-new-qr - The shopper pressed "New QR" after expiry. With `order-ref` the element starts a new payment itself unless a listener calls `preventDefault()`; otherwise create one and set `order-id`.
 * @fires haipay-error - The payment could not be started or loaded. `detail: { type, message, code? }`
 *
 * @csspart base - The wrapper.
 * @csspart brand - The PromptPay header.
 * @csspart qr - The QR code `<svg>`.
 * @csspart amount - The amount.
 * @csspart countdown - The time left.
 * @csspart status - The status line.
 * @csspart save-button - "Save QR image".
 * @csspart copy-button - "Copy code".
 * @csspart new-qr-button - "New QR" (after expiry).
 *
 * @cssprop [--haipay-color-primary=#0a58ca] - Buttons and focus rings.
 * @cssprop [--haipay-color-background=#ffffff] - Background.
 * @cssprop [--haipay-color-text=#1b1f24] - Text colour.
 * @cssprop [--haipay-color-success=#1a7f37] - "Paid" colour.
 * @cssprop [--haipay-color-danger=#b42318] - Failed / expired colour.
 * @cssprop [--haipay-radius=8px] - Corner radius.
 * @cssprop [--haipay-font-family=inherit] - Font stack (default: the page's own fonts).
 * @cssprop [--haipay-qr-size=240px] - Width and height of the QR code.
 * @cssprop [--haipay-qr-brand-background=#113566] - PromptPay header background.
 *
 * @slot footer - Content under the QR, e.g. merchant help text.
 */
export class HaiPayQr extends HaiPayPaymentElement {
  static override properties: PropertyDeclarations = {
    payload: {},
    amount: {},
    currency: {},
    expiresAt: { attribute: 'expires-at' },
  };

  /** @internal */
  static override translations = qrStrings;
  static override styles = [baseStyles, qrStyles];

  /** The EMVCo PromptPay payload to draw (when no `order-id` is given). */
  payload = '';
  /** Amount as a decimal string, e.g. `100.00` (when no `order-id` is given). */
  amount = '';
  /** ISO 4217 currency of `amount`. */
  currency = 'THB';
  /** ISO 8601 expiry (when no `order-id` is given). With `order-id` the companion's expiry is used. */
  expiresAt = '';

  /** Text of the polite live region: milestones, final states, "Copied" — never every second. */
  private announcement = '';
  private lastLive = '';
  private matrix: QrMatrix | null = null;
  private matrixFor = '';

  /**
   * Hands the PNG of "Save QR image" to the browser as a download. A seam for tests, not API.
   * @internal
   */
  saveFile = (blob: Blob, filename: string): void => {
    const url = URL.createObjectURL(blob);
    const a = document.createElement('a');
    a.href = url;
    a.download = filename;
    a.click();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  };

  private get effectivePayload(): string {
    const next = this.view?.next;
    return next?.type === 'qr' ? next.payload : this.payload;
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('expiresAt') && !this.orderId) this.countdown.set(this.expiresAt, 0);
    const payload = this.effectivePayload;
    if (payload !== this.matrixFor) {
      this.matrixFor = payload;
      this.matrix = payload ? encodeQr(payload) : null;
    }
  }

  // After the controllers' hostUpdate (which moves milestones), before render.
  protected override update(changed: PropertyValues<this>): void {
    const live = liveMessage(this.localize, this.currentStatus, this.countdown.milestone);
    if (live && live !== this.lastLive) this.announcement = this.lastLive = live;
    super.update(changed);
  }

  private async copy(): Promise<void> {
    const ok = await copyText(this.effectivePayload);
    this.announcement = this.localize.term(ok ? 'action.copied' : 'action.copyFailed');
    this.requestUpdate();
  }

  private async save(): Promise<void> {
    if (!this.matrix) return;
    const { qrPng } = await import('./qr-png.js');
    const blob = await qrPng(this.matrix);
    if (blob) this.saveFile(blob, `promptpay-${this.view?.orderId ?? 'qr'}.png`);
  }

  /** @internal */
  protected override get startMethod(): string {
    return this.payload ? '' : 'promptpay';
  }

  /** @internal */
  protected override get stage(): string {
    return super.stage || this.matrixFor; // the payload drawn, '' before there is one
  }

  private requestNewQr(): void {
    const detail = { orderId: this.view?.orderId ?? (this.orderId || null) };
    if (emit(this, 'haipay-new-qr', detail, true) && this.orderRef) this.restart();
  }

  override render() {
    const t = this.localize;
    const status = this.currentStatus;
    const amount = this.view?.amount ?? this.amount;
    const currency = this.view?.currency ?? this.currency;
    const money = amount ? t.money(amount, currency) : '';
    const final = isFinal(status);
    const size = this.matrix?.size ?? 0;
    // Flush left, like the card form's templates: Lit keeps template whitespace (README "Sizes").
    // prettier-ignore
    return html`<section part="base" aria-labelledby="title">
<div part="brand">${promptPayMark}<span>PromptPay</span></div>
<h2 id="title" tabindex="-1">${t.term('qr.title')}</h2>
${money ? html`<div>
<span class="muted">${t.term('amount.label')}</span>
<div class="amount" part="amount">${money}</div>
</div>` : nothing}
${!final && this.matrix ? html`<svg part="qr" role="img" aria-label=${t.term('qr.alt', { amount: money })}
viewBox="-4 -4 ${size + 8} ${size + 8}" shape-rendering="crispEdges" data-size=${size}>
<rect x="-4" y="-4" width=${size + 8} height=${size + 8} fill="#fff" />
<path fill="#000" d=${qrPath(this.matrix)} />
</svg>
${this.countdown.active ? html`<p part="countdown" class="countdown">
${t.term('countdown.label')}: <time>${this.countdown.display}</time>
</p>` : nothing}
${statusLine(t, status, this.loadError)}
<p class="muted">${t.term('qr.instructions')}</p>
<div class="actions">
<button part="save-button" type="button" @click=${() => this.save()}>${t.term('action.saveQr')}</button>
<button part="copy-button" type="button" @click=${() => this.copy()}>${t.term('action.copyCode')}</button>
</div>` : statusLine(t, status, this.loadError, 'status final')}
${status === 'expired' ? html`<button class="primary" part="new-qr-button" type="button" @click=${() => this.requestNewQr()}>
${t.term('action.newQr')}
</button>` : nothing}
<slot name="footer"></slot>
<p class="sr-only" role="status" aria-live="polite">${this.announcement}</p>
</section>`;
  }
}
