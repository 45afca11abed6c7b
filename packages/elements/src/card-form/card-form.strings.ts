import type { ElementStrings } from '../controllers/localize-controller.js';
import en from '../translations/en/card-form.js';

/** `<haipay-card-form>`'s strings: English inline, Thai and Chinese fetched when first used. */
export const cardFormStrings: ElementStrings = {
  en,
  th: () => import('../translations/th/card-form.js'),
  'zh-TW': () => import('../translations/zh-TW/card-form.js'),
};
