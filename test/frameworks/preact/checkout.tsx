// A Preact page using the tags with no wrapper: what a merchant writes, type-checked by tsc.
import type {} from '@haipay-kit/elements/preact';
import '@haipay-kit/elements/qr';
import type { HaiPayQr } from '@haipay-kit/elements';
import { useRef, useState } from 'preact/hooks';

export function Checkout({ orderRef }: { orderRef: string }) {
  const qr = useRef<HaiPayQr>(null);
  const [paid, setPaid] = useState<string>();
  return (
    <>
      <haipay-qr
        ref={qr}
        endpoint="/haipay"
        order-ref={orderRef}
        locale="zh-TW"
        theme="light"
        class="checkout"
        strings={{ 'status.pending': 'Waiting' }}
        onhaipay-succeeded={(event) => setPaid(event.detail.orderId)}
        onhaipay-new-qr={(event) => {
          const orderId: string | null = event.detail.orderId;
          if (orderId) event.preventDefault();
        }}
        onhaipay-error={(event) => console.warn(event.detail.message)}
      />
      <haipay-card-form endpoint="/haipay" orderRef={orderRef} mode="subscription" plan-ref="monthly" />
      <haipay-bank-transfer endpoint="/haipay" order-id="hp_1" account-number="1234567890" />
      {paid ? <p>Paid {paid}</p> : null}
    </>
  );
}

export function Mistakes() {
  return (
    <>
      {/* @ts-expect-error theme is 'auto' | 'light' | 'dark' */}
      <haipay-qr theme="sepia" />
      {/* @ts-expect-error mode is 'payment' | 'subscription' */}
      <haipay-card-form mode="refund" />
      {/* @ts-expect-error a misspelled attribute (a camelCase name: JSX cannot check dashed ones it does not know) */}
      <haipay-bank-transfer bankCoed="KBANK" />
      {/* @ts-expect-error a misspelled tag */}
      <haipay-qr-code endpoint="/haipay" />
      {/* @ts-expect-error the detail of haipay-error has no orderId */}
      <haipay-card-form onhaipay-error={(event) => event.detail.orderId} />
      {/* @ts-expect-error onHaipaySucceeded would listen for "haipaysucceeded", which never fires */}
      <haipay-qr onHaipaySucceeded={() => undefined} />
    </>
  );
}
