import { html, nothing, svg, type PropertyDeclarations, type PropertyValues } from 'lit';
import { HaiPayPaymentElement } from '../shared/payment-element.js';
import { isFinal } from '../types.js';
import { bankTransferStrings } from './bank-transfer.strings.js';
import { baseStyles } from '../shared/styles.js';
import { copyText } from '../shared/copy.js';
import { liveMessage, statusLine } from '../shared/status-view.js';
import type { TranslationKey } from '../controllers/localize-controller.js';
import { bankInfo, groupAccount } from './banks.js';
import { bankTransferStyles } from './bank-transfer.styles.js';

/**
 * Bank-transfer / virtual-account instructions with copy buttons, a deadline and live status.
 *
 * @summary Bank transfer details: bank and logo, account, exact amount, reference, deadline, live status.
 *
 * @fires haipay-created - With `order-ref`: the element started the payment. `detail: { orderId, view }`
 * @fires haipay-succeeded - The transfer was received. `detail: { orderId, view }`
 * @fires haipay-failed - The payment failed. `detail: { orderId, view }`
 * @fires haipay-expired - The deadline passed. `detail: { orderId, view }`
 * @fires haipay-review - Money arrived after the order had closed; the shop reviews it. `detail: { orderId, view }`
 * @fires haipay-error - The payment could not be started or loaded. `detail: { type, message, code? }`
 *
 * @csspart base - The wrapper.
 * @csspart bank - Bank logo and name.
 * @csspart logo - The bank monogram `<svg>`.
 * @csspart details - The list of transfer details.
 * @csspart copy-button - Every copy button.
 * @csspart amount - The amount.
 * @csspart countdown - The deadline and time left.
 * @csspart status - The status line.
 *
 * @cssprop [--haipay-color-primary=#0a58ca] - Buttons and focus rings.
 * @cssprop [--haipay-color-background=#ffffff] - Background.
 * @cssprop [--haipay-color-text=#1b1f24] - Text colour.
 * @cssprop [--haipay-color-muted=#57606a] - Field labels.
 * @cssprop [--haipay-color-border=#8c959f] - Frame and row separators.
 * @cssprop [--haipay-radius=8px] - Corner radius.
 * @cssprop [--haipay-font-family=inherit] - Font stack (default: the page's own fonts).
 *
 * @slot footer - Content under the details.
 */
export class HaiPayBankTransfer extends HaiPayPaymentElement {
  static override properties: PropertyDeclarations = {
    bankCode: { attribute: 'bank-code' },
    bankName: { attribute: 'bank-name' },
    accountNumber: { attribute: 'account-number' },
    accountName: { attribute: 'account-name' },
    amount: {},
    currency: {},
    reference: {},
    expiresAt: { attribute: 'expires-at' },
  };

  /** @internal */
  static override translations = bankTransferStrings;
  static override styles = [baseStyles, bankTransferStyles];

  /** HaiPay bank code, e.g. `KBANK`, `SCB`, `VCB` (when no `order-id` is given). */
  bankCode = '';
  /** Bank name override (otherwise from the code). */
  bankName = '';
  /** Account (or virtual account) number. */
  accountNumber = '';
  accountName = '';
  /** Exact amount as a decimal string. */
  amount = '';
  currency = 'THB';
  /** Transfer reference / memo, when the bank needs one. */
  reference = '';
  /** ISO 8601 deadline (when no `order-id` is given). */
  expiresAt = '';

  private announcement = '';
  private lastLive = '';

  /** @internal */
  protected override get startMethod(): string {
    return this.accountNumber ? '' : 'bank-transfer';
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('expiresAt') && !this.orderId) this.countdown.set(this.expiresAt, 0);
  }

  protected override update(changed: PropertyValues<this>): void {
    const live = liveMessage(this.localize, this.currentStatus, this.countdown.milestone);
    if (live && live !== this.lastLive) this.announcement = this.lastLive = live;
    super.update(changed);
  }

  /** @internal */
  protected override get stage(): string {
    return super.stage || this.details.number;
  }

  private get details() {
    const n = this.view?.next;
    const bank = n?.type === 'bank' ? n : null;
    return {
      code: bank?.bankCode ?? this.bankCode,
      name: bank?.bankName ?? this.bankName,
      number: bank?.bankNo ?? this.accountNumber,
      accountName: bank?.accountName ?? this.accountName,
      reference: bank?.reference ?? this.reference,
      amount: this.view?.amount ?? this.amount,
      currency: this.view?.currency ?? this.currency,
    };
  }

  private async copy(label: string, value: string): Promise<void> {
    const ok = await copyText(value);
    this.announcement = ok
      ? this.localize.term('action.copiedField', { field: label })
      : this.localize.term('action.copyFailed');
    this.lastLive = '';
    this.requestUpdate();
  }

  private row(key: TranslationKey, shown: string, raw: string, id: string) {
    const label = this.localize.term(key);
    // Flush left, like the card form's templates: Lit keeps template whitespace (README "Sizes").
    // prettier-ignore
    return html`<div class="row">
<dt id="${id}-label">${label}</dt>
<dd>
<span id=${id} part=${id === 'amount' ? 'amount' : nothing}>${shown}</span>
<button type="button" part="copy-button" data-copy=${id}
aria-label=${this.localize.term('action.copyField', { field: label })} @click=${() => this.copy(label, raw)}>
${this.localize.term('action.copy')}
</button>
</dd>
</div>`;
  }

  override render() {
    const t = this.localize;
    const d = this.details;
    const bank = bankInfo(d.code, d.name);
    const status = this.currentStatus;
    const final = isFinal(status);
    const deadline = this.countdown.deadlineOnClientClock;
    // The amount copies as the plain decimal the bank app expects, without symbol or grouping.
    // A final view has no bank details left (the companion drops them): no anonymous "Bank" then.
    // prettier-ignore
    return html`<section part="base" aria-labelledby="title">
<h2 id="title" tabindex="-1">${t.term('bank.title')}</h2>
${d.code || d.name ? html`<div part="bank">
<svg part="logo" viewBox="0 0 44 44" aria-hidden="true" focusable="false">
<rect width="44" height="44" rx="10" fill=${bank.bg} />
${svg`<text x="22" y="27" text-anchor="middle" font-family="system-ui, sans-serif" font-weight="700" font-size=${bank.mark.length > 2 ? 11 : 16} fill=${bank.fg}>${bank.mark}</text>`}
</svg>
<div>
<div class="muted">${t.term('bank.bank')}</div>
<strong id="bank-name">${bank.name}</strong>
</div>
</div>` : nothing}
${final ? nothing : html`<p class="muted">${t.term('bank.instructions')}</p>
<dl part="details">
${d.number ? this.row('bank.accountNumber', groupAccount(d.number), d.number.replace(/[\s-]/g, ''), 'account-number') : nothing}
${d.accountName ? this.row('bank.accountName', d.accountName, d.accountName, 'account-name') : nothing}
${d.amount ? this.row('bank.amount', t.money(d.amount, d.currency), d.amount, 'amount') : nothing}
${d.reference ? this.row('bank.reference', d.reference, d.reference, 'reference') : nothing}
</dl>
${deadline !== null ? html`<p part="countdown" class="countdown">
${t.term('countdown.deadline', { time: t.time(deadline) })} ·
<span class="sr-only">${t.term('countdown.label')}</span>
<time>${this.countdown.display}</time>
</p>` : nothing}`}
${statusLine(t, status, this.loadError, 'status')}
<slot name="footer"></slot>
<p class="sr-only" role="status" aria-live="polite">${this.announcement}</p>
</section>`;
  }
}
