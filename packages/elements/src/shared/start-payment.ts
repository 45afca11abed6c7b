/**
 * How `<haipay-qr order-ref>` and `<haipay-bank-transfer order-ref>` start a payment. A separate
 * module, loaded on first use, so pages that hand the elements an `order-id` never download it. It
 * imports none of the elements' own code: a shared import would move that code into one more chunk,
 * which every page would then load.
 */
import type { HaiPayPaymentElement } from './payment-element.js';
import type { ApiErrorBody, PaymentView } from '../types.js';

/** The element's members this module drives (protected on the class, reached here on purpose). */
interface Starter {
  endpoint: string;
  orderRef: string;
  orderId: string;
  startMethod: string;
  loadError: string;
  localize: { term(key: 'error.generic' | 'error.network'): string };
  emitError(type: string, message: string, code?: string): void;
  dispatchEvent(event: Event): boolean;
}

const latest = new WeakMap<object, string>();

/**
 * `POST {endpoint}/payments` with `{ method, orderRef }` under one Idempotency-Key (`key`), then hands the
 * element the new `orderId` (which it follows) and fires `haipay-created`. A network failure is
 * retried with the same key (1 s, 2 s, 4 s apart), so one attempt never makes two payments; a newer
 * start for the same element ends an older one. Errors show the element's generic or network message
 * and fire `haipay-error` with the companion's `type`, `message` and `code`.
 */
export async function startPayment(element: HaiPayPaymentElement, key: string): Promise<void> {
  const el = element as unknown as Starter;
  const { endpoint, orderRef, startMethod: method } = el;
  latest.set(el, key);
  el.loadError = '';
  const fail = (type: string, message: string, code?: string) => {
    el.loadError = el.localize.term(type === 'network_error' ? 'error.network' : 'error.generic');
    el.emitError(type, message, code);
  };
  for (let attempt = 0; ; attempt++) {
    let res: Response | undefined;
    let body: PaymentView | ApiErrorBody | undefined;
    try {
      res = await fetch(`${endpoint.replace(/\/+$/, '')}/payments`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Accept: 'application/json', 'Idempotency-Key': key },
        body: JSON.stringify({ method, orderRef }),
      });
      body = (await res.json()) as PaymentView | ApiErrorBody;
    } catch {
      // No answer, or a success cut off mid-body: the payment may exist, so ask again under the same key.
      if (!res || res.ok) {
        if (latest.get(el) !== key) return;
        if (attempt === 3) return fail('network_error', 'Could not reach the payment service');
        await new Promise((r) => setTimeout(r, 1000 << attempt));
        continue;
      }
    }
    if (latest.get(el) !== key) return;
    if (res!.ok && body && !('error' in body)) {
      el.dispatchEvent(
        new CustomEvent('haipay-created', {
          detail: { orderId: body.orderId, view: body },
          bubbles: true,
          composed: true,
        }),
      );
      el.orderId = body.orderId;
      return;
    }
    const error = (body as ApiErrorBody | undefined)?.error;
    return fail(error?.type ?? 'api_error', error?.message ?? `HTTP ${res!.status}`, error?.code);
  }
}
