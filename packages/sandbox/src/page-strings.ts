/**
 * The hosted pages' words in English, Thai and Traditional Chinese, and the choice of one of them.
 *
 * HaiPay's collect and subscription requests carry no language field (docs/protocol.md §4), so the
 * sandbox takes the shopper's language from the page address first (`?lang=th`, which a shop appends
 * to the `payUrl` it opens, and which every form on the page carries on), then from the browser's
 * `Accept-Language`, else English.
 */

/** The languages the hosted pages are written in. */
export const PAGE_LANGS = ['en', 'th', 'zh-TW'] as const;
export type PageLang = (typeof PAGE_LANGS)[number];

/** Maps a language tag to a page language: `th-TH` → th; `zh-TW`, `zh-Hant`, `zh-HK`, bare `zh` → zh-TW. */
function matchTag(tag: string): PageLang | undefined {
  const t = tag.trim().toLowerCase();
  if (t === 'en' || t.startsWith('en-')) return 'en';
  if (t === 'th' || t.startsWith('th-')) return 'th';
  // Simplified Chinese is not offered: a reader asking for it falls through to their next language.
  if (t === 'zh' || /^zh-(tw|hk|mo|hant)(-|$)/.test(t)) return 'zh-TW';
  return undefined;
}

/** The page language a `?lang=` value names, if it names one. */
export function langFromQuery(queryLang: unknown): PageLang | undefined {
  return typeof queryLang === 'string' ? matchTag(queryLang) : undefined;
}

/**
 * The page language for a request: `lang` from the query when it names one of {@link PAGE_LANGS},
 * else the first of `Accept-Language`'s tags (by weight, then order) that matches one, else `en`.
 */
export function pageLang(queryLang: unknown, acceptLanguage: string | undefined): PageLang {
  const chosen = langFromQuery(queryLang);
  if (chosen) return chosen;
  const ranges = (acceptLanguage ?? '')
    .slice(0, 512)
    .split(',')
    .map((part, i) => {
      const [tag = '', ...params] = part.split(';');
      // A malformed weight (`q=abc`) makes the range count for nothing, as a zero weight does.
      const weight = params.find((p) => /^\s*q\s*=/i.test(p));
      const q =
        weight === undefined
          ? 1
          : /^\s*q\s*=\s*(0(\.\d{0,3})?|1(\.0{0,3})?)\s*$/i.test(weight)
            ? Number(weight.split('=')[1])
            : 0;
      return { tag, q, i };
    })
    .filter((r) => r.q > 0)
    .sort((a, b) => b.q - a.q || a.i - b.i);
  for (const r of ranges) {
    const chosen = matchTag(r.tag);
    if (chosen) return chosen;
  }
  return 'en';
}

const en = {
  'lang.name': 'English',
  'lang.label': 'Language',
  'shell.badge': 'SANDBOX',
  'shell.brand': 'HaiPay',
  'shell.note': 'A test page of the local HaiPay sandbox. No real money moves.',
  'shell.title': 'HaiPay sandbox',
  'summary.amount': 'Amount',
  'summary.item': 'Item',
  'summary.toPay': 'To pay',
  'summary.merchantOrder': 'Merchant order',
  'summary.haipayOrder': 'HaiPay order',
  'action.pay': 'Pay',
  'action.cancel': 'Cancel payment',
  'action.approve': 'Approve',
  'action.decline': 'Decline',
  'card.title': 'Pay by card',
  'card.number': 'Card number',
  'card.month': 'Expiry month (MM)',
  'card.year': 'Expiry year (YYYY)',
  'card.cvv': 'Security code (CVV)',
  'card.check': 'Check the card details below.',
  'card.bad.accountNo': 'Check the card number.',
  'card.bad.expiryMonth': 'Check the expiry month.',
  'card.bad.expiryYear': 'Check the expiry year.',
  'card.bad.cvv': 'Check the security code.',
  'card.testCards': 'Sandbox test cards',
  'card.test.ok': 'pays',
  'card.test.decline': 'is declined',
  'card.test.3ds': 'asks for 3-D Secure',
  '3ds.title': '3-D Secure verification',
  '3ds.card': 'Card ending in {last4}',
  '3ds.body': 'Your bank asks you to confirm this payment. In the sandbox, choose the outcome.',
  'cashier.title': 'HaiPay cashier',
  'cashier.twTitle': 'Taiwan cashier',
  'cashier.choose': 'Choose how to pay',
  'cashier.region': 'Choose how to pay (region {region})',
  'cashier.none': 'No method for this region and currency.',
  'tw.title': 'Taiwan payment',
  'tw.atm': 'Bank 822 (CTBC) virtual account',
  'tw.store': 'Store payment code',
  'tw.jko': 'JKO Pay payment reference',
  'tw.body':
    'Pay at the ATM, store kiosk or app with this code before the deadline. In the sandbox, press Pay to simulate it.',
  'qr.title': 'Scan to pay',
  'qr.payload': 'QR payload',
  'qr.bankApp': 'Open the sandbox bank app',
  'wallet.body': 'Sign in to {wallet} and confirm the payment. In the sandbox, choose the outcome.',
  'sub.title': 'Authorize subscription',
  'sub.no': 'Subscription',
  'sub.every': 'every {count} {unit}',
  'sub.unit.D': 'day(s)',
  'sub.unit.W': 'week(s)',
  'sub.unit.M': 'month(s)',
  'sub.unit.Y': 'year(s)',
  'sub.card': 'Card',
  'sub.cardEnding': 'ending in {last4}',
  'sub.body': 'Allow the merchant to charge this card on schedule. In the sandbox, choose the outcome.',
  'finished.title': 'Payment finished',
  'finished.payment': 'This payment’s status: {status}. Nothing more to do on this page.',
  'finished.subscription': 'This subscription’s status: {status}. Nothing more to do on this page.',
  'finished.unknown': 'This payment link is unknown. Nothing more to do on this page.',
  'status.0': 'not started',
  'status.1': 'processing',
  'status.2': 'paid',
  'status.3': 'failed',
  'subStatus.-1': 'pending confirmation',
  'subStatus.1': 'processing',
  'subStatus.2': 'active',
  'subStatus.3': 'failed',
  'subStatus.4': 'cancelled',
  'bank.title': 'Sandbox bank app',
  'bank.intro': 'Paste a QR payload (PromptPay or VietQR) or a virtual account number, then pay.',
  'bank.payload': 'QR payload or account number',
  'bank.amount': 'Amount (needed for an account number)',
  'bank.notOurs': 'This QR code does not belong to a sandbox order.',
  'bank.noAccount': 'No sandbox virtual account has this number.',
  'bank.amountMismatch': 'The amount must equal the order amount exactly.',
  'bank.final': 'This order is already {status}.',
};

export type PageKey = keyof typeof en;

const th: Record<PageKey, string> = {
  'lang.name': 'ไทย',
  'lang.label': 'ภาษา',
  'shell.badge': 'SANDBOX',
  'shell.brand': 'HaiPay',
  'shell.note': 'หน้าทดสอบของ HaiPay sandbox ในเครื่อง ไม่มีการโอนเงินจริง',
  'shell.title': 'HaiPay sandbox',
  'summary.amount': 'ยอดเงิน',
  'summary.item': 'รายการ',
  'summary.toPay': 'ยอดที่ต้องชำระ',
  'summary.merchantOrder': 'เลขที่คำสั่งซื้อของร้านค้า',
  'summary.haipayOrder': 'เลขที่คำสั่งซื้อ HaiPay',
  'action.pay': 'ชำระเงิน',
  'action.cancel': 'ยกเลิกการชำระเงิน',
  'action.approve': 'อนุมัติ',
  'action.decline': 'ปฏิเสธ',
  'card.title': 'ชำระด้วยบัตร',
  'card.number': 'หมายเลขบัตร',
  'card.month': 'เดือนที่บัตรหมดอายุ (MM)',
  'card.year': 'ปีที่บัตรหมดอายุ (YYYY)',
  'card.cvv': 'รหัสความปลอดภัย (CVV)',
  'card.check': 'โปรดตรวจสอบข้อมูลบัตรด้านล่าง',
  'card.bad.accountNo': 'โปรดตรวจสอบหมายเลขบัตร',
  'card.bad.expiryMonth': 'โปรดตรวจสอบเดือนที่หมดอายุ',
  'card.bad.expiryYear': 'โปรดตรวจสอบปีที่หมดอายุ',
  'card.bad.cvv': 'โปรดตรวจสอบรหัสความปลอดภัย',
  'card.testCards': 'บัตรทดสอบของ sandbox',
  'card.test.ok': 'ชำระสำเร็จ',
  'card.test.decline': 'ถูกปฏิเสธ',
  'card.test.3ds': 'ขอยืนยันตัวตน 3-D Secure',
  '3ds.title': 'ยืนยันตัวตน 3-D Secure',
  '3ds.card': 'บัตรที่ลงท้ายด้วย {last4}',
  '3ds.body': 'ธนาคารของคุณขอให้ยืนยันการชำระเงินนี้ ใน sandbox ให้เลือกผลลัพธ์เอง',
  'cashier.title': 'แคชเชียร์ HaiPay',
  'cashier.twTitle': 'แคชเชียร์ไต้หวัน',
  'cashier.choose': 'เลือกวิธีชำระเงิน',
  'cashier.region': 'เลือกวิธีชำระเงิน (ภูมิภาค {region})',
  'cashier.none': 'ไม่มีวิธีชำระเงินสำหรับภูมิภาคและสกุลเงินนี้',
  'tw.title': 'ชำระเงินในไต้หวัน',
  'tw.atm': 'บัญชีเสมือนธนาคาร 822 (CTBC)',
  'tw.store': 'รหัสชำระเงินที่ร้านสะดวกซื้อ',
  'tw.jko': 'เลขอ้างอิงการชำระเงิน JKO Pay',
  'tw.body': 'ชำระที่ตู้ ATM ตู้บริการในร้าน หรือในแอปด้วยรหัสนี้ก่อนหมดเวลา ใน sandbox ให้กด “ชำระเงิน” เพื่อจำลองการชำระ',
  'qr.title': 'สแกนเพื่อชำระเงิน',
  'qr.payload': 'ข้อมูล QR',
  'qr.bankApp': 'เปิดแอปธนาคารของ sandbox',
  'wallet.body': 'เข้าสู่ระบบ {wallet} แล้วยืนยันการชำระเงิน ใน sandbox ให้เลือกผลลัพธ์เอง',
  'sub.title': 'อนุญาตการสมัครสมาชิก',
  'sub.no': 'การสมัครสมาชิก',
  'sub.every': 'ทุก {count} {unit}',
  'sub.unit.D': 'วัน',
  'sub.unit.W': 'สัปดาห์',
  'sub.unit.M': 'เดือน',
  'sub.unit.Y': 'ปี',
  'sub.card': 'บัตร',
  'sub.cardEnding': 'ลงท้ายด้วย {last4}',
  'sub.body': 'อนุญาตให้ร้านค้าเรียกเก็บเงินจากบัตรนี้ตามรอบ ใน sandbox ให้เลือกผลลัพธ์เอง',
  'finished.title': 'การชำระเงินสิ้นสุดแล้ว',
  'finished.payment': 'สถานะของการชำระเงินนี้: {status} ไม่ต้องทำอะไรเพิ่มในหน้านี้',
  'finished.subscription': 'สถานะของการสมัครสมาชิกนี้: {status} ไม่ต้องทำอะไรเพิ่มในหน้านี้',
  'finished.unknown': 'ไม่พบลิงก์ชำระเงินนี้ ไม่ต้องทำอะไรเพิ่มในหน้านี้',
  'status.0': 'ยังไม่เริ่ม',
  'status.1': 'กำลังดำเนินการ',
  'status.2': 'ชำระแล้ว',
  'status.3': 'ไม่สำเร็จ',
  'subStatus.-1': 'รอการยืนยัน',
  'subStatus.1': 'กำลังดำเนินการ',
  'subStatus.2': 'ใช้งานอยู่',
  'subStatus.3': 'ไม่สำเร็จ',
  'subStatus.4': 'ยกเลิกแล้ว',
  'bank.title': 'แอปธนาคารของ sandbox',
  'bank.intro': 'วางข้อมูล QR (PromptPay หรือ VietQR) หรือเลขบัญชีเสมือน แล้วกดชำระเงิน',
  'bank.payload': 'ข้อมูล QR หรือเลขบัญชี',
  'bank.amount': 'ยอดเงิน (ต้องระบุเมื่อใช้เลขบัญชี)',
  'bank.notOurs': 'QR นี้ไม่ใช่ของคำสั่งซื้อใน sandbox',
  'bank.noAccount': 'ไม่มีบัญชีเสมือนของ sandbox ที่ใช้เลขนี้',
  'bank.amountMismatch': 'ยอดเงินต้องเท่ากับยอดของคำสั่งซื้อพอดี',
  'bank.final': 'คำสั่งซื้อนี้มีสถานะ “{status}” แล้ว',
};

const zhTW: Record<PageKey, string> = {
  'lang.name': '繁體中文',
  'lang.label': '語言',
  'shell.badge': 'SANDBOX',
  'shell.brand': 'HaiPay',
  'shell.note': '這是本機 HaiPay 沙盒的測試頁面，不會有真實金流。',
  'shell.title': 'HaiPay 沙盒',
  'summary.amount': '金額',
  'summary.item': '品項',
  'summary.toPay': '應付金額',
  'summary.merchantOrder': '商店訂單編號',
  'summary.haipayOrder': 'HaiPay 訂單編號',
  'action.pay': '付款',
  'action.cancel': '取消付款',
  'action.approve': '核准',
  'action.decline': '拒絕',
  'card.title': '信用卡付款',
  'card.number': '卡號',
  'card.month': '有效月份（MM）',
  'card.year': '有效年份（YYYY）',
  'card.cvv': '安全碼（CVV）',
  'card.check': '請檢查下方的卡片資料。',
  'card.bad.accountNo': '請檢查卡號。',
  'card.bad.expiryMonth': '請檢查有效月份。',
  'card.bad.expiryYear': '請檢查有效年份。',
  'card.bad.cvv': '請檢查安全碼。',
  'card.testCards': '沙盒測試卡',
  'card.test.ok': '付款成功',
  'card.test.decline': '遭拒絕',
  'card.test.3ds': '需要 3-D 驗證',
  '3ds.title': '3-D 驗證',
  '3ds.card': '卡號末四碼 {last4}',
  '3ds.body': '您的銀行要求確認這筆付款。在沙盒中，請自行選擇結果。',
  'cashier.title': 'HaiPay 收銀台',
  'cashier.twTitle': '臺灣收銀台',
  'cashier.choose': '選擇付款方式',
  'cashier.region': '選擇付款方式（地區 {region}）',
  'cashier.none': '此地區與幣別沒有可用的付款方式。',
  'tw.title': '臺灣付款',
  'tw.atm': '822（中國信託）虛擬帳號',
  'tw.store': '超商繳費代碼',
  'tw.jko': '街口支付付款參考編號',
  'tw.body': '請在期限前於 ATM、超商多媒體機或 App 以此代碼付款。在沙盒中，按「付款」即可模擬付款。',
  'qr.title': '掃碼付款',
  'qr.payload': 'QR 碼內容',
  'qr.bankApp': '開啟沙盒銀行 App',
  'wallet.body': '請登入{wallet}並確認付款。在沙盒中，請自行選擇結果。',
  'sub.title': '授權訂閱',
  'sub.no': '訂閱編號',
  'sub.every': '每 {count} {unit}',
  'sub.unit.D': '天',
  'sub.unit.W': '週',
  'sub.unit.M': '個月',
  'sub.unit.Y': '年',
  'sub.card': '信用卡',
  'sub.cardEnding': '末四碼 {last4}',
  'sub.body': '允許商店依排程向此卡扣款。在沙盒中，請自行選擇結果。',
  'finished.title': '付款已結束',
  'finished.payment': '這筆付款的狀態：{status}。此頁面無需其他操作。',
  'finished.subscription': '此訂閱的狀態：{status}。此頁面無需其他操作。',
  'finished.unknown': '找不到此付款連結。此頁面無需其他操作。',
  'status.0': '尚未開始',
  'status.1': '處理中',
  'status.2': '已付款',
  'status.3': '失敗',
  'subStatus.-1': '待確認',
  'subStatus.1': '處理中',
  'subStatus.2': '生效中',
  'subStatus.3': '失敗',
  'subStatus.4': '已取消',
  'bank.title': '沙盒銀行 App',
  'bank.intro': '貼上 QR 碼內容（PromptPay 或 VietQR）或虛擬帳號，然後付款。',
  'bank.payload': 'QR 碼內容或帳號',
  'bank.amount': '金額（使用帳號時必填）',
  'bank.notOurs': '此 QR 碼不屬於任何沙盒訂單。',
  'bank.noAccount': '沒有使用此號碼的沙盒虛擬帳號。',
  'bank.amountMismatch': '金額必須與訂單金額完全相同。',
  'bank.final': '此訂單已是「{status}」狀態。',
};

const STRINGS: Readonly<Record<PageLang, Record<PageKey, string>>> = { en, th, 'zh-TW': zhTW };

/** A translator for one language: `t('3ds.card', { last4: '5556' })`. Values are not escaped. */
export type Translate = (key: PageKey, values?: Record<string, string | number>) => string;

export function translator(lang: PageLang): Translate {
  const table = STRINGS[lang];
  return (key, values) =>
    table[key].replace(/\{(\w+)\}/g, (whole, name: string) =>
      values && name in values ? String(values[name]) : whole,
    );
}
