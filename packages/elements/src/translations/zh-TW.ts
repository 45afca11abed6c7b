import type { Translation } from './en.js';
import cardForm from './zh-TW/card-form.js';
import qr from './zh-TW/qr.js';
import bankTransfer from './zh-TW/bank-transfer.js';
import checkout from './zh-TW/checkout.js';

/** Traditional Chinese (Taiwan) strings, the whole table (each element loads only its own part, on demand; see `en.ts`). */
const zhTW: Translation = { ...cardForm, ...qr, ...bankTransfer, ...checkout };
export default zhTW;
