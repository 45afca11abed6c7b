/**
 * @haipay-kit/elements — the shopper-facing part of the HaiPay checkout kit: `<haipay-card-form>`,
 * `<haipay-qr>` (PromptPay) and `<haipay-bank-transfer>`, plain Lit custom elements that talk only to the
 * merchant's Express companion (docs/contracts.md), follow the payment's status live, and work inside
 * any framework or shadow root. Importing this module registers all three tags; import
 * `@haipay-kit/elements/card-form`, `/qr` or `/bank-transfer` to register just one. Nothing here touches
 * `window` or `document` at import time, so it is safe to import during server rendering.
 */
export { HaiPayCardForm } from './card-form/card-form.register.js';
export { HaiPayQr } from './qr/qr.register.js';
export { HaiPayBankTransfer } from './bank-transfer/bank-transfer.register.js';
export { PaymentStatusController } from './controllers/payment-status-controller.js';
export { CountdownController } from './controllers/countdown-controller.js';
export {
  LocalizeController,
  LOCALES,
  resolveLocale,
  formatMoney,
} from './controllers/localize-controller.js';
export type { Locale, Translation, TranslationKey } from './controllers/localize-controller.js';
export { BANKS, bankInfo, groupAccount } from './bank-transfer/banks.js';
// `<haipay-checkout>` is registered by `@haipay-kit/elements/checkout` only: it loads the three tags
// above on demand, and importing it here would add its picker to every page of the single tags.
export type { HaiPayCheckout } from './checkout/checkout.register.js';
export type { MethodOffer } from './checkout/checkout.js';
export type * from './events.js';
export type { PaymentView, PaymentStatus, PaymentNext, FieldIssue, Theme } from './types.js';
