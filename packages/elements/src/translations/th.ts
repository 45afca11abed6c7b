import type { Translation } from './en.js';
import cardForm from './th/card-form.js';
import qr from './th/qr.js';
import bankTransfer from './th/bank-transfer.js';
import checkout from './th/checkout.js';

/** Thai strings, the whole table (each element loads only its own part, on demand; see `en.ts`). */
const th: Translation = { ...cardForm, ...qr, ...bankTransfer, ...checkout };
export default th;
