import cardForm from './en/card-form.js';
import qr from './en/qr.js';
import bankTransfer from './en/bank-transfer.js';
import checkout from './en/checkout.js';

/**
 * English strings — the reference set: every other locale implements this `Translation` shape, and a
 * merchant may override any key through an element's `strings` property. `{name}` marks a parameter.
 *
 * This is the whole table (all three elements). The elements themselves never import it: each one
 * bundles only its own English keys (`en/<element>.ts`, with the shared ones in `en/common.ts`) and
 * loads Thai or Chinese on demand (`th/<element>.ts`, `zh-TW/<element>.ts`) as a separate chunk.
 */
const en = { ...cardForm, ...qr, ...bankTransfer, ...checkout };

export type TranslationKey = keyof typeof en;
export type Translation = Record<TranslationKey, string>;
export default en satisfies Translation as Translation;
