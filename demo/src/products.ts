/** How each product looks and reads in the shop. Prices are not here: the server sends them. */
import type { SVGTemplateResult } from 'lit';
import { bagArt, coldBrewArt, dripperArt, tastingSetArt } from './art.js';
import type { Locale } from './i18n.js';

export interface ProductDisplay {
  id: string;
  name: Record<Locale, string>;
  notes: Record<Locale, string>;
  /** Weight or capacity, in the shopper's words (units too). */
  size: Record<Locale, string>;
  art: () => SVGTemplateResult;
  badge?: Record<Locale, string>;
}

export const PRODUCT_DISPLAY: readonly ProductDisplay[] = [
  {
    id: 'doi-chang',
    name: { en: 'Doi Chang Natural', th: 'ดอยช้าง เนเชอรัล', 'zh-TW': 'Doi Chang 日曬' },
    notes: {
      en: 'Strawberry jam, cacao nib, long sweet finish.',
      th: 'แยมสตรอว์เบอร์รี โกโก้นิบ หวานยาวนาน',
      'zh-TW': '草莓果醬、可可碎粒、悠長甜感。',
    },
    size: { en: '250 g', th: '250 กรัม', 'zh-TW': '250 克' },
    art: () => bagArt({ label: '#b5452f', motif: '#f3c9a8', wash: '#f6e3d3' }, 'DOI CHANG'),
    badge: { en: 'Bestseller', th: 'ขายดี', 'zh-TW': '熱銷' },
  },
  {
    id: 'pangkhon',
    name: { en: 'Doi Pangkhon Washed', th: 'ดอยปางขอน วอช', 'zh-TW': 'Doi Pangkhon 水洗' },
    notes: {
      en: 'Jasmine, lime zest, black tea.',
      th: 'ดอกมะลิ ผิวมะนาว ชาดำ',
      'zh-TW': '茉莉花、萊姆皮、紅茶。',
    },
    size: { en: '250 g', th: '250 กรัม', 'zh-TW': '250 克' },
    art: () => bagArt({ label: '#2f6f5e', motif: '#bfe3d4', wash: '#dcefe6' }, 'PANGKHON'),
  },
  {
    id: 'night-blend',
    name: { en: 'Chinatown Night Espresso', th: 'เยาวราช ไนท์ เอสเปรสโซ', 'zh-TW': '耀華力夜色濃縮' },
    notes: {
      en: 'Dark chocolate, palm sugar, toasted almond. Loves milk.',
      th: 'ดาร์กช็อกโกแลต น้ำตาลมะพร้าว อัลมอนด์คั่ว เข้ากับนมมาก',
      'zh-TW': '黑巧克力、椰糖、烤杏仁，很適合加奶。',
    },
    size: { en: '500 g', th: '500 กรัม', 'zh-TW': '500 克' },
    art: () => bagArt({ label: '#2b2a4c', motif: '#e7a54a', wash: '#e4e2f0' }, 'NIGHT'),
  },
  {
    id: 'tasting-set',
    name: { en: 'Three Hills Tasting Set', th: 'ชุดชิมสามดอย', 'zh-TW': '三座山品飲組' },
    notes: {
      en: 'Three 100 g bags from three farms, with a cupping card.',
      th: 'สามถุง ถุงละ 100 กรัม จากสามไร่ พร้อมการ์ดชิม',
      'zh-TW': '三個農場各 100 克，附杯測卡。',
    },
    size: { en: '3 × 100 g', th: '3 × 100 กรัม', 'zh-TW': '3 × 100 克' },
    art: () => tastingSetArt('#f3ead8'),
    badge: { en: 'Gift idea', th: 'ของขวัญ', 'zh-TW': '送禮推薦' },
  },
  {
    id: 'cold-brew',
    name: { en: 'Cold Brew Bags', th: 'ถุงกาแฟสกัดเย็น', 'zh-TW': '冷萃咖啡包' },
    notes: {
      en: 'Ten steep bags. Drop in water overnight, wake up to cold brew.',
      th: 'สิบถุง แช่น้ำข้ามคืน ตื่นมาก็มีกาแฟสกัดเย็น',
      'zh-TW': '十包。放入水中一夜，醒來就有冷萃咖啡。',
    },
    size: { en: '10 bags × 40 g', th: '10 ถุง × 40 กรัม', 'zh-TW': '10 包 × 40 克' },
    art: () => coldBrewArt('#dde8ee'),
  },
  {
    id: 'celadon-dripper',
    name: { en: 'Celadon Dripper', th: 'ดริปเปอร์เซลาดอน', 'zh-TW': '青瓷濾杯' },
    notes: {
      en: 'Hand-thrown in Chiang Mai. Fits size 02 filters.',
      th: 'ปั้นมือที่เชียงใหม่ ใช้กับกระดาษกรองเบอร์ 02',
      'zh-TW': '清邁手拉坯，適用 02 號濾紙。',
    },
    size: { en: '1–4 cups', th: '1–4 แก้ว', 'zh-TW': '1–4 杯' },
    art: () => dripperArt('#e3efe9'),
  },
];

export function productDisplay(id: string): ProductDisplay | undefined {
  return PRODUCT_DISPLAY.find((p) => p.id === id);
}
