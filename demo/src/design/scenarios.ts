/**
 * Every state the design-review page (`/design`) shows, in one table read by both sides: the page
 * (demo/src/design/) draws one frame per state, and the fake companion (demo/server/design.ts) answers
 * each state's endpoint, `/design-api/<state id>`, with fixed bodies. Nothing depends on timing: a
 * state is reached by what the companion answers and, for the card form, by what a shopper types and
 * presses. Countdowns run against the fake companion's fixed clock (`DESIGN_NOW`, sent as its `Date`
 * header), so "time left" is the same on every load; only a page left open ticks it down.
 */
import type { PaymentView } from '@haipay-kit/protocol/rules';

/** The fake companion's clock: every answer carries it as `Date`, every deadline is counted from it. */
export const DESIGN_NOW = Date.UTC(2026, 2, 14, 2, 0, 0); // 09:00 in Bangkok

export type DesignElement = 'card' | 'qr' | 'bank' | 'subscription' | 'checkout';

/** What the page does to reach a card-form state: press Pay on an empty form, with bad input, or valid input. */
export type DesignAction = 'submit-invalid' | 'submit-valid';

/** How the fake companion answers `POST /payments` for a state. */
type DesignPost = 'hold' | 'redirect' | 'declined' | 'disconnect';

export interface DesignState {
  /** Unique, URL-safe: the frame's `data-state`, the endpoint `/design-api/<id>` and the reference image's name. */
  id: string;
  element: DesignElement;
  /** English caption (the gallery's own chrome is English; the elements follow the chosen locale). */
  label: string;
  /** The payment's status as `GET /payments/:orderId` reports it; the element is given an `order-id`. */
  status?: PaymentView['status'];
  /** `GET /payments/:orderId` fails with 503: the companion cannot be reached. */
  offline?: boolean;
  /** Deadline, counted from DESIGN_NOW, for pending QR and bank-transfer states. */
  expiresInMs?: number;
  action?: DesignAction;
  post?: DesignPost;
  /**
   * `<haipay-checkout>`: how `GET …/methods` answers (the offers below, never, 503, or an empty list),
   * and the method the page preselects.
   */
  methods?: 'offers' | 'hold' | 'offline';
  method?: string;
  /**
   * What shows once the state is reached, for a state that gets there after the page is ready (the
   * checkout loads its methods, then the chosen method's tag): a selector that pierces shadow roots
   * the way Playwright's locators do.
   */
  ready?: string;
  /** Subscription panel states; `confirming`: Cancel was pressed once and the panel asks. */
  subscription?: 'active' | 'cancelled';
  confirming?: boolean;
}

const MIN = 60_000;

export const DESIGN_STATES: readonly DesignState[] = [
  {
    id: 'checkout-loading',
    element: 'checkout',
    label: 'Loading the methods',
    methods: 'hold',
    ready: '[part=status][role=status]',
  },
  {
    id: 'checkout-card',
    element: 'checkout',
    label: 'Card chosen',
    methods: 'offers',
    method: 'card',
    ready: 'haipay-card-form [part~=submit-button]',
  },
  {
    id: 'checkout-promptpay',
    element: 'checkout',
    label: 'PromptPay chosen, not started',
    methods: 'offers',
    method: 'promptpay',
    ready: '[part=pay-button]',
  },
  {
    id: 'checkout-store',
    element: 'checkout',
    label: 'Taiwanese store chosen',
    methods: 'offers',
    method: 'twd-store-ibon',
    ready: '[part=pay-button]',
  },
  {
    id: 'checkout-offline',
    element: 'checkout',
    label: 'Offline',
    methods: 'offline',
    ready: '[role=alert]',
  },
  { id: 'card-idle', element: 'card', label: 'Idle' },
  { id: 'card-field-errors', element: 'card', label: 'Field errors', action: 'submit-invalid' },
  { id: 'card-submitting', element: 'card', label: 'Submitting', action: 'submit-valid', post: 'hold' },
  {
    id: 'card-3ds-redirecting',
    element: 'card',
    label: '3-D Secure redirecting',
    action: 'submit-valid',
    post: 'redirect',
  },
  { id: 'card-declined', element: 'card', label: 'Declined', action: 'submit-valid', post: 'declined' },
  { id: 'card-offline', element: 'card', label: 'Offline', action: 'submit-valid', post: 'disconnect' },
  { id: 'card-paid', element: 'card', label: 'Paid (return page)', status: 'succeeded' },
  { id: 'card-failed', element: 'card', label: 'Failed (return page)', status: 'failed' },
  { id: 'card-unknown', element: 'card', label: 'Outcome unknown (return page)', status: 'unknown' },
  { id: 'qr-pending', element: 'qr', label: 'Pending', status: 'pending', expiresInMs: 15 * MIN },
  { id: 'qr-expiring', element: 'qr', label: 'Expiring soon', status: 'pending', expiresInMs: 45_000 },
  { id: 'qr-expired', element: 'qr', label: 'Expired', status: 'expired' },
  { id: 'qr-paid', element: 'qr', label: 'Paid', status: 'succeeded' },
  { id: 'qr-failed', element: 'qr', label: 'Failed', status: 'failed' },
  { id: 'qr-review', element: 'qr', label: 'Paid after closing (review)', status: 'review' },
  { id: 'qr-offline', element: 'qr', label: 'Offline', offline: true },
  { id: 'qr-unknown', element: 'qr', label: 'Outcome unknown', status: 'unknown', expiresInMs: 15 * MIN },
  { id: 'bank-pending', element: 'bank', label: 'Pending', status: 'pending', expiresInMs: 24 * 60 * MIN },
  { id: 'bank-expiring', element: 'bank', label: 'Expiring soon', status: 'pending', expiresInMs: 45_000 },
  { id: 'bank-expired', element: 'bank', label: 'Expired', status: 'expired' },
  { id: 'bank-paid', element: 'bank', label: 'Paid', status: 'succeeded' },
  { id: 'bank-failed', element: 'bank', label: 'Failed', status: 'failed' },
  { id: 'bank-offline', element: 'bank', label: 'Offline', offline: true },
  { id: 'bank-unknown', element: 'bank', label: 'Outcome unknown', status: 'unknown', expiresInMs: 60 * MIN },
  { id: 'subscription-active', element: 'subscription', label: 'Active', subscription: 'active' },
  {
    id: 'subscription-confirm-cancel',
    element: 'subscription',
    label: 'Asking before cancelling',
    subscription: 'active',
    confirming: true,
  },
  { id: 'subscription-cancelled', element: 'subscription', label: 'Cancelled', subscription: 'cancelled' },
];

/** The order id each state's element is given (only states with a `status` or `offline`). */
export const designOrderId = (state: DesignState): string => `hp_design_${state.id.replace(/-/g, '_')}`;

const METHOD: Record<
  'card' | 'qr' | 'bank',
  Pick<PaymentView, 'method' | 'amount' | 'currency' | 'subject'>
> = {
  card: { method: 'card', amount: '24.50', currency: 'USD', subject: 'Saeng Coffee order 7QK2MD (2 items)' },
  qr: {
    method: 'promptpay',
    amount: '890.00',
    currency: 'THB',
    subject: 'Saeng Coffee order 7QK2MD (2 items)',
  },
  bank: {
    method: 'bank-transfer',
    amount: '1250.00',
    currency: 'THB',
    subject: 'Saeng Coffee order 7QK2MD (2 items)',
  },
};

/** What `GET …/methods` offers in the checkout states: the demo shop's methods and its cart's prices. */
export const DESIGN_OFFERS = [
  { method: 'card', amount: '24.50', currency: 'USD' },
  { method: 'promptpay', amount: '890.00', currency: 'THB' },
  { method: 'bank-transfer', amount: '890.00', currency: 'THB' },
  { method: 'truemoney', amount: '890.00', currency: 'THB' },
  { method: 'twd-store-ibon', amount: '790', currency: 'TWD' },
  { method: 'twd-store-fami', amount: '790', currency: 'TWD' },
] as const;

/** A PromptPay payload of the sandbox's shape (EMVCo, 890.00 THB). */
const PROMPTPAY =
  '00020101021230550016A00000067701011201150107536000315080214HPDESIGN0000010320DESIGN000000000000015303764540689' +
  '0.005802TH6304';

/** The fixed `PaymentView` the fake companion answers for a state (and for its POST, where there is one). */
export function designView(state: DesignState, status = state.status ?? 'pending'): PaymentView {
  const kind = state.element === 'qr' || state.element === 'bank' ? state.element : 'card';
  const next: PaymentView['next'] =
    status !== 'pending' && status !== 'unknown'
      ? { type: 'wait' }
      : kind === 'qr'
        ? { type: 'qr', payload: PROMPTPAY }
        : kind === 'bank'
          ? {
              type: 'bank',
              bankNo: '1234567890',
              bankCode: 'KBANK',
              accountName: 'Saeng Coffee Roasters Co., Ltd.',
              reference: 'SCR7QK2MD',
            }
          : { type: 'wait' };
  return {
    orderId: designOrderId(state),
    orderNo: 'HP2603140000001',
    status,
    ...METHOD[kind],
    ...(state.expiresInMs !== undefined
      ? { expiresAt: new Date(DESIGN_NOW + state.expiresInMs).toISOString() }
      : {}),
    next,
    failureReason: status === 'failed' ? 'declined' : null,
    updatedAt: new Date(DESIGN_NOW).toISOString(),
  };
}
