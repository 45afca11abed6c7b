/**
 * Starting a payment that is paid on HaiPay's own page (TrueMoney, Taiwanese stores and ATM, JKOPAY):
 * posts `{ method, orderRef }` (the companion's `resolveOrder` supplies the buyer's details), announces
 * it, and opens the page. Loaded by `<haipay-checkout>` only when a shopper presses "Pay" on such a
 * method. Only a web page is followed (`isFollowableUrl`): `https:`, or `http:` while this page is.
 */
import { isFollowableUrl } from '@haipay-kit/protocol/rules';
import { newKey, postPayment } from '../api.js';
import { emit } from '../events.js';
import type { ApiErrorBody, PaymentView } from '../types.js';

/** One key per attempt, kept until the companion answers: a retry after a lost answer is the same payment. */
let pending: { body: string; key: string } | undefined;

/** Starts the payment and opens its page; returns the error to show, or nothing when it went ahead. */
export async function startRedirect(
  host: HTMLElement,
  endpoint: string,
  body: { method: string; orderRef: string },
): Promise<{ type: string; message: string } | undefined> {
  const text = JSON.stringify(body);
  if (pending?.body != text) pending = { body: text, key: newKey() };
  let answer;
  try {
    answer = await postPayment(endpoint, body, pending.key, Date.now);
  } catch {
    return { type: 'network_error', message: 'Could not reach the payment service' };
  }
  pending = undefined;
  const view = answer.body as PaymentView | undefined;
  if (answer.status >= 300 || !view?.orderId) {
    const { type = 'api_error', message = `HTTP ${answer.status}` } =
      (answer.body as ApiErrorBody | undefined)?.error ?? {};
    return { type, message };
  }
  const { orderId, next } = view;
  emit(host, 'haipay-created', { orderId, view });
  if (next?.type != 'redirect') return { type: 'unexpected_next', message: 'No payment page to open' };
  const url = next.url;
  if (!isFollowableUrl(url, location.protocol == 'http:'))
    return { type: 'unsafe_redirect', message: 'Refused to open the payment page' };
  if (emit(host, 'haipay-redirect', { orderId, url }, true)) location.assign(url);
}
