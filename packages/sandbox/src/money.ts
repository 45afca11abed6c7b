/**
 * Exact money arithmetic for the sandbox ledger: amounts, precision, fees and the sandbox's FX rates.
 *
 * Amounts are kept as integer hundredths (`"100.00"` → `10000`) for every currency, so fees and
 * balances never meet binary floating point. Rendering follows the currency's wire precision
 * (docs/protocol.md §4.2 THB `^\d+\.\d{2}$`, §5 TWD "without decimals"): THB and USD with two
 * decimals, TWD and VND as whole units.
 */

/** Currencies the sandbox hosts a merchant for (docs/contracts.md). */
export const SANDBOX_CURRENCIES = ['THB', 'TWD', 'USD', 'VND'] as const;

/** One of {@link SANDBOX_CURRENCIES}. */
export type SandboxCurrency = (typeof SANDBOX_CURRENCIES)[number];

/** Decimal places used on the wire per currency. */
export const CURRENCY_SCALE: Readonly<Record<SandboxCurrency, 0 | 2>> = {
  THB: 2,
  USD: 2,
  TWD: 0,
  VND: 0,
};

/** True when `value` is a currency the sandbox hosts. */
export function isSandboxCurrency(value: unknown): value is SandboxCurrency {
  return typeof value === 'string' && (SANDBOX_CURRENCIES as readonly string[]).includes(value);
}

const AMOUNT_RE = /^(\d{1,13})(?:\.(\d{1,2}))?$/;

/** Parses a wire amount (`"100.00"`, `"500"`) into hundredths; `undefined` when it is not one. */
export function parseAmount(text: unknown): number | undefined {
  if (typeof text !== 'string') return undefined;
  const m = AMOUNT_RE.exec(text);
  if (!m) return undefined;
  return Number(m[1]) * 100 + Number((m[2] ?? '').padEnd(2, '0'));
}

/** Decimal places of a currency on the wire; 2 for a currency the sandbox does not host. */
function scaleOf(currency: string): 0 | 2 {
  return isSandboxCurrency(currency) ? CURRENCY_SCALE[currency] : 2;
}

/** Rounds hundredths half up to the currency's wire precision (whole TWD/VND, so `12345` → `12300`). */
function roundToPrecision(hundredths: number, currency: string): number {
  const unit = scaleOf(currency) === 0 ? 100 : 1;
  return Math.round(hundredths / unit) * unit;
}

/** Renders hundredths in the currency's wire precision (`10000` → `"100.00"` THB, `"100"` TWD). */
export function formatAmount(cents: number, currency: string): string {
  const scale = scaleOf(currency);
  const sign = cents < 0 ? '-' : '';
  const abs = Math.abs(cents);
  const whole = Math.floor(abs / 100);
  if (scale === 0) return `${sign}${Math.round(abs / 100)}`;
  return `${sign}${whole}.${String(abs % 100).padStart(2, '0')}`;
}

/** A fee schedule: `rate` in basis points of the amount plus a `fixed` part in hundredths. */
export interface FeeSchedule {
  /** Percentage fee in basis points (150 = 1.5 %). */
  rateBps: number;
  /** Fixed fee per transaction, in hundredths of the currency unit. */
  fixed: number;
}

/** No fee: what a currency without a schedule pays. */
const NO_FEE: FeeSchedule = { rateBps: 0, fixed: 0 };

/** The schedule of `currency` among `schedules` (no fee when it has none). */
export function scheduleFor(schedules: Record<string, FeeSchedule>, currency: string): FeeSchedule {
  return schedules[currency] ?? NO_FEE;
}

/**
 * Computes a fee, rounded half-up to the currency's wire precision (a TWD fee is whole dollars), so
 * the fee shown in a query or notification is exactly the amount taken from the ledger.
 */
export function computeFee(cents: number, fee: FeeSchedule, currency: string): number {
  return roundToPrecision((cents * fee.rateBps) / 10_000 + fee.fixed, currency);
}

/** USD → THB rate used to price USD-settled PromptPay QRs (`TH_QR_USD`). */
export const SANDBOX_USD_THB_RATE = 35;

/**
 * USD → TWD rate used to settle a USD-amount order of the TWD path into the TWD ledger (reference §3.1:
 * a `currency` other than the path's "triggers FX"; HaiPay's own rate is not published).
 */
export const SANDBOX_USD_TWD_RATE = 32;

/** Units of `to` per unit of `from` (the sandbox's fixed rates); 1 for the same currency. */
export function fxRate(from: string, to: string): number {
  if (from === to) return 1;
  if (from === 'USD' && to === 'TWD') return SANDBOX_USD_TWD_RATE;
  if (from === 'USD' && to === 'THB') return SANDBOX_USD_THB_RATE;
  throw new Error(`no sandbox rate from ${from} to ${to}`);
}

/** Hundredths of `from` in `to` at the sandbox's rate, rounded to `to`'s wire precision. */
export function convert(hundredths: number, from: string, to: string): number {
  return roundToPrecision(hundredths * fxRate(from, to), to);
}
