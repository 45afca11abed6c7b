/**
 * The knobs of the business rules and their defaults — fees, delays, expiry windows — in one place, so
 * every number the README promises ("Expiry windows", "Fees and the ledger") is written once and
 * `createSandbox` options override exactly these.
 */
import type { FeeSchedule } from './money.js';

/** Timing and fee knobs (documented in the README). */
export interface GatewayOptions {
  /** Base URL of hosted pages, known once the server listens. */
  baseUrl: () => string;
  /** Collection fee per currency. */
  collectFees: Record<string, FeeSchedule>;
  /** Payout fee per currency. */
  payoutFees: Record<string, FeeSchedule>;
  /** Virtual ms before a payout settles (default 60 s). */
  payoutDelayMs: number;
  /** Virtual ms before a refund completes (default 60 s). */
  refundDelayMs: number;
  /** Virtual ms before collected money becomes available (default 0: at once). */
  settlementDelayMs: number;
  /** Expiry windows by flow. */
  expiry: ExpiryWindows;
}

/** How long an unpaid order stays payable, virtual ms (README "Expiry windows"). */
export interface ExpiryWindows {
  qr: number;
  bank: number;
  wallet: number;
  twdOffline: number;
  card3ds: number;
  cashier: number;
}

/** Default expiry windows: QR 15 min, bank transfer 24 h, wallets 30 min, TWD ATM/store 3 days, 3DS 30 min, cashier 1 h. */
export const DEFAULT_EXPIRY: ExpiryWindows = {
  qr: 15 * 60_000,
  bank: 24 * 3_600_000,
  wallet: 30 * 60_000,
  twdOffline: 3 * 24 * 3_600_000,
  card3ds: 30 * 60_000,
  cashier: 60 * 60_000,
};

/** Default collection fees: THB 1.5 %, TWD 2.5 %, USD 3.5 % + 0.30, VND 1.8 %. */
export const DEFAULT_COLLECT_FEES: Record<string, FeeSchedule> = {
  THB: { rateBps: 150, fixed: 0 },
  TWD: { rateBps: 250, fixed: 0 },
  USD: { rateBps: 350, fixed: 30 },
  VND: { rateBps: 180, fixed: 0 },
};

/** Default payout fees: THB 10.00, VND 5,000, USD 1.00 per payout (TWD has no payout product). */
export const DEFAULT_PAYOUT_FEES: Record<string, FeeSchedule> = {
  THB: { rateBps: 0, fixed: 1_000 },
  VND: { rateBps: 0, fixed: 500_000 },
  USD: { rateBps: 0, fixed: 100 },
  TWD: { rateBps: 0, fixed: 0 },
};
