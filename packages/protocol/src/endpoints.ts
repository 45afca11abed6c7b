/**
 * The endpoint registry shared by the client, the sandbox and the companion.
 *
 * Every HaiPay endpoint the kit uses is listed once in {@link ENDPOINTS} with its path, currency scope,
 * request schema and response-`data` schema; the client's methods and the sandbox's routes are derived
 * from it. The request validator built on it is in `validate-request.ts`. Decisions: docs/protocol.md
 * ("Field rules", "Error codes").
 */
import type { z } from 'zod';
import { CURRENCIES, type Currency } from './rules/currency.js';
import {
  collectApplyRequestSchema,
  collectApplyResponseSchema,
  collectQueryRequestSchema,
  collectQueryResponseSchema,
} from './schemas/collect.js';
import {
  REFUND_CURRENCIES,
  refundApplyRequestSchema,
  refundQueryRequestSchema,
  refundResponseSchema,
} from './schemas/refund.js';
import {
  PAYOUT_CURRENCIES,
  accountLedgerRequestSchema,
  accountLedgerResponseSchema,
  payApplyRequestSchema,
  payApplyResponseSchema,
  payQueryRequestSchema,
  payQueryResponseSchema,
} from './schemas/payout.js';
import {
  subscriptionApplyRequestSchema,
  subscriptionApplyResponseSchema,
  subscriptionCancelResponseSchema,
  subscriptionNoRequestSchema,
  subscriptionQueryResponseSchema,
} from './schemas/subscription.js';
import {
  cashierApplyRequestSchema,
  cashierApplyResponseSchema,
  cashierQueryRequestSchema,
  cashierQueryResponseSchema,
} from './schemas/cashier.js';

/** One endpoint of the registry. */
export interface EndpointDefinition {
  /** The registry key. */
  readonly id: EndpointId;
  /** Path currencies the endpoint exists for, or `null` when the path has no currency segment. */
  readonly currencies: readonly Currency[] | null;
  /**
   * The request path. Endpoints with a currency segment need `currency` (any case; rendered lower
   * case) unless only one currency exists; a currency the endpoint does not serve throws a TypeError.
   */
  path(currency?: string): string;
  /** The request body schema (generic shape for `collectApply`; see `collectApplyRequestSchemaFor`). */
  readonly request: z.ZodType;
  /** The schema of the response envelope's `data`. */
  readonly response: z.ZodType;
  /**
   * True for an endpoint that creates something at HaiPay (an apply): never sent twice — when its
   * outcome is unknown, the order is settled by query (docs/protocol.md §1 "Idempotency"). Queries (and
   * a subscription cancel, which is harmless to repeat: `4014 already end status`) may be retried.
   */
  readonly creates: boolean;
  /** The request field holding the merchant's id of what an apply creates (`orderId`, `subscriptionOrderId`). */
  readonly orderIdField?: string;
}

function currencyPath(suffix: string, currencies: readonly Currency[]) {
  return (currency?: string): string => {
    const c =
      currency === undefined ? (currencies.length === 1 ? currencies[0] : undefined) : currency.toUpperCase();
    if (c === undefined || !(currencies as readonly string[]).includes(c)) {
      throw new TypeError(
        `/${suffix} needs a path currency among ${currencies.join(', ')} (got ${JSON.stringify(currency)})`,
      );
    }
    return `/${c.toLowerCase()}/${suffix}`;
  };
}

const fixedPath = (path: string) => (): string => path;

/**
 * Every endpoint the kit uses, by id (reference §3). `collectQuery` serves every currency; refunds are
 * USD only (card, reference §3.2); payouts are THB, USD and VND (TWD has no payout product, §5);
 * subscriptions and the global cashier have no currency segment. docs/protocol.md "Refund and payout
 * currencies".
 */
export const ENDPOINTS = {
  collectApply: {
    id: 'collectApply',
    currencies: CURRENCIES,
    path: currencyPath('collect/apply', CURRENCIES),
    request: collectApplyRequestSchema,
    response: collectApplyResponseSchema,
    creates: true,
    orderIdField: 'orderId',
  },
  collectQuery: {
    id: 'collectQuery',
    currencies: CURRENCIES,
    path: currencyPath('collect/query', CURRENCIES),
    request: collectQueryRequestSchema,
    response: collectQueryResponseSchema,
    creates: false,
  },
  refundApply: {
    id: 'refundApply',
    currencies: REFUND_CURRENCIES,
    path: currencyPath('refund/apply', REFUND_CURRENCIES),
    request: refundApplyRequestSchema,
    response: refundResponseSchema,
    creates: true,
    orderIdField: 'orderId',
  },
  refundQuery: {
    id: 'refundQuery',
    currencies: REFUND_CURRENCIES,
    path: currencyPath('refund/refundQuery', REFUND_CURRENCIES),
    request: refundQueryRequestSchema,
    response: refundResponseSchema,
    creates: false,
  },
  payApply: {
    id: 'payApply',
    currencies: PAYOUT_CURRENCIES,
    path: currencyPath('pay/apply', PAYOUT_CURRENCIES),
    request: payApplyRequestSchema,
    response: payApplyResponseSchema,
    creates: true,
    orderIdField: 'orderId',
  },
  payQuery: {
    id: 'payQuery',
    currencies: PAYOUT_CURRENCIES,
    path: currencyPath('pay/query', PAYOUT_CURRENCIES),
    request: payQueryRequestSchema,
    response: payQueryResponseSchema,
    creates: false,
  },
  accountLedger: {
    id: 'accountLedger',
    currencies: CURRENCIES,
    path: currencyPath('account/ledger', CURRENCIES),
    request: accountLedgerRequestSchema,
    response: accountLedgerResponseSchema,
    creates: false,
  },
  subscriptionApply: {
    id: 'subscriptionApply',
    currencies: null,
    path: fixedPath('/subscription/apply'),
    request: subscriptionApplyRequestSchema,
    response: subscriptionApplyResponseSchema,
    creates: true,
    orderIdField: 'subscriptionOrderId',
  },
  subscriptionQuery: {
    id: 'subscriptionQuery',
    currencies: null,
    path: fixedPath('/subscription/query'),
    request: subscriptionNoRequestSchema,
    response: subscriptionQueryResponseSchema,
    creates: false,
  },
  subscriptionCancel: {
    id: 'subscriptionCancel',
    currencies: null,
    path: fixedPath('/subscription/cancel'),
    request: subscriptionNoRequestSchema,
    response: subscriptionCancelResponseSchema,
    creates: false,
  },
  cashierApply: {
    id: 'cashierApply',
    currencies: null,
    path: fixedPath('/global/cashier/collect/apply'),
    request: cashierApplyRequestSchema,
    response: cashierApplyResponseSchema,
    creates: true,
    orderIdField: 'orderId',
  },
  cashierQuery: {
    id: 'cashierQuery',
    currencies: null,
    path: fixedPath('/global/cashier/collect/query'),
    request: cashierQueryRequestSchema,
    response: cashierQueryResponseSchema,
    creates: false,
  },
} as const satisfies Record<string, EndpointDefinition>;

/** The id of an endpoint in {@link ENDPOINTS}. */
export type EndpointId =
  | 'collectApply'
  | 'collectQuery'
  | 'refundApply'
  | 'refundQuery'
  | 'payApply'
  | 'payQuery'
  | 'accountLedger'
  | 'subscriptionApply'
  | 'subscriptionQuery'
  | 'subscriptionCancel'
  | 'cashierApply'
  | 'cashierQuery';

/** Every endpoint id, in registry order. */
export const ENDPOINT_IDS = Object.keys(ENDPOINTS) as EndpointId[];

/**
 * Finds the endpoint served at a request path (`/thb/collect/apply`, `/subscription/query`, …), with
 * its path currency (upper case). Query strings and a trailing slash are ignored; the currency segment
 * is matched case-insensitively.
 *
 * @returns `undefined` when no endpoint of the registry lives there
 */
export function matchEndpointPath(path: string): { id: EndpointId; currency: Currency | null } | undefined {
  const trimmed = path.split(/[?#]/)[0]?.replace(/\/+$/, '') ?? '';
  // Only the currency segment is case-insensitive (`/USD/refund/refundQuery`); the rest is exact.
  const clean = trimmed.replace(/^\/([A-Za-z]{3})\//, (_m, c: string) => `/${c.toLowerCase()}/`);
  for (const id of ENDPOINT_IDS) {
    const def: EndpointDefinition = ENDPOINTS[id];
    if (def.currencies === null) {
      if (def.path() === clean) return { id, currency: null };
      continue;
    }
    for (const c of def.currencies) {
      if (def.path(c) === clean) return { id, currency: c };
    }
  }
  return undefined;
}
