import type { CommonKey, TimedKey } from '../en/common.js';

/** Thai: the status strings every element shows. */
export const common = {
  'error.generic': 'เกิดข้อผิดพลาด กรุณาลองใหม่อีกครั้ง',
  'error.network': 'ไม่สามารถเชื่อมต่อบริการชำระเงินได้ กรุณาตรวจสอบการเชื่อมต่อแล้วลองใหม่',
  'status.pending': 'รอการชำระเงิน',
  'status.processing': 'กำลังดำเนินการชำระเงิน…',
  'status.succeeded': 'ได้รับการชำระเงินแล้ว ขอบคุณ!',
  'status.failed': 'การชำระเงินไม่สำเร็จ',
  'status.expired': 'รายการชำระเงินนี้หมดอายุแล้ว',
  'status.review': 'ได้รับการชำระเงินหลังจากรายการนี้ปิดแล้ว ร้านค้าจะติดต่อคุณ',
  'status.unknown': 'กำลังตรวจสอบสถานะการชำระเงิน…',
} satisfies Record<CommonKey, string>;

/** Thai: the countdown and copy strings of `<haipay-qr>` and `<haipay-bank-transfer>`. */
export const timed = {
  'action.copyFailed': 'คัดลอกไม่สำเร็จ กรุณาเลือกข้อความแล้วคัดลอกเอง',
  'countdown.label': 'เวลาที่เหลือ',
  'countdown.minutesLeft': 'เหลือเวลา {minutes} นาที',
  'countdown.oneMinuteLeft': 'เหลือเวลา 1 นาที',
} satisfies Record<TimedKey, string>;
