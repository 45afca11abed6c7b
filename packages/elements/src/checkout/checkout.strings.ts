import type { ElementStrings } from '../controllers/localize-controller.js';
import en from '../translations/en/checkout.js';

/** `<haipay-checkout>`'s strings: English inline, Thai and Chinese fetched when first used. */
export const checkoutStrings: ElementStrings = {
  en,
  th: () => import('../translations/th/checkout.js'),
  'zh-TW': () => import('../translations/zh-TW/checkout.js'),
};
