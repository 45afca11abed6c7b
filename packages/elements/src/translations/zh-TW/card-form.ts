import { common } from './common.js';
import type { CardFormKey } from '../en/card-form.js';

/** Traditional Chinese (Taiwan) strings of `<haipay-card-form>` — a separate chunk, loaded only when this locale is in use. */
const cardForm = {
  ...common,
  'field.name': '持卡人姓名',
  'field.email': '電子郵件',
  'field.phone': '電話（選填）',
  'field.cardNumber': '卡號',
  'field.expiry': '到期日',
  'field.cvv': '安全碼 (CVV)',
  'brand.visa': 'Visa',
  'brand.mastercard': 'Mastercard',
  'amount.paid': '已付金額：{amount}',
  'action.pay': '付款',
  'action.payAmount': '付款 {amount}',
  'action.subscribe': '訂閱',
  'action.processing': '處理中…',
  'error.required': '此欄位為必填。',
  'error.too_long': '內容過長（最多 {max} 個字元）。',
  'error.too_short': '內容過短。',
  'error.not_allowed': '此選項無法使用。',
  'error.invalid_format': '格式不正確。',
  'error.invalid_email': '請輸入有效的電子郵件地址。',
  'error.invalid_phone': '請輸入有效的電話號碼。',
  'error.invalid_name': '請輸入卡片上的名字與姓氏，以空格分隔（僅限字母）。',
  'error.card_number_invalid': '請檢查卡號。',
  'error.card_brand_unsupported': '不接受此卡別，請使用 Visa 或 Mastercard。',
  'error.expiry_invalid': '請輸入有效的到期日。',
  'error.card_expired': '此卡已過期。',
  'error.cvv_invalid': '請輸入 3 位數安全碼。',
  'card.declined': '您的卡未被扣款，請改用其他卡片。',
  'card.hosted': '您將在 HaiPay 的安全付款頁面輸入卡片資料。',
  'error.conflict': '此筆付款已用不同資料送出，請重新整理後再試。',
  'error.fixFields': '請修正標示的欄位。',
  'status.redirecting': '正在前往您的銀行確認付款…',
} satisfies Record<CardFormKey, string>;
export default cardForm;
