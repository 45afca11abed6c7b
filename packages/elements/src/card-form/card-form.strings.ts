import type { ElementStrings } from '../controllers/localize-controller.js';
import en from '../translations/en/card-form.js';

/** `<haipay-card-form>`'s strings: English inline, Thai and Chinese fetched when first used. */
export const cardFormStrings: ElementStrings = {
  en,
  th: () => import('../translations/th/tags.js'),
  'zh-TW': () => import('../translations/zh-TW/tags.js'),
};
