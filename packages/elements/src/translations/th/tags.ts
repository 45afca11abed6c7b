import cardForm from './card-form.js';
import qr from './qr.js';
import bankTransfer from './bank-transfer.js';

/**
 * Thai strings of the three single tags, one chunk that the first of them to need it loads for all:
 * one request and no chunk of shared strings behind it (each element's own English stays bundled).
 */
export default { ...cardForm, ...qr, ...bankTransfer };
