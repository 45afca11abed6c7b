import { common, timed } from './common.js';
import type { BankTransferKey } from '../en/bank-transfer.js';

/** Thai strings of `<haipay-bank-transfer>` — a separate chunk, loaded only when this locale is in use. */
const bankTransfer = {
  ...common,
  ...timed,
  'action.copy': 'คัดลอก',
  'action.copyField': 'คัดลอก {field}',
  'action.copiedField': 'คัดลอก{field}แล้ว',
  'countdown.deadline': 'ชำระภายใน {time}',
  'bank.title': 'โอนผ่านธนาคาร',
  'bank.bank': 'ธนาคาร',
  'bank.accountNumber': 'เลขที่บัญชี',
  'bank.accountName': 'ชื่อบัญชี',
  'bank.amount': 'จำนวนเงิน',
  'bank.reference': 'เลขอ้างอิง',
  'bank.instructions': 'กรุณาโอนตามจำนวนนี้พอดี ระบบจะยืนยันการชำระเงินให้อัตโนมัติ',
} satisfies Record<BankTransferKey, string>;
export default bankTransfer;
