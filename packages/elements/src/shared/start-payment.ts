/**
 * How `<haipay-qr order-ref>` and `<haipay-bank-transfer order-ref>` start a payment. A separate
 * module, loaded on first use, so pages that hand the elements an `order-id` never download it.
 *
 * The element drives it through a `StartPort`: the request and a few callbacks, typed here, so this
 * module reaches none of the element's protected members and renaming one is a compile error.
 *
 * It keeps its own small `fetch` rather than importing `postPayment` from `../api.js`; events go out
 * through the port's `emit` (the element's own) rather than an import of `../events.js`. When a lazy
 * chunk imports a module that its entry also uses, esbuild moves that module into one more shared
 * chunk that every page then loads. Measured with `scripts/size.mjs`: importing `postPayment` adds
 * 230 B gzip to all three elements together and 333 B to `<haipay-qr>` alone; importing `emit` alone,
 * 104 B and 100 B.
 */
import type { HaiPayEventDetailMap, HaiPayEventName } from '../events.js';
import type { ApiErrorBody, PaymentView } from '../types.js';

/** What the element hands `startPayment`: the request, and how to show its outcome. */
export interface StartPort {
  /** Base URL of the companion router, e.g. `/haipay`. */
  endpoint: string;
  /** The JSON body of `POST {endpoint}/payments`. The browser sends no buyer details. */
  body: { method: string; orderRef: string };
  /** Makes the attempt's Idempotency-Key: called once per start, reused for its retries. */
  key: () => string;
  /** Whose start this is: a newer start for the same owner (the element) ends an older one. */
  owner: object;
  /** The companion created the payment: the element shows and follows it. */
  show(view: PaymentView): void;
  /**
   * Shows the element's localized message for `type` (network or generic) and fires `haipay-error`.
   * A function property, not a method: `startPayment` calls it on its own, as the element's arrow.
   */
  fail: (type: string, message: string, code?: string) => void;
  /** Fires a `haipay-*` event from the element. */
  emit<K extends HaiPayEventName>(name: K, detail: HaiPayEventDetailMap[K]): boolean;
}

const latest = new WeakMap<object, string>();

/**
 * `POST {endpoint}/payments` under one Idempotency-Key, then fires `haipay-created` and hands the element
 * the new payment to follow. A network failure is retried with the same key (1 s, 2 s, 4 s apart), so
 * one attempt never makes two payments; a newer start for the same owner ends an older one. A refusal
 * is reported through `fail` with the companion's `type`, `message` and `code`.
 */
export async function startPayment(port: StartPort): Promise<void> {
  const { owner, fail } = port;
  const key = port.key();
  latest.set(owner, key);
  for (let attempt = 0; ; attempt++) {
    let res: Response | undefined;
    let body: PaymentView | ApiErrorBody | undefined;
    try {
      res = await fetch(`${port.endpoint.replace(/\/+$/, '')}/payments`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Accept: 'application/json', 'Idempotency-Key': key },
        body: JSON.stringify(port.body),
      });
      body = (await res.json()) as PaymentView | ApiErrorBody;
    } catch {
      // No answer, or a success cut off mid-body: the payment may exist, so ask again under the same key.
      if (!res || res.ok) {
        if (latest.get(owner) !== key) return;
        if (attempt === 3) return fail('network_error', 'Could not reach the payment service');
        await new Promise((r) => setTimeout(r, 1000 << attempt));
        continue;
      }
    }
    if (latest.get(owner) !== key) return;
    if (res.ok && body && !('error' in body)) {
      port.emit('haipay-created', { orderId: body.orderId, view: body });
      return port.show(body);
    }
    const error = (body as ApiErrorBody | undefined)?.error;
    return fail(error?.type ?? 'api_error', error?.message ?? `HTTP ${res.status}`, error?.code);
  }
}
