/**
 * Payment-method tables: which `payType`/`inBankCode` pairs exist per path currency, their per-order
 * limits and what the shopper gets back (QR, redirect, bank details, card form).
 *
 * Source: the HaiPay reference §4.2 (THB), §5 (TWD and USD-settled Taiwanese methods), §6 (USD card),
 * §3.6 (VND), §3.5 (global cashier regions), §4.3 (THB payout codes). The sandbox serves exactly these
 * methods, the companion maps its `method` names onto them, and `validateRequest` enforces their limits.
 */
import type { Currency } from './currency.js';

/** What a successful collect-apply gives the shopper for a method (drives the element to show). */
export type CollectResult = 'qr' | 'redirect' | 'bank' | 'card';

/** One collection method as HaiPay identifies it on `POST /{currency}/collect/apply`. */
export interface CollectMethod {
  /** The path currency (`/usd/collect/apply` for USD-settled Thai and Taiwanese methods). */
  readonly currency: Currency;
  /** HaiPay `payType`. */
  readonly payType: string;
  /** HaiPay `inBankCode`. */
  readonly inBankCode: string;
  /** Smallest accepted amount, inclusive, in the path currency's amount format. */
  readonly min: string;
  /** Largest accepted amount, inclusive, in the path currency's amount format. */
  readonly max: string;
  /** What the apply response carries for the shopper. */
  readonly result: CollectResult;
  /** Short English label for logs and the demo. */
  readonly label: string;
  /** Present (and `true`) when the method is the kit sandbox's own extension, not documented by HaiPay. */
  readonly extension?: true;
}

/**
 * Every collection method the kit knows, per path currency.
 *
 * - THB `VA`/`THB_VA` is OUR SANDBOX EXTENSION (`extension: true`): HaiPay documents no THB bank
 *   method (reference §4.2), but the bank-transfer element needs Thai data in the sandbox. A real
 *   HaiPay account will refuse it.
 * - TWD methods all answer with a hosted `payUrl` only (reference §5), hence `result: 'redirect'` even
 *   for `JKO_PAY_QR`, ATM and convenience stores.
 * - USD `EWALLET`/`GOOGLE_PAY` and `APPLE_PAY` are left out: they need HaiPay's Stripe-based JS SDK,
 *   which the kit does not drive (docs/protocol.md, "Payment methods").
 */
export const COLLECT_METHODS: readonly CollectMethod[] = [
  // THB — reference §4.2
  {
    currency: 'THB',
    payType: 'QR',
    inBankCode: 'QR',
    min: '1.00',
    max: '8000.00',
    result: 'qr',
    label: 'PromptPay QR',
  },
  {
    currency: 'THB',
    payType: 'PAYMENT_GATEWAY',
    inBankCode: 'TM',
    min: '1.00',
    max: '8000.00',
    result: 'redirect',
    label: 'TrueMoney Wallet',
  },
  {
    currency: 'THB',
    payType: 'VA',
    inBankCode: 'THB_VA',
    min: '1.00',
    max: '8000.00',
    result: 'bank',
    label: 'Thai bank transfer (sandbox extension)',
    extension: true,
  },
  // TWD — reference §5
  {
    currency: 'TWD',
    payType: 'QR',
    inBankCode: 'JKO_PAY_QR',
    min: '30',
    max: '20000',
    result: 'redirect',
    label: 'JKO Pay QR',
  },
  {
    currency: 'TWD',
    payType: 'EWALLET',
    inBankCode: 'JKO_PAY_TWD',
    min: '30',
    max: '20000',
    result: 'redirect',
    label: 'JKO Pay',
  },
  {
    currency: 'TWD',
    payType: 'BANK_TRANSFER',
    inBankCode: 'ATM',
    min: '1000',
    max: '20000',
    result: 'redirect',
    label: 'ATM transfer',
  },
  {
    currency: 'TWD',
    payType: 'BANK_TRANSFER',
    inBankCode: 'STORE_IBON',
    min: '100',
    max: '20000',
    result: 'redirect',
    label: '7-Eleven ibon',
  },
  {
    currency: 'TWD',
    payType: 'BANK_TRANSFER',
    inBankCode: 'STORE_HILIFEET',
    min: '100',
    max: '20000',
    result: 'redirect',
    label: 'Hi-Life Life-ET',
  },
  {
    currency: 'TWD',
    payType: 'BANK_TRANSFER',
    inBankCode: 'STORE_OKGO',
    min: '100',
    max: '20000',
    result: 'redirect',
    label: 'OK Mart OK-go',
  },
  {
    currency: 'TWD',
    payType: 'BANK_TRANSFER',
    inBankCode: 'STORE_FAMI',
    min: '100',
    max: '20000',
    result: 'redirect',
    label: 'FamilyMart FamiPort',
  },
  {
    currency: 'TWD',
    payType: 'BANK_TRANSFER',
    inBankCode: 'STORE_MBC_HILIFEET',
    min: '100',
    max: '20000',
    result: 'redirect',
    label: 'Hi-Life mobile barcode',
  },
  {
    currency: 'TWD',
    payType: 'BANK_TRANSFER',
    inBankCode: 'STORE_MBC_IBON',
    min: '100',
    max: '20000',
    result: 'redirect',
    label: '7-Eleven mobile barcode',
  },
  // USD card — seed 001 (Visa and Mastercard only), reference §6
  {
    currency: 'USD',
    payType: 'BANK_TRANSFER',
    inBankCode: 'CREDIT_CARD',
    min: '0.99',
    max: '1000.00',
    result: 'card',
    label: 'Credit card (Visa, Mastercard)',
  },
  // USD-settled Thai methods — reference §4.2
  {
    currency: 'USD',
    payType: 'QR',
    inBankCode: 'TH_QR_USD',
    min: '0.99',
    max: '220.00',
    result: 'qr',
    label: 'PromptPay QR (USD)',
  },
  {
    currency: 'USD',
    payType: 'PAYMENT_GATEWAY',
    inBankCode: 'TH_TM_USD',
    min: '0.99',
    max: '220.00',
    result: 'redirect',
    label: 'TrueMoney Wallet (USD)',
  },
  // USD-settled Taiwanese methods — reference §5
  {
    currency: 'USD',
    payType: 'EWALLET',
    inBankCode: 'JKO_PAY',
    min: '0.99',
    max: '499.99',
    result: 'redirect',
    label: 'JKO Pay (USD)',
  },
  {
    currency: 'USD',
    payType: 'BANK_TRANSFER',
    inBankCode: 'LINE_PAY_USD',
    min: '2.99',
    max: '499.99',
    result: 'redirect',
    label: 'LINE Pay (USD)',
  },
  {
    currency: 'USD',
    payType: 'BANK_TRANSFER',
    inBankCode: 'ATM_USD',
    min: '32.99',
    max: '499.99',
    result: 'redirect',
    label: 'ATM transfer (USD)',
  },
  ...(
    [
      ['STORE_IBON_USD', '7-Eleven ibon (USD)'],
      ['STORE_HILIFEET_USD', 'Hi-Life Life-ET (USD)'],
      ['STORE_OKGO_USD', 'OK Mart OK-go (USD)'],
      ['STORE_FAMI_USD', 'FamilyMart FamiPort (USD)'],
      ['STORE_MBC_HILIFEET_USD', 'Hi-Life mobile barcode (USD)'],
      ['STORE_MBC_IBON_USD', '7-Eleven mobile barcode (USD)'],
    ] as const
  ).map(([inBankCode, label]): CollectMethod => ({
    currency: 'USD',
    payType: 'BANK_TRANSFER',
    inBankCode,
    min: '2.99',
    max: '499.99',
    result: 'redirect',
    label,
  })),
  // VND — reference §3.6
  {
    currency: 'VND',
    payType: 'BANK_TRANSFER',
    inBankCode: 'BANK',
    min: '100000',
    max: '10000000',
    result: 'bank',
    label: 'Vietnamese bank transfer',
  },
  {
    currency: 'VND',
    payType: 'QR',
    inBankCode: 'QR',
    min: '100000',
    max: '10000000',
    result: 'qr',
    label: 'VietQR',
  },
  {
    currency: 'VND',
    payType: 'EWALLET',
    inBankCode: 'MOMO_VND',
    min: '100000',
    max: '10000000',
    result: 'redirect',
    label: 'MoMo',
  },
];

/**
 * Looks up a collection method by path currency, `payType` and `inBankCode` (all case-sensitive, as
 * HaiPay compares them).
 *
 * @returns the method, or `undefined` when HaiPay (or the sandbox extension) has no such method
 */
export function findCollectMethod(
  currency: string,
  payType: string,
  inBankCode: string,
): CollectMethod | undefined {
  return COLLECT_METHODS.find(
    (m) => m.currency === currency && m.payType === payType && m.inBankCode === inBankCode,
  );
}

/** Inclusive amount range, as decimal strings in the currency's amount format. */
export interface AmountLimits {
  /** Smallest accepted amount, inclusive. */
  readonly min: string;
  /** Largest accepted amount, inclusive. */
  readonly max: string;
}

/**
 * The widest range any method of a currency accepts — used by `validateAmount` when no method is known
 * yet (e.g. while the shopper types). THB 1.00–8000.00, TWD 30–20000, USD 0.99–1000.00, VND
 * 100000–10000000. Per-method limits are narrower and are checked once the method is known.
 */
export const CURRENCY_AMOUNT_LIMITS: Readonly<Record<Currency, AmountLimits>> = {
  THB: { min: '1.00', max: '8000.00' },
  TWD: { min: '30', max: '20000' },
  USD: { min: '0.99', max: '1000.00' },
  VND: { min: '100000', max: '10000000' },
};

/**
 * Global cashier regions (reference §3.5): the `region` of `/global/cashier/collect/apply` and the
 * order currencies allowed with it.
 */
export const CASHIER_REGIONS = {
  TH: ['THB', 'USD'],
  TW: ['TWD', 'USD'],
  US: ['USD'],
} as const satisfies Record<string, readonly Currency[]>;

/** A global cashier `region` code. */
export type CashierRegion = keyof typeof CASHIER_REGIONS;

/** True when `currency` may be used with the global cashier `region`. */
export function isCashierCurrencyAllowed(region: string, currency: string): boolean {
  // Own keys only: `toString` or `__proto__` is not a region (and has no `includes`).
  if (!Object.hasOwn(CASHIER_REGIONS, region)) return false;
  return (CASHIER_REGIONS as Record<string, readonly string[]>)[region]!.includes(currency);
}

/**
 * THB payout bank codes for `accountType: "BANK_ACCOUNT"` (reference §4.3): the union of the Thailand
 * page and the global payout list, so Land & Houses is accepted both as `LHB` and `LHFG` (the two
 * HaiPay pages disagree).
 */
export const THB_PAYOUT_BANK_CODES = [
  'BAAC',
  'BAY',
  'BBL',
  'CIMB',
  'CITI',
  'GHB',
  'GSB',
  'HSBC',
  'ICBC',
  'IBANK',
  'KBANK',
  'KKP',
  'KTB',
  'LHB',
  'LHFG',
  'SCB',
  'SCBT',
  'TBANK',
  'TISCO',
  'TMB',
  'UOB',
  'ABN',
  'MHCB',
] as const;

/** THB payout e-wallet codes for `accountType: "EWALLET"` (reference §4.3, global payout list only). */
export const THB_PAYOUT_EWALLET_CODES = [
  'PROMPTPAY',
  'TRUEWALLET',
  'RABBIT',
  'AIS',
  'DTAC',
  'SHOPEE',
  'GRAB',
] as const;

/** A THB payout `bankCode` (bank or e-wallet). */
export type ThbPayoutCode =
  (typeof THB_PAYOUT_BANK_CODES)[number] | (typeof THB_PAYOUT_EWALLET_CODES)[number];

/** THB payout per-order limits (reference §4.1): 1.00–8000.00. */
export const THB_PAYOUT_LIMITS: AmountLimits = { min: '1.00', max: '8000.00' };
