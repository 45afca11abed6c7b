/**
 * Every event the HaiPay elements fire. All are `CustomEvent`s named `haipay-*` that bubble and are
 * `composed`, so a listener on `document` hears them from inside any number of shadow roots.
 */
import type { PaymentView } from './types.js';

export interface HaiPayCreatedDetail {
  orderId: string;
  view: PaymentView;
}
export interface HaiPayRedirectDetail {
  orderId: string;
  url: string;
}
export interface HaiPayFinalDetail {
  orderId: string;
  view: PaymentView;
}
export interface HaiPayErrorDetail {
  /** `validation_error`, `gateway_error`, `idempotency_conflict`, `network_error`, ... */
  type: string;
  message: string;
  code?: string;
}
export interface HaiPayNewQrDetail {
  orderId: string | null;
}
/** The method `<haipay-checkout>` shows, and what it would charge. */
export interface HaiPayMethodChangeDetail {
  method: string;
  amount: string;
  currency: string;
}

export interface HaiPayEventDetailMap {
  /** The companion accepted the payment (201/202). */
  'haipay-created': HaiPayCreatedDetail;
  /** About to navigate to a 3DS / hosted page. Cancelable: `preventDefault()` keeps the shopper here. */
  'haipay-redirect': HaiPayRedirectDetail;
  'haipay-succeeded': HaiPayFinalDetail;
  'haipay-failed': HaiPayFinalDetail;
  'haipay-expired': HaiPayFinalDetail;
  /** Money arrived after the order had closed: the shop reviews it (neither fulfilled nor refunded yet). */
  'haipay-review': HaiPayFinalDetail;
  'haipay-error': HaiPayErrorDetail;
  /** The shopper asked for a new QR after expiry. Cancelable: with `order-ref` the element starts a new payment unless cancelled. */
  'haipay-new-qr': HaiPayNewQrDetail;
  /** `<haipay-checkout>` shows another method (also the first one, once the methods load). */
  'haipay-method-change': HaiPayMethodChangeDetail;
}

export type HaiPayEventName = keyof HaiPayEventDetailMap;

declare global {
  interface GlobalEventHandlersEventMap {
    'haipay-created': CustomEvent<HaiPayCreatedDetail>;
    'haipay-redirect': CustomEvent<HaiPayRedirectDetail>;
    'haipay-succeeded': CustomEvent<HaiPayFinalDetail>;
    'haipay-failed': CustomEvent<HaiPayFinalDetail>;
    'haipay-expired': CustomEvent<HaiPayFinalDetail>;
    'haipay-review': CustomEvent<HaiPayFinalDetail>;
    'haipay-error': CustomEvent<HaiPayErrorDetail>;
    'haipay-new-qr': CustomEvent<HaiPayNewQrDetail>;
    'haipay-method-change': CustomEvent<HaiPayMethodChangeDetail>;
  }
}

/** Dispatches a typed `haipay-*` event; returns `false` when a listener called `preventDefault()`. */
export function emit<K extends HaiPayEventName>(
  target: EventTarget,
  name: K,
  detail: HaiPayEventDetailMap[K],
  cancelable = false,
): boolean {
  return target.dispatchEvent(new CustomEvent(name, { detail, bubbles: true, composed: true, cancelable }));
}
