// Rendered in Chromium by test/frameworks/runtime.test.ts: Preact sets what the declarations offer
// (attributes by name, properties in camelCase, `onhaipay-*` listeners) as the element needs it.
import type {} from '@haipay-kit/elements/preact';
import '@haipay-kit/elements/card-form';
import { render } from 'preact';

const seen: string[] = [];
const root = document.createElement('div');
document.body.append(root);
render(
  <haipay-card-form
    order-ref="cart-1"
    theme="dark"
    strings={{ 'action.pay': 'Pay now' }}
    pollInterval={5000}
    onhaipay-succeeded={(event) => seen.push(event.detail.orderId)}
  />,
  root,
);
Object.assign(window, { seen, rendered: true });
