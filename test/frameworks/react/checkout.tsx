// A React 19 page using the tags with no wrapper: what a merchant writes, type-checked by tsc.
import type {} from '@haipay-kit/elements/react';
import '@haipay-kit/elements/card-form';
import { useRef, useState } from 'react';
import type { HaiPayCardForm } from '@haipay-kit/elements';

export function Checkout({ orderRef }: { orderRef: string }) {
  const form = useRef<HaiPayCardForm>(null);
  const [paid, setPaid] = useState<string>();
  return (
    <>
      <haipay-card-form
        ref={form}
        endpoint="/haipay"
        order-ref={orderRef}
        locale="th"
        theme="dark"
        mode="payment"
        currency="USD"
        order-from-url
        id="pay"
        className="checkout"
        aria-label="Card payment"
        strings={{ 'action.pay': 'Pay now' }}
        pollInterval={3000}
        onhaipay-succeeded={(event) => setPaid(event.detail.orderId)}
        onhaipay-error={(event) => console.warn(event.detail.type, event.detail.code)}
        onhaipay-redirect={(event) => {
          const url: string = event.detail.url;
          event.preventDefault();
          location.assign(url);
        }}
      />
      <haipay-qr endpoint="/haipay" orderRef={orderRef} onhaipay-new-qr={(event) => event.detail.orderId} />
      <haipay-bank-transfer endpoint="/haipay" order-id="hp_1" bank-code="KBANK" theme="auto" />
      <haipay-checkout
        endpoint="/haipay"
        order-ref={orderRef}
        methods={['card', 'promptpay']}
        onhaipay-method-change={(event) => console.info(event.detail.method, event.detail.amount)}
        onhaipay-succeeded={(event) => setPaid(event.detail.orderId)}
      />
      {paid ? <p>Paid {paid}</p> : null}
    </>
  );
}

export function Mistakes() {
  return (
    <>
      {/* @ts-expect-error theme is 'auto' | 'light' | 'dark' */}
      <haipay-card-form theme="blue" />
      {/* @ts-expect-error mode is 'payment' | 'subscription' */}
      <haipay-card-form mode="refund" />
      {/* @ts-expect-error a misspelled attribute (a camelCase name: React cannot check dashed ones it does not know) */}
      <haipay-qr endpiont="/haipay" />
      {/* @ts-expect-error a misspelled tag */}
      <haipay-card-from endpoint="/haipay" />
      {/* @ts-expect-error the detail of haipay-succeeded has no url */}
      <haipay-qr onhaipay-succeeded={(event) => event.detail.url} />
      {/* @ts-expect-error React listens for the name after `on` as written: onHaipaySucceeded would never fire */}
      <haipay-qr onHaipaySucceeded={() => undefined} />
      {/* @ts-expect-error React sets `methods` as the property, which takes a list, not the attribute's text */}
      <haipay-checkout methods="card promptpay" />
      {/* @ts-expect-error strings is a table of strings */}
      <haipay-qr strings={{ 'action.pay': 1 }} />
    </>
  );
}
