/**
 * `GET /methods?orderRef=` — the methods this order can be paid with, and what each would charge, for a
 * drop-in checkout (`<haipay-checkout>`) to show before the shopper chooses. The price comes from the
 * merchant, never the browser: one `resolveOrder(req, { method, orderRef })` call per enabled method, or
 * one `listMethods(req, orderRef)` call. A method is left out when the merchant refuses it, when no
 * merchant (appId) is configured for its currency, when HaiPay has no such method in that currency, or
 * when the amount is outside the method's limits (POST /payments would refuse it the same way). The
 * answer holds only `{ method, amount, currency }` (and `hosted: true` on the card under `cardMode:
 * 'hosted'`): no subject, buyer id, metadata or return URL.
 */
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { isCurrency, validateAmount } from '@haipay-kit/protocol/rules';
import { checkResolved } from '../checkout/validation.js';
import { HaiPayConfigError, HaiPayOrderRejectedError, HaiPayValidationError } from '../errors.js';
import { wireMethodFor } from '../methods.js';
import { PAYMENT_METHODS, type PaymentMethod } from '../types.js';
import { HttpError } from './http.js';
import type { MethodPrice, RouterConfig } from './options.js';

/** What one method would charge, or the merchant's refusal of it. */
type Priced = MethodPrice | { refused: string };

/** True when HaiPay can take `price` with the configured merchants, within the method's limits. */
function payable(config: RouterConfig, { method, amount, currency }: MethodPrice): boolean {
  const { client } = config;
  if (!isCurrency(currency)) return false;
  if (method === 'cashier')
    return client.hasMerchant(client.config.cashierMerchant) && !validateAmount(currency, amount);
  const wire = wireMethodFor(method, currency);
  return (
    wire !== undefined &&
    client.hasMerchant(currency) &&
    !validateAmount(currency, amount, { min: wire.min, max: wire.max })
  );
}

/** Runs a merchant callback; a {@link HaiPayOrderRejectedError} becomes a refusal with its message. */
async function orRefused<T>(fn: () => T | Promise<T>): Promise<T | { refused: string }> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof HaiPayOrderRejectedError) return { refused: err.message || 'The order was rejected.' };
    throw err;
  }
}

/** The merchant's `listMethods` answer, checked: a wrong shape is a configuration error naming the fix. */
function checkListed(listed: unknown): MethodPrice[] {
  if (!Array.isArray(listed))
    throw new HaiPayConfigError('listMethods: must return an array of { method, amount, currency }.');
  return listed.map((entry: Partial<MethodPrice> | null) => {
    const { method, amount, currency } = entry ?? {};
    if (!(PAYMENT_METHODS as readonly unknown[]).includes(method) || typeof amount !== 'string')
      throw new HaiPayConfigError(
        `listMethods: each entry needs a method of ${PAYMENT_METHODS.join(', ')} and amount as a decimal string.`,
      );
    if (!isCurrency(currency))
      throw new HaiPayConfigError(
        `listMethods: currency must be THB, TWD, USD or VND (got ${String(currency)}).`,
      );
    return { method: method as PaymentMethod, amount, currency };
  });
}

/** Prices every enabled method, through `listMethods` when given, else one `resolveOrder` per method. */
async function price(config: RouterConfig, req: Request, orderRef: string | undefined): Promise<Priced[]> {
  const { options, methods } = config;
  if (options.listMethods) {
    const listed = await orRefused(() => options.listMethods!(req, orderRef));
    if ('refused' in listed) return [listed];
    return checkListed(listed).filter((p) => methods.includes(p.method));
  }
  return Promise.all(
    methods.map(async (method): Promise<Priced> => {
      const body: Record<string, unknown> = orderRef === undefined ? { method } : { method, orderRef };
      const order = await orRefused(() => options.resolveOrder(req, body));
      if ('refused' in order) return order;
      const { amount, currency } = checkResolved(order, 'resolveOrder');
      return { method, amount, currency };
    }),
  );
}

/** The `GET /methods` handler (mounted behind the browser guard and the create routes' rate limit). */
export function methodsRoute(config: RouterConfig): RequestHandler {
  return async (req: Request, res: Response, next: NextFunction) => {
    try {
      const orderRef: unknown = req.query.orderRef;
      if (orderRef !== undefined && (typeof orderRef !== 'string' || orderRef.length > 100)) {
        throw new HaiPayValidationError('Some fields are invalid.', [
          {
            field: 'orderRef',
            code: 'invalid_format',
            message: 'orderRef must be one string of at most 100 characters.',
          },
        ]);
      }
      const priced = await price(config, req, orderRef);
      const offers = priced.filter((p): p is MethodPrice => !('refused' in p));
      const refusal = priced.find((p): p is { refused: string } => 'refused' in p);
      // Every method refused: the order itself is unknown or refused (e.g. an expired cart).
      if (offers.length === 0 && refusal) throw new HttpError(400, 'order_rejected', refusal.refused);
      // With cardMode `hosted` the card is typed on HaiPay's page: the drop-in sends the shopper there.
      const hosted = config.cardMode === 'hosted';
      const methods = offers
        .filter((p) => payable(config, p))
        .map(({ method, amount, currency }) =>
          hosted && method === 'card' ? { method, amount, currency, hosted } : { method, amount, currency },
        );
      res.json({ methods });
    } catch (err) {
      next(err);
    }
  };
}
