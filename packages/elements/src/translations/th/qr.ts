import { common, timed } from './common.js';
import type { QrKey } from '../en/qr.js';

/** Thai strings of `<haipay-qr>` — a separate chunk, loaded only when this locale is in use. */
const qr = {
  ...common,
  ...timed,
  'action.copyCode': 'คัดลอกรหัส',
  'action.saveQr': 'บันทึกรูป QR',
  'action.newQr': 'ขอ QR ใหม่',
  'action.copied': 'คัดลอกแล้ว',
  'qr.title': 'สแกนเพื่อชำระด้วยพร้อมเพย์',
  'qr.alt': 'คิวอาร์โค้ดพร้อมเพย์ สำหรับ {amount}',
  'qr.instructions': 'เปิดแอปธนาคารแล้วสแกนรหัสนี้',
  'amount.label': 'ยอดที่ต้องชำระ',
} satisfies Record<QrKey, string>;
export default qr;
