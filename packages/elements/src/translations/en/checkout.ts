import { common } from './common.js';

/** English strings of `<haipay-checkout>`: the picker and the method names (bundled with the element). */
const checkout = {
  'error.generic': common['error.generic'],
  'error.network': common['error.network'],
  'checkout.title': 'Payment method',
  'checkout.loading': 'Loading payment methods…',
  'checkout.empty': 'No payment method is available for this order.',
  'checkout.error': 'We could not load the payment methods.',
  'checkout.retry': 'Try again',
  'checkout.pay': 'Pay {amount} with {method}',
  'checkout.payAt': 'Pay {amount} at {method}',
  'checkout.redirecting': 'Opening {method}…',
  'method.card': 'Card',
  'method.promptpay': 'PromptPay',
  'method.truemoney': 'TrueMoney Wallet',
  'method.bank-transfer': 'Bank transfer',
  'method.twd-atm': 'ATM transfer',
  'method.twd-store-ibon': '7-ELEVEN ibon',
  'method.twd-store-fami': 'FamilyMart',
  'method.twd-store-hilife': 'Hi-Life',
  'method.twd-store-okgo': 'OK mart',
  'method.jkopay': 'JKOPAY',
  'method.cashier': 'More ways to pay',
} as const;

export type CheckoutKey = keyof typeof checkout;
export default checkout;
