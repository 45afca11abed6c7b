import { common, timed } from './common.js';
import type { BankTransferKey } from '../en/bank-transfer.js';

/** Traditional Chinese (Taiwan) strings of `<haipay-bank-transfer>` — a separate chunk, loaded only when this locale is in use. */
const bankTransfer = {
  ...common,
  ...timed,
  'action.copy': '複製',
  'action.copyField': '複製{field}',
  'action.copiedField': '已複製{field}',
  'countdown.deadline': '請於 {time} 前付款',
  'bank.title': '銀行轉帳',
  'bank.bank': '銀行',
  'bank.accountNumber': '帳號',
  'bank.accountName': '戶名',
  'bank.amount': '金額',
  'bank.reference': '參考編號',
  'bank.instructions': '請轉入與此完全相同的金額，系統將自動確認付款。',
} satisfies Record<BankTransferKey, string>;
export default bankTransfer;
