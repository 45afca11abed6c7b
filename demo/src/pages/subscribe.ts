/**
 * The subscription: `<haipay-card-form mode="subscription">` sets it up (the bank authorises it on a
 * hosted page, then HaiPay's return brings the shopper back here with `?haipay_order=`); afterwards the
 * page shows its status and the monthly payments the server has been notified of, and can cancel it.
 */
import { html, nothing, type TemplateResult } from 'lit';
import { HAIPAY_ENDPOINT, api, type DemoSubscription } from '../api.js';
import { app, elementTheme, followInShopLanguage, money, t } from '../app.js';
import { bagArt } from '../art.js';
import type { StringKey } from '../i18n.js';
import { formatDateTime } from '../i18n.js';
import { prefs } from '../state.js';
import { flaskIcon } from './checkout.js';

/** The shop's one plan (demo/server/catalog.ts); the back office names its subscriptions by it. */
export const PLAN_ID = 'roasters-choice-monthly';
const KEY = 'saeng-subscription';

const s = {
  id: localStorage.getItem(KEY) ?? '',
  sub: null as DemoSubscription | null,
  loadedFor: '',
  error: '',
  cancelling: false,
  confirming: false,
  timer: undefined as ReturnType<typeof setTimeout> | undefined,
};

function remember(id: string): void {
  s.id = id;
  try {
    if (id) localStorage.setItem(KEY, id);
    else localStorage.removeItem(KEY);
  } catch {
    // ignore
  }
}

async function refresh(): Promise<void> {
  clearTimeout(s.timer);
  if (!s.id) return;
  const id = s.id;
  try {
    s.sub = await api.subscription(id);
    s.error = '';
  } catch {
    s.sub = null;
    remember('');
  }
  app.rerender();
  // Poll while someone is looking: deductions arrive as notifications on the server.
  if (s.id === id && location.pathname === '/subscribe') s.timer = setTimeout(() => void refresh(), 1500);
}

async function cancel(): Promise<void> {
  if (!s.id || s.cancelling) return;
  s.cancelling = true;
  app.rerender();
  try {
    await api.cancelSubscription(s.id);
  } catch (err) {
    s.error = (err as Error).message;
  }
  s.cancelling = s.confirming = false;
  await refresh();
}

function statusKey(status: string): StringKey {
  return (
    ({ active: 'sub.active', cancelled: 'sub.cancelled', failed: 'sub.failed' } as Record<string, StringKey>)[
      status
    ] ?? 'sub.pending'
  );
}

/** What the subscription panel shows besides the subscription itself, and what its buttons do. */
export interface SubscriptionPanelOptions {
  cancelling: boolean;
  /** The shopper pressed Cancel once: ask before cancelling. */
  confirming: boolean;
  error: string;
  /** Cancel pressed: ask (`confirming`), then `onConfirm` cancels or `onKeep` steps back. */
  onCancel: () => void;
  onConfirm: () => void;
  onKeep: () => void;
  onStart: () => void;
}

/** A month after the latest payment taken: when the next one is due (monthly plans). */
function nextPayment(sub: DemoSubscription): string {
  const last = sub.deductions.filter((d) => d.status === 'succeeded').at(-1);
  if (!last) return '';
  const at = new Date(last.at);
  at.setMonth(at.getMonth() + 1);
  return at.toISOString();
}

/**
 * The subscription's status, its monthly payments and the cancel (or start again) button. Pure: the
 * design-review page (`/design`) draws it with fixed subscriptions.
 */
export function subscriptionPanel(sub: DemoSubscription, o: SubscriptionPanelOptions): TemplateResult {
  const status = sub.status;
  const next = status === 'active' ? nextPayment(sub) : '';
  return html`<section class="panel" data-testid="subscription" data-status=${status}>
    <div class="row" style="align-items:flex-start">
      <div>
        <h2 style="margin-bottom:6px">${t(statusKey(status))}</h2>
        <p class="muted" style="margin:0">${t('sub.price', { amount: money(sub.amount, sub.currency) })}</p>
      </div>
      <span class="pill" data-status=${status} data-testid="subscription-status"
        >${t(`status.${status}` as StringKey)}</span
      >
    </div>
    ${
      next
        ? html`<p data-testid="next-payment">
            ${t('sub.nextPayment', { date: formatDateTime(prefs.locale, next) })}
          </p>`
        : nothing
    }
    <h3 style="font-size:16px;margin:24px 0 8px">${t('sub.deductions')}</h3>
    ${
      sub.deductions.length
        ? html`<ul class="deductions" data-testid="deductions">
            ${sub.deductions.map(
              (d) =>
                html`<li>
                  <span>${formatDateTime(prefs.locale, d.at)}</span>
                  <span
                    ><strong>${money(d.amount, d.currency)}</strong>
                    <span class="pill" data-status=${d.status}
                      >${t(`status.${d.status}` as StringKey)}</span
                    ></span
                  >
                </li>`,
            )}
          </ul>`
        : html`<p class="muted">${t('sub.noDeductions')}</p>`
    }
    ${o.error ? html`<div class="alert alert-error" role="alert" style="margin-top:16px">${o.error}</div>` : nothing}
    <div class="form-actions">
      ${
        (status === 'active' || status === 'pending') && o.confirming
          ? html`<div
              class="confirm"
              role="alertdialog"
              aria-labelledby="confirm-cancel"
              data-testid="confirm-cancel"
            >
              <p id="confirm-cancel">${t('sub.confirm')}</p>
              <button class="btn btn-danger" type="button" ?disabled=${o.cancelling} @click=${o.onConfirm}>
                ${t('sub.confirmYes')}
              </button>
              <button class="btn btn-ghost" type="button" @click=${o.onKeep}>${t('sub.keep')}</button>
            </div>`
          : status === 'active' || status === 'pending'
            ? html`<button
                class="btn btn-danger"
                type="button"
                ?disabled=${o.cancelling}
                @click=${o.onCancel}
                data-testid="cancel-subscription"
              >
                ${t('sub.cancel')}
              </button>`
            : html`<button class="btn btn-primary" type="button" @click=${o.onStart}>
                ${t('sub.start')}
              </button>`
      }
    </div>
  </section>`;
}

function manage(sub: DemoSubscription): TemplateResult {
  return subscriptionPanel(sub, {
    cancelling: s.cancelling,
    confirming: s.confirming,
    error: s.error,
    onCancel: () => {
      s.confirming = true;
      app.rerender();
    },
    onConfirm: () => void cancel(),
    onKeep: () => {
      s.confirming = false;
      app.rerender();
    },
    onStart: () => {
      remember('');
      s.sub = null;
      app.rerender();
    },
  });
}

export function subscribePage(): TemplateResult {
  const fromReturn = new URLSearchParams(location.search).get('haipay_order');
  if (fromReturn && fromReturn !== s.id) {
    remember(fromReturn);
    history.replaceState(null, '', '/subscribe');
  }
  if (s.id && s.loadedFor !== s.id) {
    s.loadedFor = s.id;
    void refresh();
  }
  const plan = app.catalog?.plans.find((p) => p.id === PLAN_ID);
  const price = plan ? money(plan.amount, plan.currency) : '';
  return html`<div class="page-title"><h1>${t('sub.title')}</h1></div>
    <div class="plan">
      <section class="panel plan-card">
        <div style="border-radius:14px;overflow:hidden;margin-bottom:16px">
          ${bagArt({ label: '#7a3e1d', motif: '#f4c38f', wash: '#f6e7d6' }, 'MONTHLY')}
        </div>
        <p style="margin:0">${t('sub.body')}</p>
        <div class="price-big">${price ? t('sub.price', { amount: price }) : ''}</div>
        <ul>
          <li>${t('sub.perks1')}</li>
          <li>${t('sub.perks2')}</li>
          <li>${t('sub.perks3')}</li>
        </ul>
      </section>
      <div>
        ${
          s.id && s.sub
            ? manage(s.sub)
            : s.id
              ? html`<section class="panel"><p class="muted">${t('return.checking')}</p></section>`
              : html`<section class="panel">
                  <h2>${t('sub.start')}</h2>
                  <haipay-card-form
                    class="pay-element"
                    mode="subscription"
                    card-mode=${app.catalog?.cardMode ?? 'direct'}
                    plan-ref=${PLAN_ID}
                    endpoint=${HAIPAY_ENDPOINT}
                    locale=${prefs.locale}
                    theme=${elementTheme()}
                    @haipay-created=${(e: CustomEvent<{ orderId: string }>) => remember(e.detail.orderId)}
                    @haipay-redirect=${followInShopLanguage}
                  ></haipay-card-form>
                  <div class="hint">
                    ${flaskIcon}
                    <div>
                      <strong>${t('checkout.testCards')}</strong>
                      <ul class="test-cards">
                        <li><code>4242 4242 4242 4242</code> ${t('checkout.testCardOk')}</li>
                      </ul>
                    </div>
                  </div>
                </section>`
        }
      </div>
    </div>`;
}
