import { HaiPayCardForm } from './card-form.js';

export { HaiPayCardForm };

// Tolerates a double import (two bundles, HMR) and SSR, where `customElements` does not exist.
if (typeof customElements !== 'undefined' && !customElements.get('haipay-card-form')) {
  customElements.define('haipay-card-form', HaiPayCardForm);
}

declare global {
  interface HTMLElementTagNameMap {
    'haipay-card-form': HaiPayCardForm;
  }
}
