import { HaiPayBankTransfer } from './bank-transfer.js';

export { HaiPayBankTransfer };

// Tolerates a double import (two bundles, HMR) and SSR, where `customElements` does not exist.
if (typeof customElements !== 'undefined' && !customElements.get('haipay-bank-transfer')) {
  customElements.define('haipay-bank-transfer', HaiPayBankTransfer);
}

declare global {
  interface HTMLElementTagNameMap {
    'haipay-bank-transfer': HaiPayBankTransfer;
  }
}
