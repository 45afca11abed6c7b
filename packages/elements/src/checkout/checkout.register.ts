import { HaiPayCheckout } from './checkout.js';

export { HaiPayCheckout };

// Tolerates a double import (two bundles, HMR) and SSR, where `customElements` does not exist.
if (typeof customElements !== 'undefined' && !customElements.get('haipay-checkout')) {
  customElements.define('haipay-checkout', HaiPayCheckout);
}

declare global {
  interface HTMLElementTagNameMap {
    'haipay-checkout': HaiPayCheckout;
  }
}
