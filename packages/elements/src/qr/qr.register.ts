import { HaiPayQr } from './qr.js';

export { HaiPayQr };

// Tolerates a double import (two bundles, HMR) and SSR, where `customElements` does not exist.
if (typeof customElements !== 'undefined' && !customElements.get('haipay-qr')) {
  customElements.define('haipay-qr', HaiPayQr);
}

declare global {
  interface HTMLElementTagNameMap {
    'haipay-qr': HaiPayQr;
  }
}
