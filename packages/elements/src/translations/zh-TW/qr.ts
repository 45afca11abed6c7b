import { common, timed } from './common.js';
import type { QrKey } from '../en/qr.js';

/** Traditional Chinese (Taiwan) strings of `<haipay-qr>` — a separate chunk, loaded only when this locale is in use. */
const qr = {
  ...common,
  ...timed,
  'action.copyCode': '複製代碼',
  'action.saveQr': '儲存 QR 圖片',
  'action.newQr': '產生新的 QR',
  'action.copied': '已複製',
  'qr.title': '使用 PromptPay 掃碼付款',
  'qr.alt': 'PromptPay QR 碼，金額 {amount}',
  'qr.instructions': '請開啟銀行 App 掃描此代碼。',
  'amount.label': '應付金額',
} satisfies Record<QrKey, string>;
export default qr;
