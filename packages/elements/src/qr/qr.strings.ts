import type { ElementStrings } from '../controllers/localize-controller.js';
import en from '../translations/en/qr.js';

/** `<haipay-qr>`'s strings: English inline, Thai and Chinese fetched when first used. */
export const qrStrings: ElementStrings = {
  en,
  th: () => import('../translations/th/tags.js'),
  'zh-TW': () => import('../translations/zh-TW/tags.js'),
};
