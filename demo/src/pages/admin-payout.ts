/**
 * The back office's payout form: the shop's own (sandbox) bank account at Kasikornbank and an amount,
 * sent to the kit's admin API (`POST /api/admin/payouts`), which checks HaiPay's field rules. A field
 * the server refuses shows its error right under it (tied to the input by `aria-describedby`), and a
 * summary above the form, which takes the focus, lists each one as a link to its field.
 */
import { html, nothing, type TemplateResult } from 'lit';
import { api, ApiError, newIdempotencyKey } from '../api.js';
import { app, money, t } from '../app.js';
import { formatDateTime, type StringKey } from '../i18n.js';
import { prefs } from '../state.js';
import { load, s } from './admin-state.js';

/** Where payouts go: the shop's account; its holder and number are on the form. */
const SHOP_ACCOUNT = {
  currency: 'THB',
  accountType: 'BANK_ACCOUNT',
  bankCode: 'KBANK',
  phone: '0812345678',
  email: 'finance@saeng.example',
  partnerUserId: 'merchant',
  subject: 'Payout to the shop account',
};

/** The form's fields, in the order they are shown, with their labels and keyboards. */
const FIELDS = [
  { name: 'name', label: 'admin.payout.name', inputmode: 'text' },
  { name: 'accountNo', label: 'admin.payout.accountNo', inputmode: 'numeric' },
  { name: 'amount', label: 'admin.payout.amount', inputmode: 'decimal' },
] as const satisfies readonly { name: string; label: StringKey; inputmode: string }[];
type Field = (typeof FIELDS)[number]['name'];

const form = {
  values: { name: 'Saeng Coffee Co Ltd', accountNo: '0123456789', amount: '1000.00' } as Record<
    Field,
    string
  >,
  errors: {} as Partial<Record<Field, string>>,
  /** A refusal that names no field of the form (HaiPay said no, or the server could not be reached). */
  failed: '',
};

interface FieldIssue {
  field: string;
  code: string;
  params?: Record<string, string>;
}

/** A field issue in the reviewer's language: the kit's codes with their limits, in the shop's money. */
function issueText(issue: FieldIssue): string {
  const p = issue.params ?? {};
  switch (issue.code) {
    case 'required':
      return t('admin.error.required');
    case 'invalid_amount':
      return t('admin.error.amount');
    case 'amount_below_min':
      return t('admin.error.min', { min: money(p.min ?? '', p.currency ?? 'THB') });
    case 'amount_above_max':
      return t('admin.error.max', { max: money(p.max ?? '', p.currency ?? 'THB') });
    default:
      return t('admin.error.invalid');
  }
}

function issuesOf(err: unknown): FieldIssue[] {
  if (!(err instanceof ApiError)) return [];
  const fields = (err.body as { error?: { fields?: unknown } } | undefined)?.error?.fields;
  return Array.isArray(fields) ? (fields as FieldIssue[]) : [];
}

const isFormField = (name: string): name is Field => FIELDS.some((f) => f.name === name);

async function submit(): Promise<void> {
  const values = Object.fromEntries(FIELDS.map((f) => [f.name, form.values[f.name].trim()])) as Record<
    Field,
    string
  >;
  form.errors = {};
  form.failed = '';
  s.message = '';
  s.busy.add('payout');
  app.rerender();
  try {
    await api.admin.payout({ ...SHOP_ACCOUNT, ...values }, newIdempotencyKey());
    s.message = t('admin.payout.requested', { amount: money(values.amount, 'THB') });
  } catch (err) {
    const issues = issuesOf(err);
    for (const issue of issues) if (isFormField(issue.field)) form.errors[issue.field] ??= issueText(issue);
    if (!issues.some((i) => isFormField(i.field)))
      form.failed = t('admin.payout.failed', { message: (err as Error).message });
  }
  s.busy.delete('payout');
  app.rerender();
  if (Object.keys(form.errors).length || form.failed) document.getElementById('payout-summary')?.focus();
  await load();
}

function summary(): TemplateResult | typeof nothing {
  const wrong = FIELDS.filter((f) => form.errors[f.name]);
  if (!wrong.length && !form.failed) return nothing;
  return html`<div
    class="alert alert-error form-summary"
    id="payout-summary"
    tabindex="-1"
    aria-labelledby="payout-summary-title"
    data-testid="payout-summary"
  >
    ${
      form.failed
        ? html`<p id="payout-summary-title">${form.failed}</p>`
        : html`<p id="payout-summary-title">${t('admin.payout.summary')}</p>
            <ul>
              ${wrong.map(
                (f) =>
                  html`<li>
                    <a
                      href="#payout-${f.name}"
                      @click=${(e: Event) => {
                        e.preventDefault();
                        document.getElementById(`payout-${f.name}`)?.focus();
                      }}
                      >${t(f.label)}${t('punct.colon')}${form.errors[f.name]}</a
                    >
                  </li>`,
              )}
            </ul>`
    }
  </div>`;
}

function field(f: (typeof FIELDS)[number]): TemplateResult {
  const id = `payout-${f.name}`;
  const error = form.errors[f.name];
  return html`<div class="field">
    <label for=${id}>${t(f.label)}</label>
    <input
      id=${id}
      name=${f.name}
      autocomplete="off"
      inputmode=${f.inputmode}
      .value=${form.values[f.name]}
      aria-invalid=${error ? 'true' : 'false'}
      aria-describedby=${error ? `${id}-error` : nothing}
      @input=${(e: Event) => (form.values[f.name] = (e.target as HTMLInputElement).value)}
    />
    ${error ? html`<p class="error" id="${id}-error" data-testid="${id}-error">${error}</p>` : nothing}
  </div>`;
}

const PAYOUT_WORDS: Record<string, StringKey> = {
  succeeded: 'admin.payout.succeeded',
  pending: 'admin.payout.pending',
  failed: 'admin.payout.failedStatus',
  unknown: 'admin.payout.unknown',
};

/** The payout panel: form, then the recent payouts with their status. */
export function payoutPanel(): TemplateResult {
  const last4 = form.values.accountNo.trim().slice(-4);
  return html`<section class="panel" aria-labelledby="payout-title">
    <h2 id="payout-title">${t('admin.payout.title')}</h2>
    ${summary()}
    <form
      class="form-grid payout-form"
      novalidate
      @submit=${(e: Event) => {
        e.preventDefault();
        void submit();
      }}
    >
      ${FIELDS.map(field)}
      <div class="full payout-submit">
        <button class="btn btn-primary" type="submit" ?disabled=${s.busy.has('payout')} data-testid="payout">
          ${t('admin.payout.submit')}
        </button>
        <p class="muted small-text">${t('admin.payout.note', { bank: 'KBANK', last4 })}</p>
      </div>
    </form>
    ${
      s.payouts.length
        ? html`<h3 class="small-heading">${t('admin.payout.recent')}</h3>
            <ul class="notif-list" data-testid="payouts">
              ${s.payouts.map(
                (p) =>
                  html`<li>
                    ${formatDateTime(prefs.locale, p.createdAt)} · ${money(p.amount, p.currency)} ·
                    <span class="pill" data-status=${p.status}
                      >${PAYOUT_WORDS[p.status] ? t(PAYOUT_WORDS[p.status]!) : p.status}</span
                    >
                    ${p.failureReason ?? ''}
                  </li>`,
              )}
            </ul>`
        : nothing
    }
  </section>`;
}
