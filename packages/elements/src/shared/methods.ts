/**
 * `GET {endpoint}/methods?orderRef=` (docs/contracts.md): the methods this order can be paid with and
 * what each would charge. `<haipay-checkout>` lists them; `<haipay-card-form>` reads from the card's
 * `hosted` flag whether the companion takes cards on HaiPay's page. A module of its own (not in
 * `api.ts`), so the drop-in's first load carries this call and not the payment calls.
 */
import type { MethodOffer } from '../checkout/checkout.js';

/** The companion's answer: `methods` when it gave them, else its error. Throws when it cannot be reached. */
export async function getMethods(
  endpoint: string,
  orderRef: string,
): Promise<{ methods?: MethodOffer[]; error?: { type: string; message: string } }> {
  const url = `${endpoint.replace(/\/+$/, '')}/methods?orderRef=${encodeURIComponent(orderRef)}`;
  const res = await fetch(url, { headers: { Accept: 'application/json' }, cache: 'no-store' });
  const body = (await res.json()) as { methods?: MethodOffer[]; error?: { type: string; message: string } };
  return res.ok && body.methods
    ? body
    : { error: body.error ?? { type: 'api_error', message: `HTTP ${res.status}` } };
}
