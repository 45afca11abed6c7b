// Rendered in Chromium by test/frameworks/runtime.test.ts: Vue sets what the README says it does
// (attributes by name, camelCase properties, `@haipay-*` listeners). The template is compiled in the
// browser (the test bundles Vue's full build), as Checkout.vue's would be by @vitejs/plugin-vue.
import type {} from '@haipay-kit/elements/vue';
import '@haipay-kit/elements/card-form';
import { createApp } from 'vue';

const seen: string[] = [];
const root = document.createElement('div');
document.body.append(root);
const app = createApp({
  template: `<haipay-card-form order-ref="cart-1" theme="dark" :strings="strings" :pollInterval="5000"
    @haipay-succeeded="(event) => seen.push(event.detail.orderId)" />`,
  setup: () => ({ seen, strings: { 'action.pay': 'Pay now' } }),
});
app.config.compilerOptions.isCustomElement = (tag) => tag.startsWith('haipay-');
app.mount(root);
Object.assign(window, { seen, rendered: true });
