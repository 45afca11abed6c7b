/**
 * How the browser's `method` names map onto HaiPay `payType`/`inBankCode` per currency. The method
 * tables themselves (limits, what the shopper gets back) come from `@haipay-kit/protocol/rules`.
 */
import { findCollectMethod, type CollectMethod } from '@haipay-kit/protocol/rules';
import type { PaymentMethod } from './types.js';

/** Wire pairs per browser method and order currency (docs/protocol.md §4–§6 and the sandbox extension). */
const METHOD_WIRE: Readonly<
  Record<Exclude<PaymentMethod, 'cashier'>, Readonly<Record<string, readonly [string, string]>>>
> = {
  card: { USD: ['BANK_TRANSFER', 'CREDIT_CARD'] },
  promptpay: { THB: ['QR', 'QR'], USD: ['QR', 'TH_QR_USD'] },
  truemoney: { THB: ['PAYMENT_GATEWAY', 'TM'], USD: ['PAYMENT_GATEWAY', 'TH_TM_USD'] },
  // THB VA/THB_VA is the kit sandbox's documented extension: HaiPay lists no THB bank method.
  'bank-transfer': { THB: ['VA', 'THB_VA'], VND: ['BANK_TRANSFER', 'BANK'] },
  'twd-atm': { TWD: ['BANK_TRANSFER', 'ATM'], USD: ['BANK_TRANSFER', 'ATM_USD'] },
  'twd-store-ibon': { TWD: ['BANK_TRANSFER', 'STORE_IBON'], USD: ['BANK_TRANSFER', 'STORE_IBON_USD'] },
  'twd-store-fami': { TWD: ['BANK_TRANSFER', 'STORE_FAMI'], USD: ['BANK_TRANSFER', 'STORE_FAMI_USD'] },
  'twd-store-hilife': {
    TWD: ['BANK_TRANSFER', 'STORE_HILIFEET'],
    USD: ['BANK_TRANSFER', 'STORE_HILIFEET_USD'],
  },
  'twd-store-okgo': { TWD: ['BANK_TRANSFER', 'STORE_OKGO'], USD: ['BANK_TRANSFER', 'STORE_OKGO_USD'] },
  jkopay: { TWD: ['EWALLET', 'JKO_PAY_TWD'], USD: ['EWALLET', 'JKO_PAY'] },
};

/** Default global-cashier region per order currency (docs/protocol.md §3.5). */
export const CASHIER_DEFAULT_REGION: Readonly<Record<string, string>> = { THB: 'TH', TWD: 'TW', USD: 'US' };

/** The wire method for a browser method and currency, or undefined when that pair does not exist. */
export function wireMethodFor(method: PaymentMethod, currency: string): CollectMethod | undefined {
  if (method === 'cashier') return undefined;
  const pair = METHOD_WIRE[method]?.[currency];
  return pair ? findCollectMethod(currency, pair[0], pair[1]) : undefined;
}
