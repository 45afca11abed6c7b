/**
 * The merchant back office, on the kit's admin API (`/api/admin`, `createHaiPayAdminRouter`): balances
 * as HaiPay reports them, a payout to the shop's bank account (admin-payout.ts), the sandbox's "time
 * machine", and every order with its payment attempts, notification history and refund
 * (admin-orders.ts). Every word follows the shop's language switch. Beyond loopback the demo server
 * asks for the admin token printed at start.
 */
import { html, nothing, type TemplateResult } from 'lit';
import { api, type Balance } from '../api.js';
import { money, t } from '../app.js';
import { formatDateTime, type StringKey } from '../i18n.js';
import { prefs } from '../state.js';
import { ordersPanel } from './admin-orders.js';
import { payoutPanel } from './admin-payout.js';
import { act, load, s } from './admin-state.js';

/** Stops polling when the reviewer leaves the back office. */
export function leaveAdmin(): void {
  s.active = false;
  clearTimeout(s.timer);
}

function balanceCard(b: Balance): TemplateResult {
  if (b.error) {
    return html`<div class="stat" data-currency=${b.currency}>
      <div class="cur">${b.currency}</div>
      <div class="small danger-text">${b.error.message}</div>
    </div>`;
  }
  return html`<div class="stat" data-currency=${b.currency}>
    <div class="cur">${t('admin.balance.available', { currency: b.currency })}</div>
    <div class="big">${money(b.available, b.currency)}</div>
    <div class="small">
      ${t('admin.balance.detail', {
        total: money(b.total, b.currency),
        frozen: money(b.frozen, b.currency),
        unsettled: money(b.unsettled, b.currency),
      })}
    </div>
  </div>`;
}

/** A translated sentence with one `{link}` in it, the link's words translated too. */
function withLink(key: StringKey, link: TemplateResult): TemplateResult {
  const [before, after] = t(key).split('{link}');
  return html`${before}${link}${after ?? ''}`;
}

/** The time machine's steps: what each button says, and how far it moves the sandbox's clock. */
const STEPS = [
  [() => t('admin.clock.minutes', { n: 2 }), 2 * 60_000],
  [() => t('admin.clock.minutes', { n: 16 }), 16 * 60_000],
  [() => t('admin.clock.day'), 86_400_000],
  [() => t('admin.clock.month'), 31 * 86_400_000],
] as const;

function timeMachine(): TemplateResult {
  return html`<section class="panel" aria-labelledby="clock-title">
    <h2 id="clock-title">${t('admin.clock.title')}</h2>
    <p class="muted panel-lead">${t('admin.clock.body')}</p>
    <div class="toolbar">
      ${STEPS.map(([label, ms]) => {
        const step = label();
        return html`<button
          class="btn btn-ghost btn-small"
          type="button"
          data-testid="clock-${ms}"
          ?disabled=${s.busy.has('clock')}
          @click=${() =>
            void act(
              'clock',
              () => api.admin.advanceClock(ms),
              t('admin.clock.moved', { step }),
              'admin.clock.failed',
            )}
        >
          ${step}
        </button>`;
      })}
    </div>
    <p class="muted small-text">
      ${withLink(
        'admin.clock.bankApp',
        html`<a href="/bank-app?lang=${prefs.locale}" target="_blank" rel="noopener"
          >${t('admin.clock.bankAppLink')}</a
        >`,
      )}
    </p>
  </section>`;
}

export function adminPage(): TemplateResult {
  if (!s.active) {
    s.active = true;
    void load();
  }
  return html`<div class="page-title">
      <div>
        <h1>${t('admin.title')}</h1>
        <p class="muted page-lead">
          ${t('admin.intro')}
          ${s.clock ? html`<span data-testid="sandbox-time">${t('admin.sandboxTime', { time: formatDateTime(prefs.locale, s.clock) })}</span>` : nothing}
        </p>
      </div>
      <button class="btn btn-ghost btn-small" type="button" @click=${() => void load()}>
        ${t('admin.refresh')}
      </button>
    </div>
    ${s.error ? html`<div class="alert alert-error" role="alert">${t('admin.loadError', { message: s.error })}</div>` : nothing}
    ${s.message ? html`<div class="alert alert-info" role="status" data-testid="admin-message">${s.message}</div>` : nothing}
    <div class="admin-grid" data-testid="balances" role="group" aria-label=${t('admin.balances')}>
      ${s.balances.map(balanceCard)}
    </div>

    <div class="admin-two">${payoutPanel()} ${timeMachine()}</div>

    ${ordersPanel()}`;
}
