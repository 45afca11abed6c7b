// Rendered in Chromium by test/frameworks/runtime.test.ts: React 19 sets what the declarations offer
// (attributes by name, properties in camelCase, `onhaipay-*` listeners) as the element needs it.
import type {} from '@haipay-kit/elements/react';
import '@haipay-kit/elements/card-form';
import { flushSync } from 'react-dom';
import { createRoot } from 'react-dom/client';

const seen: string[] = [];
const root = document.createElement('div');
document.body.append(root);
flushSync(() =>
  createRoot(root).render(
    <haipay-card-form
      order-ref="cart-1"
      theme="dark"
      strings={{ 'action.pay': 'Pay now' }}
      pollInterval={5000}
      onhaipay-succeeded={(event) => seen.push(event.detail.orderId)}
    />,
  ),
);
Object.assign(window, { seen, rendered: true });
