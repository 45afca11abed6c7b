/**
 * The back office's order list. A shop order paid at the third try is one order, not three: the
 * payment attempts of one cart (the kit's records sharing an `orderRef`) sit together under the shop's
 * order number, oldest first, each with its own method, status, notifications and refund. On a phone
 * the rows turn into cards, each value under its column's name, so Status and Refund stay in view.
 */
import { html, nothing, type TemplateResult } from 'lit';
import { api, newIdempotencyKey } from '../api.js';
import { app, money, t } from '../app.js';
import { METHOD_NAMES, formatDateTime, type StringKey } from '../i18n.js';
import { shopOrderNumber } from '../order-number.js';
import { prefs } from '../state.js';
import { rawBody, summarise } from './admin-notifications.js';
import { act, FILTERS, goToPage, s, type Filter, type Order } from './admin-state.js';
import { PLAN_ID } from './subscribe.js';

/** One shop order (or one subscription) with the attempts to pay it that this page lists. */
interface OrderGroup {
  /** The shop's order number, or null for a subscription or a payment made without a cart. */
  number: string | null;
  attempts: Order[];
}

/**
 * The page's records grouped by the shop order they were made for, in the list's order (the group of
 * the newest attempt first); attempts inside a group oldest first, so they read as what happened.
 */
function groupAttempts(orders: readonly Order[]): OrderGroup[] {
  const groups = new Map<string, OrderGroup>();
  for (const o of orders) {
    const ref = o.kind === 'payment' && o.orderRef?.startsWith('cart_') ? o.orderRef : null;
    const key = ref ?? `id:${o.orderId}`;
    const group = groups.get(key) ?? { number: ref && shopOrderNumber(ref), attempts: [] };
    group.attempts.unshift(o);
    groups.set(key, group);
  }
  return [...groups.values()];
}

const STATUSES = [
  'pending',
  'processing',
  'succeeded',
  'failed',
  'expired',
  'unknown',
  'active',
  'cancelled',
  'review',
];

/** An order status in the reviewer's language (a status this page does not know stays as sent). */
function statusWord(status: string): string {
  return STATUSES.includes(status) ? t(`status.${status}` as StringKey) : status;
}

const REFUND_WORDS: Record<string, StringKey> = {
  succeeded: 'admin.refund.succeeded',
  pending: 'admin.refund.pending',
  failed: 'admin.refund.failed',
  unknown: 'admin.refund.unknown',
};

/** What a whole group reads as: paid when any attempt was, otherwise its latest attempt's status. */
function groupStatus(g: OrderGroup): string {
  const paid = g.attempts.find((o) => o.status === 'succeeded' || o.status === 'active');
  return (paid ?? g.attempts.at(-1)!).status;
}

/**
 * Refund in two steps: "Refund" asks "Refund ฿… in full?", and only "Yes, refund" moves money. The
 * idempotency key is minted when the question is asked, so a double click refunds once.
 */
function refundControl(o: Order, number: string): TemplateResult {
  const asking = s.confirming?.orderId === o.orderId ? s.confirming : null;
  if (!asking)
    return html`<button
      class="btn btn-ghost btn-small"
      type="button"
      data-testid="refund"
      ?disabled=${s.busy.has(o.orderId)}
      @click=${() => {
        s.confirming = { orderId: o.orderId, key: newIdempotencyKey() };
        app.rerender();
      }}
    >
      ${t('admin.refund')}
    </button>`;
  return html`<div role="group" aria-label=${t('admin.refund.group')} data-testid="refund-confirm">
    <p class="confirm-question">${t('admin.refund.confirm', { amount: money(o.amount, o.currency) })}</p>
    <button
      class="btn btn-small"
      type="button"
      ?disabled=${s.busy.has(o.orderId)}
      @click=${() => {
        s.confirming = null;
        void act(
          o.orderId,
          () => api.admin.refund(o.orderId, asking.key),
          t('admin.refund.requested', { order: number }),
          'admin.refund.notMade',
        );
      }}
    >
      ${t('admin.refund.yes')}
    </button>
    <button
      class="btn btn-ghost btn-small"
      type="button"
      @click=${() => {
        s.confirming = null;
        app.rerender();
      }}
    >
      ${t('admin.refund.keep')}
    </button>
  </div>`;
}

function notificationsCell(o: Order): TemplateResult {
  const notifications = o.detail?.notifications ?? [];
  if (!notifications.length) return html`<span class="muted small-text">${t('admin.notif.none')}</span>`;
  const count =
    notifications.length === 1
      ? t('admin.notif.one')
      : t('admin.notif.many', { count: notifications.length });
  return html`<details>
    <summary>${count}</summary>
    <ul class="notif-list">
      ${notifications.map(
        (n) =>
          html`<li>
            ${formatDateTime(prefs.locale, n.receivedAt)} ·
            ${n.verified ? t('admin.notif.verified') : t('admin.notif.unverified')} ·
            ${outcomeWord(n.outcome)}<br />${summarise(n.body, t)}
            <details class="notif-raw">
              <summary>${t('admin.notif.body')}</summary>
              <pre data-testid="notification-body">${rawBody(n.body)}</pre>
            </details>
          </li>`,
      )}
    </ul>
  </details>`;
}

const OUTCOMES: Record<string, StringKey> = {
  applied: 'admin.notif.applied',
  duplicate: 'admin.notif.duplicate',
  deduction: 'admin.notif.deduction',
  stale: 'admin.notif.stale',
};

/** What the kit did with a notification; the rarer outcomes keep the kit's own word. */
function outcomeWord(outcome: string): TemplateResult | string {
  return OUTCOMES[outcome] ? t(OUTCOMES[outcome]) : html`<code>${outcome}</code>`;
}

function attemptRow(o: Order, number: string): TemplateResult {
  const refund = o.detail?.refunds[0];
  // HaiPay refunds paid USD card payments; one refund per order unless the last one failed.
  const refundable =
    o.kind === 'payment' &&
    o.method === 'card' &&
    o.status === 'succeeded' &&
    (!refund || refund.status === 'failed');
  const methodKey = METHOD_NAMES[o.method];
  const method = o.kind === 'subscription' ? t('admin.subscription') : methodKey ? t(methodKey) : o.method;
  return html`<tr class="attempt" data-order=${o.orderId} data-status=${o.status}>
    <td>
      <div class="attempt-method">${method}</div>
      <code>${o.orderId}</code>
      <div class="muted small-text">${formatDateTime(prefs.locale, o.createdAt)}</div>
    </td>
    <td class="num" data-label=${t('admin.col.amount')}>${money(o.amount, o.currency)}</td>
    <td data-label=${t('admin.col.status')}>
      <span class="pill" data-status=${o.status}>${statusWord(o.status)}</span>
      ${
        refund
          ? html`<div class="refund-pill">
              <span
                class="pill"
                data-status=${refund.status === 'succeeded' ? 'cancelled' : refund.status}
                data-refund=${refund.status}
                data-testid="refund-status"
                >${REFUND_WORDS[refund.status] ? t(REFUND_WORDS[refund.status]!) : refund.status}</span
              >
            </div>`
          : nothing
      }
      ${
        // The gateway's own reason for a failure, small; an expiry says no more than its pill.
        o.failureReason && o.status !== 'expired'
          ? html`<div class="muted small-text">${o.failureReason}</div>`
          : nothing
      }
    </td>
    <td data-label=${t('admin.col.notifications')}>${notificationsCell(o)}</td>
    <td class="actions">${refundable ? refundControl(o, number) : nothing}</td>
  </tr>`;
}

function groupBody(g: OrderGroup): TemplateResult {
  const first = g.attempts[0]!;
  const title = g.number
    ? t('admin.order', { number: g.number })
    : first.kind === 'subscription'
      ? t('admin.subscription')
      : first.orderId;
  // An order paid (or left) at the first try needs no count; a subscription names its plan.
  const note =
    first.kind === 'subscription'
      ? first.orderRef === PLAN_ID
        ? t('sub.title')
        : first.subject
      : g.attempts.length > 1
        ? t('admin.attempts.many', { count: g.attempts.length })
        : '';
  const status = groupStatus(g);
  return html`<tbody class="order-group" data-order-number=${g.number ?? nothing}>
    <tr class="group-head">
      <th scope="rowgroup" colspan="5">
        <span class="group-title">${title}</span>
        ${note ? html`<span class="muted small-text">${note}</span>` : nothing}
        ${
          g.attempts.length > 1
            ? html`<span class="pill" data-status=${status} data-testid="order-status"
                >${statusWord(status)}</span
              >`
            : nothing
        }
      </th>
    </tr>
    ${g.attempts.map((o) => attemptRow(o, g.number ?? o.orderId))}
  </tbody>`;
}

/** Newer / older pages of the order list. */
function pager(): TemplateResult | typeof nothing {
  const page = s.cursors.length + 1;
  if (page === 1 && !s.nextCursor) return nothing;
  return html`<nav class="pager" aria-label=${t('admin.pages')}>
    <button
      class="btn btn-ghost"
      type="button"
      data-testid="newer"
      ?disabled=${page === 1}
      @click=${() => goToPage(s.cursors.slice(0, -1))}
    >
      ${t('admin.newer')}
    </button>
    <span aria-live="polite" data-testid="page">${t('admin.page', { page })}</span>
    <button
      class="btn btn-ghost"
      type="button"
      data-testid="older"
      ?disabled=${!s.nextCursor}
      @click=${() => goToPage([...s.cursors, s.nextCursor!])}
    >
      ${t('admin.older')}
    </button>
  </nav>`;
}

function filterControl(): TemplateResult {
  return html`<div class="field order-filter">
    <label for="order-filter">${t('admin.filter')}</label>
    <select
      id="order-filter"
      data-testid="order-filter"
      @change=${(e: Event) => {
        s.filter = (e.target as HTMLSelectElement).value as Filter;
        goToPage([]);
      }}
    >
      ${(Object.keys(FILTERS) as Filter[]).map(
        (f) => html`<option value=${f} ?selected=${s.filter === f}>${t(`admin.filter.${f}`)}</option>`,
      )}
    </select>
  </div>`;
}

function table(): TemplateResult {
  if (s.orders.length === 0) return html`<p class="muted">${t('admin.emptyPage')}</p>`;
  return html`<table class="orders" data-testid="orders" aria-labelledby="orders-title">
    <thead>
      <tr>
        <th scope="col">${t('admin.col.payment')}</th>
        <th scope="col" class="num">${t('admin.col.amount')}</th>
        <th scope="col">${t('admin.col.status')}</th>
        <th scope="col">${t('admin.col.notifications')}</th>
        <th scope="col"><span class="sr-only">${t('admin.col.actions')}</span></th>
      </tr>
    </thead>
    ${groupAttempts(s.orders).map(groupBody)}
  </table>`;
}

/** The Orders panel: filter, the grouped table, paging. */
export function ordersPanel(): TemplateResult {
  const empty = s.loaded && s.orders.length === 0 && s.cursors.length === 0 && s.filter === 'all';
  return html`<section class="panel" aria-labelledby="orders-title">
    <div class="panel-head">
      <h2 id="orders-title">${t('admin.orders')}</h2>
      ${empty ? nothing : filterControl()}
    </div>
    ${
      !s.loaded
        ? html`<p class="muted">${t('admin.loading')}</p>`
        : empty
          ? html`<p class="muted">${t('admin.empty')}</p>`
          : html`${table()} ${pager()}`
    }
  </section>`;
}
