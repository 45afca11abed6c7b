/**
 * The merchant back office, on the kit's admin API (`/api/admin`, `createHaiPayAdminRouter`): balances
 * as HaiPay reports them, a payout to the shop's bank account, the sandbox's "time machine", and every
 * order with its status, notification history and refund. Beyond loopback the demo server asks for the
 * admin token printed at start.
 */
import { html, nothing, type TemplateResult } from 'lit';
import {
  api,
  newIdempotencyKey,
  type AdminOrder,
  type AdminOrderDetail,
  type AdminTransfer,
  type Balance,
} from '../api.js';
import { app, money } from '../app.js';
import { formatDateTime } from '../i18n.js';
import { prefs } from '../state.js';
import { rawBody, summarise } from './admin-notifications.js';

/** The shop's own (sandbox) bank account at Kasikornbank: where payouts go. */
const SHOP_ACCOUNT = {
  currency: 'THB',
  accountType: 'BANK_ACCOUNT',
  bankCode: 'KBANK',
  accountNo: '0123456789',
  name: 'Saeng Coffee Co Ltd',
  phone: '0812345678',
  email: 'finance@saeng.example',
  partnerUserId: 'merchant',
  subject: 'Payout to the shop account',
};

type Order = AdminOrder & { detail?: AdminOrderDetail };

/** Orders per page of the back office's list. */
const PAGE_SIZE = 20;

const s = {
  orders: [] as Order[],
  /**
   * Keyset paging: the cursors that opened each page so far (the first page has none), and the next
   * page's cursor from the last answer (null on the last page). Going back pops a cursor, so a page
   * always shows the orders that followed the one before it, whatever was created meanwhile.
   */
  cursors: [] as string[],
  nextCursor: null as string | null,
  /** Each order's detail (notifications, refunds), read again only when the order's version changes. */
  details: new Map<string, { version: number; detail: AdminOrderDetail }>(),
  balances: [] as Balance[],
  payouts: [] as AdminTransfer[],
  clock: '',
  loaded: false,
  error: '',
  busy: new Set<string>(),
  /** The order whose refund awaits confirmation, with the idempotency key minted when it was asked. */
  confirming: null as { orderId: string; key: string } | null,
  message: '',
  payoutAmount: '1000.00',
  timer: undefined as ReturnType<typeof setTimeout> | undefined,
  active: false,
};

/** An order's detail: cached by version; a refund still in progress is asked about at HaiPay. */
async function detailOf(o: AdminOrder): Promise<AdminOrderDetail> {
  const cached = s.details.get(o.orderId);
  const open = cached?.detail.refunds.some((r) => r.status === 'pending' || r.status === 'unknown');
  if (cached && cached.version === o.version && !open) return cached.detail;
  const detail = await api.admin.order(o.orderId);
  detail.refunds = await Promise.all(
    detail.refunds.map(async (r) =>
      r.status === 'pending' || r.status === 'unknown'
        ? (await api.admin.transfer(r.transferId)).transfer
        : r,
    ),
  );
  s.details.set(o.orderId, { version: o.version, detail });
  return detail;
}

async function load(): Promise<void> {
  clearTimeout(s.timer);
  try {
    const [orders, balances, payouts, clock] = await Promise.all([
      api.admin.orders(PAGE_SIZE, s.cursors.at(-1)),
      api.admin.balances(),
      api.admin.payouts(),
      fetch('/api/admin/clock', { cache: 'no-store' }).then((r) => r.json() as Promise<{ now: string }>),
    ]);
    s.orders = await Promise.all(orders.data.map(async (o) => ({ ...o, detail: await detailOf(o) })));
    s.nextCursor = orders.nextCursor;
    s.balances = balances.data;
    s.payouts = await Promise.all(
      payouts.data.map(async (p) =>
        p.status === 'pending' || p.status === 'unknown'
          ? (await api.admin.transfer(p.transferId)).transfer
          : p,
      ),
    );
    s.clock = clock.now;
    s.error = '';
  } catch (err) {
    s.error = (err as Error).message;
  }
  s.loaded = true;
  app.rerender();
  if (s.active) s.timer = setTimeout(() => void load(), 2500);
}

async function act(key: string, fn: () => Promise<unknown>, done: string): Promise<void> {
  s.busy.add(key);
  s.message = '';
  app.rerender();
  try {
    await fn();
    s.message = done;
  } catch (err) {
    s.message = (err as Error).message;
  }
  s.busy.delete(key);
  // A refund changes no order field (it is a record of its own): read this order's detail again.
  s.details.delete(key);
  await load();
}

function goToPage(cursors: string[]): void {
  s.cursors = cursors;
  s.loaded = false;
  app.rerender();
  void load();
}

/** Newer / older pages of the order list. */
function pager(): TemplateResult | typeof nothing {
  const page = s.cursors.length + 1;
  if (page === 1 && !s.nextCursor) return nothing;
  return html`<nav class="pager" aria-label="Order pages">
    <button
      class="btn btn-ghost"
      type="button"
      data-testid="newer"
      ?disabled=${page === 1}
      @click=${() => goToPage(s.cursors.slice(0, -1))}
    >
      ← Newer
    </button>
    <span aria-live="polite">Page ${page}</span>
    <button
      class="btn btn-ghost"
      type="button"
      data-testid="older"
      ?disabled=${!s.nextCursor}
      @click=${() => goToPage([...s.cursors, s.nextCursor!])}
    >
      Older →
    </button>
  </nav>`;
}

/** Stops polling when the shopper leaves the back office. */
export function leaveAdmin(): void {
  s.active = false;
  clearTimeout(s.timer);
}

const METHOD: Record<string, string> = {
  card: 'Card',
  promptpay: 'PromptPay',
  'bank-transfer': 'Bank transfer',
  truemoney: 'TrueMoney',
  'twd-atm': 'ATM (TW)',
  'twd-store-ibon': '7-Eleven ibon',
  'twd-store-fami': 'FamilyMart',
  'twd-store-hilife': 'Hi-Life',
  'twd-store-okgo': 'OK mart',
};

function balanceCard(b: Balance): TemplateResult {
  if (b.error) {
    return html`<div class="stat" data-currency=${b.currency}>
      <div class="cur">${b.currency}</div>
      <div class="small" style="color:var(--shop-danger)">${b.error.message}</div>
    </div>`;
  }
  return html`<div class="stat" data-currency=${b.currency}>
    <div class="cur">${b.currency} · available</div>
    <div class="big">${money(b.available, b.currency)}</div>
    <div class="small">
      Total ${money(b.total, b.currency)} · frozen ${money(b.frozen, b.currency)} · unsettled
      ${money(b.unsettled, b.currency)}
    </div>
  </div>`;
}

/**
 * Refund in two steps: "Refund" asks "Refund ฿… in full?", and only "Yes, refund" moves money. The
 * idempotency key is minted when the question is asked, so a double click refunds once.
 */
function refundControl(o: Order): TemplateResult {
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
      Refund
    </button>`;
  return html`<div role="group" aria-label="Confirm the refund" data-testid="refund-confirm">
    <div style="font-size:13px;margin-bottom:6px">Refund ${money(o.amount, o.currency)} in full?</div>
    <button
      class="btn btn-small"
      type="button"
      ?disabled=${s.busy.has(o.orderId)}
      @click=${() => {
        s.confirming = null;
        void act(
          o.orderId,
          () => api.admin.refund(o.orderId, asking.key),
          `Refund requested for ${o.orderId}.`,
        );
      }}
    >
      Yes, refund
    </button>
    <button
      class="btn btn-ghost btn-small"
      type="button"
      @click=${() => {
        s.confirming = null;
        app.rerender();
      }}
    >
      Keep
    </button>
  </div>`;
}

function orderRow(o: Order): TemplateResult {
  const refunds = o.detail?.refunds ?? [];
  const refund = refunds[0];
  const notifications = o.detail?.notifications ?? [];
  // HaiPay refunds paid USD card payments; one refund per order unless the last one failed.
  const refundable =
    o.kind === 'payment' &&
    o.method === 'card' &&
    o.status === 'succeeded' &&
    (!refund || refund.status === 'failed');
  return html`<tr data-order=${o.orderId} data-status=${o.status}>
    <td>
      <div style="font-weight:600">
        ${o.kind === 'subscription' ? 'Subscription' : (METHOD[o.method] ?? o.method)}
      </div>
      <code>${o.orderId}</code>
      <div class="muted" style="font-size:13px">${formatDateTime(prefs.locale, o.createdAt)}</div>
    </td>
    <td class="hide-sm">${o.subject}</td>
    <td class="num">${money(o.amount, o.currency)}</td>
    <td>
      <span class="pill" data-status=${o.status}>${o.status}</span>
      ${
        refund
          ? html`<div style="margin-top:6px">
              <span
                class="pill"
                data-status=${refund.status === 'succeeded' ? 'cancelled' : refund.status}
                data-testid="refund-status"
                >refund ${refund.status}</span
              >
            </div>`
          : nothing
      }
      ${o.failureReason ? html`<div class="muted" style="font-size:13px;margin-top:4px">${o.failureReason}</div>` : nothing}
    </td>
    <td>
      ${
        notifications.length
          ? html`<details>
              <summary>${notifications.length} notification${notifications.length === 1 ? '' : 's'}</summary>
              <ul class="notif-list">
                ${notifications.map(
                  (n) =>
                    html`<li>
                      ${formatDateTime(prefs.locale, n.receivedAt)} ·
                      ${n.verified ? '✓ verified' : '✗ unverified'} · ${n.outcome}<br />${summarise(n.body)}
                      <details class="notif-raw">
                        <summary>Body</summary>
                        <pre data-testid="notification-body">${rawBody(n.body)}</pre>
                      </details>
                    </li>`,
                )}
              </ul>
            </details>`
          : html`<span class="muted" style="font-size:13px">none yet</span>`
      }
    </td>
    <td>${refundable ? refundControl(o) : nothing}</td>
  </tr>`;
}

export function adminPage(): TemplateResult {
  if (!s.active) {
    s.active = true;
    void load();
  }
  return html`<div class="page-title">
      <div>
        <h1>Back office</h1>
        <p class="muted" style="margin:6px 0 0">
          The kit's admin API; beyond this computer it needs the admin token. Sandbox time
          ${s.clock ? formatDateTime(prefs.locale, s.clock) : ''}
        </p>
      </div>
      <button class="btn btn-ghost btn-small" type="button" @click=${() => void load()}>Refresh</button>
    </div>
    ${s.error ? html`<div class="alert alert-error" role="alert">${s.error}</div>` : nothing}
    ${s.message ? html`<div class="alert alert-info" role="status" data-testid="admin-message">${s.message}</div>` : nothing}
    <div class="admin-grid" data-testid="balances">${s.balances.map(balanceCard)}</div>

    <div class="admin-two">
      <section class="panel">
        <h2>Payout to the shop’s bank account</h2>
        <form
          class="toolbar"
          @submit=${(e: Event) => {
            e.preventDefault();
            void act(
              'payout',
              () => api.admin.payout({ ...SHOP_ACCOUNT, amount: s.payoutAmount }, newIdempotencyKey()),
              `Payout of ฿${s.payoutAmount} requested.`,
            );
          }}
        >
          <div class="field">
            <label for="payout-amount">Amount (THB)</label>
            <input
              id="payout-amount"
              inputmode="decimal"
              .value=${s.payoutAmount}
              @input=${(e: Event) => (s.payoutAmount = (e.target as HTMLInputElement).value)}
            />
          </div>
          <button
            class="btn btn-primary"
            type="submit"
            ?disabled=${s.busy.has('payout')}
            data-testid="payout"
          >
            Pay out
          </button>
        </form>
        <p class="muted" style="font-size:13px">
          To KBANK ••••6789 · settles after a minute of sandbox time.
        </p>
        ${
          s.payouts.length
            ? html`<ul class="notif-list">
                ${s.payouts.map(
                  (p) =>
                    html`<li>
                      ${formatDateTime(prefs.locale, p.createdAt)} · ${money(p.amount, p.currency)} ·
                      <span class="pill" data-status=${p.status}>${p.status}</span> ${p.failureReason ?? ''}
                    </li>`,
                )}
              </ul>`
            : nothing
        }
      </section>
      <section class="panel">
        <h2>Sandbox time machine</h2>
        <p class="muted" style="margin-top:0;font-size:14px">
          Move the sandbox’s clock: QR codes expire after 15 minutes, payouts and refunds settle after a
          minute, subscriptions charge monthly.
        </p>
        <div class="toolbar">
          ${(
            [
              ['+2 min', 2 * 60_000],
              ['+16 min', 16 * 60_000],
              ['+1 day', 86_400_000],
              ['+1 month', 31 * 86_400_000],
            ] as const
          ).map(
            ([label, ms]) =>
              html`<button
                class="btn btn-ghost btn-small"
                type="button"
                data-testid="clock-${ms}"
                ?disabled=${s.busy.has('clock')}
                @click=${() => void act('clock', () => api.admin.advanceClock(ms), `Sandbox clock moved ${label}.`)}
              >
                ${label}
              </button>`,
          )}
        </div>
        <p class="muted" style="font-size:13px">
          Pay a QR or a transfer from another tab in the
          <a href="/bank-app" target="_blank" rel="noopener">sandbox bank app ↗</a>.
        </p>
      </section>
    </div>

    <section class="panel">
      <h2>Orders</h2>
      ${
        !s.loaded
          ? html`<p class="muted">Loading…</p>`
          : s.orders.length === 0 && s.cursors.length === 0
            ? html`<p class="muted">No orders yet. Buy something in the shop.</p>`
            : html`<div class="table-wrap">
                  <table class="orders" data-testid="orders">
                    <thead>
                      <tr>
                        <th>Order</th>
                        <th class="hide-sm">Subject</th>
                        <th style="text-align:right">Amount</th>
                        <th>Status</th>
                        <th>Notifications</th>
                        <th><span class="sr-only">Actions</span></th>
                      </tr>
                    </thead>
                    <tbody>
                      ${s.orders.map(orderRow)}
                    </tbody>
                  </table>
                </div>
                ${pager()}`
      }
    </section>`;
}
