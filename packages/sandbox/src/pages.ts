/**
 * Hosted pages — plain server-rendered HTML a phone browser can use: the hosted card page, 3-D Secure
 * challenge, TWD cashier, wallets (TrueMoney, JKO Pay, MoMo, LINE Pay), the global cashier,
 * subscription authorization, and a "bank app" that pays a PromptPay payload or a virtual account.
 * Each page is marked SANDBOX, has one `h1`, labelled controls and `lang`, and ends with a 303 redirect
 * to the merchant's `callBackUrl` / `callBackFailUrl`. The forms are documented in the README
 * ("Hosted pages"), so a test can drive them with plain form posts.
 */
import { CASHIER_REGIONS, COLLECT_METHODS } from '@haipay-kit/protocol/rules';
import { convert, formatAmount } from './money.js';
import type { CollectOrder, Subscription } from './records.js';

/** Escapes text for HTML element content and attribute values; `undefined` is no text. */
export function esc(text: string | undefined): string {
  return (text ?? '').replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

const STYLE = `
*{box-sizing:border-box}
body{margin:0;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1a1a1a;background:#f4f5f7}
.banner{margin:0;padding:.5rem 1rem;background:#b45309;color:#fff;font-weight:700;text-align:center;letter-spacing:.04em}
main{max-width:28rem;margin:1.5rem auto;padding:1.25rem;background:#fff;border-radius:12px;box-shadow:0 1px 4px rgba(0,0,0,.12)}
h1{font-size:1.35rem;margin:0 0 1rem}
dl{display:grid;grid-template-columns:auto 1fr;gap:.25rem .75rem;margin:0 0 1rem}
dt{color:#555}dd{margin:0;font-weight:600;overflow-wrap:anywhere}
.code{font-family:ui-monospace,monospace;font-size:1.1rem;padding:.5rem;background:#f1f1f1;border-radius:6px;overflow-wrap:anywhere}
label{display:block;margin:.75rem 0 .25rem;font-weight:600}
input,select,textarea{width:100%;font:inherit;font-size:16px;padding:.6rem;border:1px solid #888;border-radius:6px}
.actions{display:flex;gap:.75rem;margin-top:1.25rem;flex-wrap:wrap}
button{flex:1;min-height:48px;font:inherit;font-weight:700;border-radius:8px;border:2px solid #1d4ed8;cursor:pointer}
button.primary{background:#1d4ed8;color:#fff}button.secondary{background:#fff;color:#1d4ed8}
button:focus-visible,input:focus-visible,select:focus-visible,textarea:focus-visible{outline:3px solid #f59e0b;outline-offset:2px}
.error{color:#b91c1c;font-weight:600}
fieldset{border:1px solid #ccc;border-radius:8px;padding:.5rem 1rem}
fieldset label{font-weight:400;display:flex;gap:.5rem;align-items:center}
fieldset input{width:auto}
`;

/**
 * A neutral sandbox mark (a grey square with an "S"), inline so the hosted pages never ask the shop's
 * origin for `/favicon.ico` (a 404 in every browser's log) and never look like the shop's own pages.
 */
const FAVICON =
  "data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 32 32'%3E%3Crect width='32' height='32' rx='7' fill='%23475569'/%3E%3Ctext x='16' y='23' text-anchor='middle' font-family='sans-serif' font-size='20' font-weight='700' fill='%23fff'%3ES%3C/text%3E%3C/svg%3E";

/** Wraps page content in the common accessible, phone-friendly shell. */
export function layout(title: string, body: string, status = ''): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>${esc(title)} — HaiPay SANDBOX</title>
<link rel="icon" href="${FAVICON}">
<style>${STYLE}</style>
</head>
<body>
<p class="banner" role="note">SANDBOX — a test page of the local HaiPay sandbox. No real money moves.</p>
<main>
<h1>${esc(title)}</h1>
${status}
${body}
</main>
</body>
</html>`;
}

function summary(order: CollectOrder): string {
  // A USD order on the TWD path is paid in TWD at the sandbox's rate (README "Orders in USD on the TWD path").
  const local =
    order.settlementCurrency !== order.currency && order.settlementCurrency === 'TWD'
      ? `<dt>To pay</dt><dd>${esc(formatAmount(convert(order.amount, order.currency, 'TWD'), 'TWD'))} TWD</dd>`
      : '';
  return `<dl>
<dt>Merchant order</dt><dd>${esc(order.orderId)}</dd>
<dt>HaiPay order</dt><dd>${esc(order.orderNo)}</dd>
<dt>Item</dt><dd>${esc(order.subject)}</dd>
<dt>Amount</dt><dd>${esc(formatAmount(order.amount, order.currency))} ${esc(order.currency)}</dd>
${local}</dl>`;
}

/** Values typed on the hosted card page, and the problems found with them (shown again on a 422). */
export interface CardFormState {
  values?: Partial<Record<'accountNo' | 'expiryMonth' | 'expiryYear' | 'cvv', string>>;
  issues?: { field: string; message: string }[];
}

/** The hosted (non-PCI) card page: card number, expiry and CVV, then Pay or Cancel. */
export function cardPage(order: CollectOrder, state: CardFormState = {}): string {
  const issues = state.issues ?? [];
  const errorFor = (field: string) => issues.find((i) => i.field === field);
  const input = (field: 'accountNo' | 'expiryMonth' | 'expiryYear' | 'cvv', label: string, attrs: string) => {
    const error = errorFor(field);
    const id = `card-${field}`;
    return `<label for="${id}">${esc(label)}</label>
<input id="${id}" name="${field}" ${attrs} required value="${esc(state.values?.[field] ?? '')}"${
      error ? ` aria-invalid="true" aria-describedby="${id}-error"` : ''
    }>${error ? `<p class="error" id="${id}-error">${esc(error.message)}</p>` : ''}`;
  };
  const alert = issues.length ? `<p class="error" role="alert">Check the card details below.</p>` : '';
  return layout(
    'Pay by card',
    `${summary(order)}<form method="post" action="/pay/${esc(order.orderNo)}">
${input('accountNo', 'Card number', 'inputmode="numeric" autocomplete="cc-number"')}
${input('expiryMonth', 'Expiry month (MM)', 'inputmode="numeric" autocomplete="cc-exp-month" maxlength="2"')}
${input('expiryYear', 'Expiry year (YYYY)', 'inputmode="numeric" autocomplete="cc-exp-year" maxlength="4"')}
${input('cvv', 'Security code (CVV)', 'inputmode="numeric" autocomplete="cc-csc" maxlength="4"')}
<div class="actions">
<button type="submit" class="primary" name="action" value="approve">Pay</button>
<button type="submit" class="secondary" name="action" value="decline" formnovalidate>Cancel payment</button>
</div>
</form>
<p>Sandbox test cards: 4242 4242 4242 4242 pays, 4000 0000 0000 9995 is declined, 4000 0566 5566 5556 asks for 3-D Secure.</p>`,
    alert,
  );
}

function buttons(action: string, ok: string, cancel: string, extra = ''): string {
  return `<form method="post" action="${esc(action)}">
${extra}
<div class="actions">
<button type="submit" class="primary" name="action" value="approve">${esc(ok)}</button>
<button type="submit" class="secondary" name="action" value="decline" formnovalidate>${esc(cancel)}</button>
</div>
</form>`;
}

/** The final-state page shown when an order cannot be paid any more. */
export function finishedPage(what: string, statusText: string): string {
  return layout(
    'Payment finished',
    `<p role="status">${esc(what)} is ${esc(statusText)}. Nothing more to do on this page.</p>`,
  );
}

/** A deterministic sandbox ATM account or store code for a TWD order (shown, never returned by the API, §5). */
function twdPaymentCode(order: CollectOrder): { label: string; value: string } {
  const digits = order.orderNo.slice(-10);
  if (/^ATM/.test(order.inBankCode))
    return { label: 'Bank 822 (CTBC) virtual account', value: `9${digits.padStart(13, '0')}` };
  if (/^STORE_/.test(order.inBankCode)) return { label: 'Store payment code', value: `HPS${digits}` };
  return { label: 'JKO Pay payment reference', value: `JKO${digits}` };
}

/** Renders the hosted page of a collection order, by its flow. */
export function orderPage(order: CollectOrder): string {
  const action = `/pay/${order.orderNo}`;
  if (order.flow === 'card' && !order.card) return cardPage(order);
  if (order.flow === 'card-3ds') {
    const card = order.card ? `<p>Card ending in <strong>${esc(order.card.last4)}</strong>.</p>` : '';
    return layout(
      '3-D Secure verification',
      `${summary(order)}${card}<p>Your bank asks you to confirm this payment. In the sandbox, choose the outcome.</p>` +
        buttons(action, 'Approve', 'Decline'),
    );
  }
  if (order.flow === 'cashier' || order.cashierMode) {
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
    return layout(
      order.cashierMode ? 'Taiwan cashier' : 'HaiPay cashier',
      `${summary(order)}<form method="post" action="${esc(action)}"><fieldset><legend>Choose how to pay${order.region ? ` (region ${esc(order.region)})` : ''}</legend>${radios || '<p>No method for this region and currency.</p>'}</fieldset>
<div class="actions"><button type="submit" class="primary" name="action" value="approve">Pay</button>
<button type="submit" class="secondary" name="action" value="decline" formnovalidate>Cancel payment</button></div></form>`,
    );
  }
  if (order.settlementCurrency === 'TWD' || /^(ATM|STORE_)/.test(order.inBankCode)) {
    const code = twdPaymentCode(order);
    return layout(
      'Taiwan payment',
      `${summary(order)}<p>${esc(code.label)}:</p><p class="code" aria-label="${esc(code.label)}">${esc(code.value)}</p>` +
        `<p>Pay at the ATM, store kiosk or app with this code before the deadline. In the sandbox, press Pay to simulate it.</p>` +
        buttons(action, 'Pay', 'Cancel payment'),
    );
  }
  if (order.flow === 'qr') {
    return layout(
      'Scan to pay',
      `${summary(order)}<label for="payload">QR payload</label><textarea id="payload" readonly rows="4">${esc(order.qrCode)}</textarea>` +
        `<p><a href="/bank-app?payload=${encodeURIComponent(order.qrCode ?? '')}">Open the sandbox bank app</a></p>`,
    );
  }
  const method = COLLECT_METHODS.find((m) => m.inBankCode === order.inBankCode);
  const wallet = method?.label ?? order.inBankCode;
  return layout(
    wallet,
    `${summary(order)}<p>Sign in to ${esc(wallet)} and confirm the payment. In the sandbox, choose the outcome.</p>` +
      buttons(action, 'Pay', 'Cancel payment'),
  );
}

/** Subscription authorization page. */
export function subscriptionPage(s: Subscription): string {
  const every = `${s.intervalCount} × ${({ D: 'day', W: 'week', M: 'month', Y: 'year' } as const)[s.interval]}`;
  return layout(
    'Authorize subscription',
    `<dl><dt>Subscription</dt><dd>${esc(s.subscriptionNo)}</dd><dt>Item</dt><dd>${esc(s.subject)}</dd>
<dt>Amount</dt><dd>${esc(formatAmount(s.amount, 'USD'))} USD every ${esc(every)}</dd>
${s.card ? `<dt>Card</dt><dd>ending in ${esc(s.card.last4)}</dd>` : ''}</dl>
<p>Allow the merchant to charge this card on schedule. In the sandbox, choose the outcome.</p>` +
      buttons(`/pay/${s.subscriptionNo}`, 'Approve', 'Decline'),
  );
}

/** The sandbox bank app: pays a PromptPay/VietQR payload or a virtual account. */
export function bankAppPage(prefill: { payload?: string; amount?: string }, error?: string): string {
  const err = error ? `<p class="error" role="alert" id="bank-error">${esc(error)}</p>` : '';
  const described = error ? ' aria-describedby="bank-error"' : '';
  return layout(
    'Sandbox bank app',
    `<p>Paste a QR payload (PromptPay or VietQR) or a virtual account number, then pay.</p>
<form method="post" action="/bank-app">
<label for="payload">QR payload or account number</label>
<textarea id="payload" name="payload" rows="4" required${described}${error ? ' aria-invalid="true"' : ''}>${esc(prefill.payload)}</textarea>
<label for="amount">Amount (needed for an account number)</label>
<input id="amount" name="amount" inputmode="decimal" autocomplete="off" value="${esc(prefill.amount)}">
<div class="actions">
<button type="submit" class="primary" name="action" value="approve">Pay</button>
<button type="submit" class="secondary" name="action" value="decline" formnovalidate>Decline</button>
</div>
</form>`,
    err,
  );
}
