// The Vue app: the tags are custom elements to Vue's compiler (a merchant's vite.config says the same
// through @vitejs/plugin-vue's `template.compilerOptions.isCustomElement`).
import type {} from '@haipay-kit/elements/vue';
import '@haipay-kit/elements';
import { createApp } from 'vue';
import Checkout from './Checkout.vue';

const app = createApp(Checkout, { orderRef: 'cart-123' });
app.config.compilerOptions.isCustomElement = (tag) => tag.startsWith('haipay-');
app.mount('#checkout');
