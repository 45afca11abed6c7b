import { common } from './common.js';
import type { CheckoutKey } from '../en/checkout.js';

/** Traditional Chinese (Taiwan) strings of `<haipay-checkout>` — a separate chunk, loaded on demand. */
const checkout = {
  'error.generic': common['error.generic'],
  'error.network': common['error.network'],
  'checkout.title': '付款方式',
  'checkout.loading': '正在載入付款方式…',
  'checkout.empty': '此訂單沒有可用的付款方式。',
  'checkout.error': '無法載入付款方式。',
  'checkout.retry': '再試一次',
  'checkout.pay': '以{method}支付 {amount}',
  'checkout.payAt': '到{method}繳費 {amount}',
  'checkout.redirecting': '正在前往{method}…',
  'method.card': '信用卡',
  'method.promptpay': 'PromptPay',
  'method.truemoney': 'TrueMoney 錢包',
  'method.bank-transfer': '銀行轉帳',
  'method.twd-atm': 'ATM 轉帳',
  'method.twd-store-ibon': '7-ELEVEN ibon',
  'method.twd-store-fami': '全家便利商店',
  'method.twd-store-hilife': '萊爾富',
  'method.twd-store-okgo': 'OK 超商',
  'method.jkopay': '街口支付',
  'method.cashier': '其他付款方式',
} satisfies Record<CheckoutKey, string>;
export default checkout;
