import { common } from './common.js';
import type { CardFormKey } from '../en/card-form.js';

/** Thai strings of `<haipay-card-form>` — a separate chunk, loaded only when this locale is in use. */
const cardForm = {
  ...common,
  'field.name': 'ชื่อบนบัตร',
  'field.email': 'อีเมล',
  'field.phone': 'เบอร์โทรศัพท์ (ไม่บังคับ)',
  'field.cardNumber': 'หมายเลขบัตร',
  'field.expiry': 'วันหมดอายุ',
  'field.cvv': 'รหัสความปลอดภัย (CVV)',
  'brand.visa': 'Visa',
  'brand.mastercard': 'Mastercard',
  'amount.paid': 'ยอดที่ชำระ: {amount}',
  'action.pay': 'ชำระเงิน',
  'action.payAmount': 'ชำระเงิน {amount}',
  'action.subscribe': 'สมัครสมาชิก',
  'action.processing': 'กำลังดำเนินการ…',
  'error.required': 'กรุณากรอกข้อมูลช่องนี้',
  'error.too_long': 'ข้อความยาวเกินไป (ไม่เกิน {max} ตัวอักษร)',
  'error.too_short': 'ข้อความสั้นเกินไป',
  'error.not_allowed': 'ไม่สามารถใช้ตัวเลือกนี้ได้',
  'error.invalid_format': 'รูปแบบไม่ถูกต้อง',
  'error.invalid_email': 'กรุณากรอกอีเมลที่ถูกต้อง',
  'error.invalid_phone': 'กรุณากรอกเบอร์โทรศัพท์ที่ถูกต้อง',
  'error.invalid_name': 'กรุณากรอกชื่อและนามสกุลตามที่ปรากฏบนบัตร (ตัวอักษรเท่านั้น)',
  'error.card_number_invalid': 'กรุณาตรวจสอบหมายเลขบัตร',
  'error.card_brand_unsupported': 'ไม่รับบัตรประเภทนี้ กรุณาใช้ Visa หรือ Mastercard',
  'error.expiry_invalid': 'กรุณากรอกวันหมดอายุที่ถูกต้อง',
  'error.card_expired': 'บัตรนี้หมดอายุแล้ว',
  'error.cvv_invalid': 'กรุณากรอกรหัสความปลอดภัย 3 หลัก',
  'card.declined': 'ไม่มีการตัดเงินจากบัตรของคุณ กรุณาลองใช้บัตรอื่น',
  'card.hosted': 'คุณจะกรอกข้อมูลบัตรในหน้าชำระเงินที่ปลอดภัยของ HaiPay',
  'error.conflict': 'รายการนี้ถูกส่งไปแล้วด้วยข้อมูลที่ต่างกัน กรุณาโหลดหน้าใหม่แล้วลองอีกครั้ง',
  'error.fixFields': 'กรุณาแก้ไขช่องที่ไฮไลต์ไว้',
  'status.redirecting': 'กำลังไปยังธนาคารของคุณเพื่อยืนยันการชำระเงิน…',
} satisfies Record<CardFormKey, string>;
export default cardForm;
