import type { CommonKey, TimedKey } from '../en/common.js';

/** Traditional Chinese (Taiwan): the status strings every element shows. */
export const common = {
  'error.generic': '發生錯誤，請再試一次。',
  'error.network': '無法連線至付款服務，請檢查網路後再試一次。',
  'status.pending': '等待付款',
  'status.processing': '付款處理中…',
  'status.succeeded': '已收到付款，謝謝！',
  'status.failed': '付款失敗。',
  'status.expired': '此筆付款已逾期。',
  'status.review': '此訂單關閉後才收到付款，商店將與您聯繫。',
  'status.unknown': '正在確認付款狀態…',
} satisfies Record<CommonKey, string>;

/** Traditional Chinese (Taiwan): the countdown and copy strings of `<haipay-qr>` and `<haipay-bank-transfer>`. */
export const timed = {
  'action.copyFailed': '無法複製，請選取文字後自行複製。',
  'countdown.label': '剩餘時間',
  'countdown.minutesLeft': '剩餘 {minutes} 分鐘',
  'countdown.oneMinuteLeft': '剩餘 1 分鐘',
} satisfies Record<TimedKey, string>;
