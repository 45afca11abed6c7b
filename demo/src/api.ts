/**
 * The storefront's calls to its own server: the catalog and cart (`/api`), the HaiPay companion router
 * (`/haipay`) for the methods that have no form element, and the demo back office (`/api/admin`).
 */
import type { PaymentView } from '@haipay-kit/protocol/rules';

export const HAIPAY_ENDPOINT = '/haipay';

export type Currency = 'USD' | 'THB' | 'TWD';

interface CatalogProduct {
  id: string;
  prices: Record<Currency, string>;
}
interface CatalogPlan {
  id: string;
  amount: string;
  currency: 'USD';
  periodUnit: string;
  periodCount: number;
}
export interface Catalog {
  products: CatalogProduct[];
  plans: CatalogPlan[];
  /** How the shop takes cards (the router's `cardMode`): the subscription's card form is told. */
  cardMode: 'hosted' | 'direct';
}

interface PricedLine {
  id: string;
  qty: number;
  unit: string;
  total: string;
}
export interface Checkout {
  orderRef: string;
  totals: Record<Currency, { lines: PricedLine[]; total: string }>;
}

// The companion contract is defined once, in @haipay-kit/protocol/rules (types only).
export type { PaymentView } from '@haipay-kit/protocol/rules';

export interface Buyer {
  name: string;
  email: string;
  phone: string;
}

/** A refused call: `body` is the server's JSON answer (`{ error: { type, message, fields? } }`). */
export class ApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly body: unknown,
  ) {
    super(message);
  }
}

async function call<T>(url: string, init: RequestInit = {}): Promise<T> {
  const res = await fetch(url, {
    ...init,
    headers: {
      Accept: 'application/json',
      ...(init.body ? { 'Content-Type': 'application/json' } : {}),
      ...init.headers,
    },
    credentials: 'same-origin',
    cache: 'no-store',
  });
  const text = await res.text();
  let body: unknown;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    body = text;
  }
  if (!res.ok) {
    const err = (body as { error?: { message?: string; fields?: { message: string }[] } } | undefined)?.error;
    const detail = err?.fields?.map((f) => f.message).join(' ') || err?.message || `HTTP ${res.status}`;
    throw new ApiError(detail, res.status, body);
  }
  return body as T;
}

const post = <T>(url: string, body: unknown, headers: Record<string, string> = {}): Promise<T> =>
  call<T>(url, { method: 'POST', body: JSON.stringify(body), headers });

export const api = {
  catalog: () => call<Catalog>('/api/catalog'),
  checkout: (items: readonly { id: string; qty: number }[]) => post<Checkout>('/api/checkout', { items }),
  getCheckout: (orderRef: string) => call<Checkout>(`/api/checkout/${encodeURIComponent(orderRef)}`),
  /** Starts a payment for a method that has no form element (QR, bank transfer, redirects). */
  createPayment: (method: string, orderRef: string, buyer: Buyer, idempotencyKey: string) =>
    post<PaymentView>(
      `${HAIPAY_ENDPOINT}/payments`,
      { method, orderRef, ...buyer },
      { 'Idempotency-Key': idempotencyKey },
    ),
  payment: (orderId: string) =>
    call<PaymentView>(`${HAIPAY_ENDPOINT}/payments/${encodeURIComponent(orderId)}`),
  order: (orderId: string) => call<DemoOrder>(`/api/orders/${encodeURIComponent(orderId)}`),
  subscription: (id: string) => call<DemoSubscription>(`/api/subscriptions/${encodeURIComponent(id)}`),
  cancelSubscription: (id: string) =>
    post<unknown>(`${HAIPAY_ENDPOINT}/subscriptions/${encodeURIComponent(id)}/cancel`, {}),
  sandboxInfo: () => call<SandboxInfo>('/api/sandbox'),
  /** The demo back office: the kit's admin API (`createHaiPayAdminRouter`) at `/api/admin`. */
  admin: {
    /**
     * One page of orders, newest first; `cursor` is the previous page's `nextCursor` (keyset paging),
     * `status` a comma-separated list of the statuses to show (all when absent).
     */
    orders: (limit: number, cursor?: string, status?: string) =>
      call<{ data: AdminOrder[]; nextCursor: string | null }>(
        `/api/admin/orders?limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}${
          status ? `&status=${encodeURIComponent(status)}` : ''
        }`,
      ),
    order: (orderId: string) => call<AdminOrderDetail>(`/api/admin/orders/${encodeURIComponent(orderId)}`),
    /** A refund or payout, asking HaiPay first while it is not final. */
    transfer: (id: string) =>
      call<{ transfer: AdminTransfer }>(`/api/admin/transfers/${encodeURIComponent(id)}?refresh=1`),
    balances: () => call<{ data: Balance[] }>('/api/admin/balances'),
    payouts: () => call<{ data: AdminTransfer[] }>('/api/admin/payouts?limit=20'),
    refund: (orderId: string, idempotencyKey: string) =>
      post<{ refund: AdminTransfer }>(
        `/api/admin/orders/${encodeURIComponent(orderId)}/refund`,
        { reason: 'Refunded from the demo back office' },
        { 'Idempotency-Key': idempotencyKey },
      ),
    payout: (request: Record<string, string>, idempotencyKey: string) =>
      post<{ payout: AdminTransfer }>('/api/admin/payouts', request, { 'Idempotency-Key': idempotencyKey }),
    advanceClock: (ms: number) => post<{ now: string }>('/api/admin/clock', { ms }),
  },
};

export interface DemoOrder {
  payment: PaymentView;
  lines: PricedLine[];
  /** The shop's order number (as in HaiPay's subject), or null when the cart is gone. */
  reference: string | null;
}

export interface DemoSubscription {
  subscriptionId: string;
  status: string;
  amount: string;
  currency: string;
  subject: string;
  deductions: { at: string; amount: string; currency: string; status: string; orderNo: string }[];
}

export interface SandboxInfo {
  /** The sandbox's hosted bank-app page (to pay a QR or a transfer from another tab). */
  bankAppUrl: string;
}

/** An order as the admin API lists it (the stored record). */
export interface AdminOrder {
  orderId: string;
  orderNo: string | null;
  /** The shop's own reference the payment was made for (a cart's `orderRef`, a plan's id). */
  orderRef: string | null;
  kind: string;
  method: string;
  amount: string;
  currency: string;
  subject: string;
  status: string;
  failureReason: string | null;
  createdAt: string;
  updatedAt: string;
  version: number;
  final: boolean;
}
/** A refund or payout as the admin API shows it. */
export interface AdminTransfer {
  transferId: string;
  kind: 'refund' | 'payout';
  amount: string;
  currency: string;
  status: string;
  failureReason: string | null;
  createdAt: string;
}
/** One order with its notifications (verified bodies) and refunds. */
export interface AdminOrderDetail {
  order: AdminOrder;
  notifications: { receivedAt: string; outcome: string; verified: boolean; body: unknown }[];
  refunds: AdminTransfer[];
}
export interface Balance {
  currency: string;
  available: string;
  frozen: string;
  unsettled: string;
  total: string;
  /** HaiPay did not answer for this currency (the amounts are then absent). */
  error?: { type: string; message: string };
}

/** A fresh key per attempt; reused when the same attempt is retried (docs/contracts.md). */
export function newIdempotencyKey(): string {
  return typeof crypto.randomUUID === 'function'
    ? crypto.randomUUID()
    : Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, '0')).join('');
}
