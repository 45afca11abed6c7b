/**
 * Hosted pages — plain server-rendered HTML a phone browser can use: the hosted card page, 3-D Secure
 * challenge, TWD cashier, wallets (TrueMoney, JKO Pay, MoMo, LINE Pay), the global cashier,
 * subscription authorization, and a "bank app" that pays a PromptPay payload or a virtual account.
 * Each page is marked SANDBOX, has one `h1`, labelled controls and `lang`, is written in the shopper's
 * language (./page-strings.ts), and ends with a 303 redirect to the merchant's `callBackUrl` /
 * `callBackFailUrl`. The forms are documented in the README ("Hosted pages"), so a test can drive them
 * with plain form posts.
 */
import { CASHIER_REGIONS, COLLECT_METHODS } from '@haipay-kit/protocol/rules';
import { convert, formatAmount } from './money.js';
import { esc, layout, pageAction, type PageContext } from './page-shell.js';
import { translator, type PageKey, type Translate } from './page-strings.js';
import type { CollectOrder, OrderStatus, Subscription } from './records.js';

export { esc, layout, type PageContext } from './page-shell.js';

/** `1730.00` → `1,730.00 THB`: HaiPay's decimal text, grouped (the same in all three languages). */
function money(cents: number, currency: string): string {
  const [whole = '', fraction] = formatAmount(cents, currency).split('.');
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${grouped}${fraction === undefined ? '' : `.${fraction}`}`;
}

function amountLine(cents: number, currency: string): string {
  return `<p class="amount">${esc(money(cents, currency))} <small>${esc(currency)}</small></p>`;
}

/**
 * What is paid, first and largest, then the shop's item text; the two order numbers come last and
 * small, for whoever needs to quote them.
 */
function summary(order: CollectOrder, t: Translate): string {
  // A USD order on the TWD path is paid in TWD at the sandbox's rate (README "Orders in USD on the TWD path").
  const local =
    order.settlementCurrency !== order.currency && order.settlementCurrency === 'TWD'
      ? `<dt>${esc(t('summary.toPay'))}</dt><dd>${esc(money(convert(order.amount, order.currency, 'TWD'), 'TWD'))} TWD</dd>`
      : '';
  return `${amountLine(order.amount, order.currency)}
<p class="subject">${esc(order.subject)}</p>
<dl class="ids">${local}<dt>${esc(t('summary.merchantOrder'))}</dt><dd>${esc(order.orderId)}</dd>
<dt>${esc(t('summary.haipayOrder'))}</dt><dd>${esc(order.orderNo)}</dd></dl>`;
}

/** Values typed on the hosted card page, and the problems found with them (shown again on a 422). */
export interface CardFormState {
  values?: Partial<Record<CardField, string>>;
  issues?: { field: string; message: string }[];
}
type CardField = 'accountNo' | 'expiryMonth' | 'expiryYear' | 'cvv';
const CARD_LABELS: Readonly<Record<CardField, PageKey>> = {
  accountNo: 'card.number',
  expiryMonth: 'card.month',
  expiryYear: 'card.year',
  cvv: 'card.cvv',
};

function buttons(t: Translate, ok: PageKey, cancel: PageKey): string {
  return `<div class="actions">
<button type="submit" class="primary" name="action" value="approve">${esc(t(ok))}</button>
<button type="submit" class="secondary" name="action" value="decline" formnovalidate>${esc(t(cancel))}</button>
</div>`;
}

/** A form posting to `path` in the page's language, with `fields` above the two buttons. */
function decisionForm(ctx: PageContext, path: string, ok: PageKey, cancel: PageKey, fields = ''): string {
  const t = translator(ctx.lang);
  return `<form method="post" action="${esc(pageAction(path, ctx))}">
${fields}${buttons(t, ok, cancel)}
</form>`;
}

/** The hosted (non-PCI) card page: card number, expiry and CVV, then Pay or Cancel. */
export function cardPage(order: CollectOrder, state: CardFormState, ctx: PageContext): string {
  const t = translator(ctx.lang);
  const issues = state.issues ?? [];
  const input = (field: CardField, attrs: string) => {
    const error = issues.find((i) => i.field === field);
    const id = `card-${field}`;
    // The checks' own words are English; the other languages name the field to look at.
    const message = error && (ctx.lang === 'en' ? error.message : t(`card.bad.${field}`));
    return `<div><label for="${id}">${esc(t(CARD_LABELS[field]))}</label>
<input id="${id}" name="${field}" ${attrs} required value="${esc(state.values?.[field] ?? '')}"${
      error ? ` aria-invalid="true" aria-describedby="${id}-error"` : ''
    }>${error ? `<p class="error" id="${id}-error">${esc(message)}</p>` : ''}</div>`;
  };
  const alert = issues.length ? `<p class="error" role="alert">${esc(t('card.check'))}</p>` : '';
  const fields = `${input('accountNo', 'inputmode="numeric" autocomplete="cc-number"')}
<div class="pair">${input('expiryMonth', 'inputmode="numeric" autocomplete="cc-exp-month" maxlength="2"')}
${input('expiryYear', 'inputmode="numeric" autocomplete="cc-exp-year" maxlength="4"')}</div>
${input('cvv', 'inputmode="numeric" autocomplete="cc-csc" maxlength="4"')}`;
  const help = `<div class="help"><strong>${esc(t('card.testCards'))}</strong><ul>
<li><code>4242 4242 4242 4242</code> ${esc(t('card.test.ok'))}</li>
<li><code>4000 0000 0000 9995</code> ${esc(t('card.test.decline'))}</li>
<li><code>4000 0566 5566 5556</code> ${esc(t('card.test.3ds'))}</li></ul></div>`;
  return layout(
    t('card.title'),
    `${summary(order, t)}${decisionForm(ctx, `/pay/${order.orderNo}`, 'action.pay', 'action.cancel', fields)}${help}`,
    alert,
    ctx,
  );
}

/** The final-state page shown when an order or subscription cannot be paid any more, or is unknown. */
export function finishedPage(
  what: { order: OrderStatus } | { subscription: Subscription['status'] } | 'unknown',
  ctx: PageContext,
): string {
  const t = translator(ctx.lang);
  const text =
    what === 'unknown'
      ? t('finished.unknown')
      : 'order' in what
        ? t('finished.payment', { status: t(`status.${what.order}`) })
        : t('finished.subscription', { status: t(`subStatus.${what.subscription}`) });
  return layout(t('finished.title'), `<p role="status">${esc(text)}</p>`, '', ctx);
}

/** A deterministic sandbox ATM account or store code for a TWD order (shown, never returned by the API, §5). */
function twdPaymentCode(order: CollectOrder): { label: PageKey; value: string } {
  const digits = order.orderNo.slice(-10);
  if (/^ATM/.test(order.inBankCode)) return { label: 'tw.atm', value: `9${digits.padStart(13, '0')}` };
  if (/^STORE_/.test(order.inBankCode)) return { label: 'tw.store', value: `HPS${digits}` };
  return { label: 'tw.jko', value: `JKO${digits}` };
}

function cashierPage(order: CollectOrder, ctx: PageContext, t: Translate, path: string): string {
  const methods = order.cashierMode
    ? COLLECT_METHODS.filter((m) => m.currency === 'TWD')
    : COLLECT_METHODS.filter((m) => {
        const allowed = (CASHIER_REGIONS as Record<string, readonly string[]>)[order.region ?? ''] ?? [];
        return allowed.includes(order.currency) && m.currency === order.currency;
      });
  const radios = methods
    .map(
      (m, i) =>
        `<label><input type="radio" name="inBankCode" value="${esc(m.inBankCode)}"${i === 0 ? ' checked' : ''} required> ${esc(m.label)}</label>`,
    )
    .join('\n');
  const legend = order.region ? t('cashier.region', { region: order.region }) : t('cashier.choose');
  const fieldset = `<fieldset><legend>${esc(legend)}</legend>${radios || `<p>${esc(t('cashier.none'))}</p>`}</fieldset>`;
  return layout(
    t(order.cashierMode ? 'cashier.twTitle' : 'cashier.title'),
    `${summary(order, t)}${decisionForm(ctx, path, 'action.pay', 'action.cancel', fieldset)}`,
    '',
    ctx,
  );
}

/** Renders the hosted page of a collection order, by its flow. */
export function orderPage(order: CollectOrder, ctx: PageContext): string {
  const t = translator(ctx.lang);
  const path = `/pay/${order.orderNo}`;
  if (order.flow === 'card' && !order.card) return cardPage(order, {}, ctx);
  if (order.flow === 'card-3ds') {
    const card = order.card
      ? `<p>${esc(t('3ds.card', { last4: '\u0000' })).replace('\u0000', `<strong>${esc(order.card.last4)}</strong>`)}</p>`
      : '';
    return layout(
      t('3ds.title'),
      `${summary(order, t)}${card}<p>${esc(t('3ds.body'))}</p>` +
        decisionForm(ctx, path, 'action.approve', 'action.decline'),
      '',
      ctx,
    );
  }
  if (order.flow === 'cashier' || order.cashierMode) return cashierPage(order, ctx, t, path);
  if (order.settlementCurrency === 'TWD' || /^(ATM|STORE_)/.test(order.inBankCode)) {
    const code = twdPaymentCode(order);
    return layout(
      t('tw.title'),
      `${summary(order, t)}<p id="pay-code-label">${esc(t(code.label))}</p><p class="code" aria-labelledby="pay-code-label">${esc(code.value)}</p>` +
        `<p>${esc(t('tw.body'))}</p>` +
        decisionForm(ctx, path, 'action.pay', 'action.cancel'),
      '',
      ctx,
    );
  }
  if (order.flow === 'qr') {
    return layout(
      t('qr.title'),
      `${summary(order, t)}<label for="payload">${esc(t('qr.payload'))}</label><textarea id="payload" readonly rows="4">${esc(order.qrCode)}</textarea>` +
        `<p><a href="${esc(pageAction('/bank-app', ctx, { payload: order.qrCode ?? '' }))}">${esc(t('qr.bankApp'))}</a></p>`,
      '',
      ctx,
    );
  }
  const method = COLLECT_METHODS.find((m) => m.inBankCode === order.inBankCode);
  const wallet = method?.label ?? order.inBankCode;
  return layout(
    wallet,
    `${summary(order, t)}<p>${esc(t('wallet.body', { wallet }))}</p>` +
      decisionForm(ctx, path, 'action.pay', 'action.cancel'),
    '',
    ctx,
  );
}

/** Subscription authorization page. */
export function subscriptionPage(s: Subscription, ctx: PageContext): string {
  const t = translator(ctx.lang);
  const every = t('sub.every', { count: s.intervalCount, unit: t(`sub.unit.${s.interval}`) });
  return layout(
    t('sub.title'),
    `${amountLine(s.amount, 'USD')}<p class="subject">${esc(s.subject)} · ${esc(every)}</p>
<dl class="ids">${s.card ? `<dt>${esc(t('sub.card'))}</dt><dd>${esc(t('sub.cardEnding', { last4: s.card.last4 }))}</dd>` : ''}
<dt>${esc(t('sub.no'))}</dt><dd>${esc(s.subscriptionNo)}</dd></dl>
<p>${esc(t('sub.body'))}</p>` +
      decisionForm(ctx, `/pay/${s.subscriptionNo}`, 'action.approve', 'action.decline'),
    '',
    ctx,
  );
}

/** The sandbox bank app: pays a PromptPay/VietQR payload or a virtual account. */
export function bankAppPage(
  prefill: { payload?: string; amount?: string },
  ctx: PageContext,
  error?: string,
): string {
  const t = translator(ctx.lang);
  const err = error ? `<p class="error" role="alert" id="bank-error">${esc(error)}</p>` : '';
  const described = error ? ' aria-describedby="bank-error"' : '';
  return layout(
    t('bank.title'),
    `<p>${esc(t('bank.intro'))}</p>
<form method="post" action="${esc(pageAction('/bank-app', ctx))}">
<label for="payload">${esc(t('bank.payload'))}</label>
<textarea id="payload" name="payload" rows="4" required${described}${error ? ' aria-invalid="true"' : ''}>${esc(prefill.payload)}</textarea>
<label for="amount">${esc(t('bank.amount'))}</label>
<input id="amount" name="amount" inputmode="decimal" autocomplete="off" value="${esc(prefill.amount)}">
${buttons(t, 'action.pay', 'action.decline')}
</form>`,
    err,
    ctx,
  );
}
