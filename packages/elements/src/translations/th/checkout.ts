import { common } from './common.js';
import type { CheckoutKey } from '../en/checkout.js';

/** Thai strings of `<haipay-checkout>` — a separate chunk, loaded only when this locale is in use. */
const checkout = {
  'error.generic': common['error.generic'],
  'error.network': common['error.network'],
  'checkout.title': 'วิธีชำระเงิน',
  'checkout.loading': 'กำลังโหลดวิธีชำระเงิน…',
  'checkout.empty': 'ไม่มีวิธีชำระเงินสำหรับคำสั่งซื้อนี้',
  'checkout.error': 'ไม่สามารถโหลดวิธีชำระเงินได้',
  'checkout.retry': 'ลองอีกครั้ง',
  'checkout.pay': 'ชำระ {amount} ด้วย{method}',
  'checkout.payAt': 'ชำระ {amount} ที่ {method}',
  'checkout.redirecting': 'กำลังเปิด{method}…',
  'method.card': 'บัตรเครดิต/เดบิต',
  'method.promptpay': 'พร้อมเพย์',
  'method.truemoney': 'ทรูมันนี่ วอลเล็ท',
  'method.bank-transfer': 'โอนเงินผ่านธนาคาร',
  'method.twd-atm': 'โอนผ่าน ATM (ไต้หวัน)',
  'method.twd-store-ibon': '7-ELEVEN ibon',
  'method.twd-store-fami': 'FamilyMart',
  'method.twd-store-hilife': 'Hi-Life',
  'method.twd-store-okgo': 'OK mart',
  'method.jkopay': 'JKOPAY',
  'method.cashier': 'วิธีชำระเงินอื่น',
} satisfies Record<CheckoutKey, string>;
export default checkout;
