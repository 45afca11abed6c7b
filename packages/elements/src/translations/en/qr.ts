import { common, timed } from './common.js';

/** English strings of `<haipay-qr>` (bundled with the element). */
const qr = {
  ...common,
  ...timed,
  'action.copyCode': 'Copy code',
  'action.saveQr': 'Save QR image',
  'action.newQr': 'New QR',
  'action.copied': 'Copied',
  'qr.title': 'Scan to pay with PromptPay',
  'qr.alt': 'PromptPay QR code for {amount}',
  'qr.instructions': 'Open your banking app and scan this code.',
  'amount.label': 'Amount to pay',
} as const;

export type QrKey = keyof typeof qr;
export default qr;
