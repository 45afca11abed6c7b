/**
 * The state one sandbox shares between its rooms (collections, payouts, refunds, subscriptions):
 * the records and the indexes that find them, the merchants and their signers, the sequence every
 * HaiPay number is minted from, the clock's tasks and the hand-off to the notifier. It lives apart
 * from the rules so that a record is only ever stored through here, which keeps every index in step
 * with its map: a lookup by merchant orderId, refund orderId, subscription orderId or account number
 * reads one map entry however many orders the sandbox holds.
 */
import { createSigner, type Signer } from '@haipay-kit/protocol/node';
import type { TaskHandle, VirtualClock } from './clock.js';
import type { MerchantConfig, SandboxConfig } from './config.js';
import type { FaultBook } from './faults.js';
import type { Ledgers } from './ledger.js';
import type { NotificationKind, Notifier } from './notifier.js';
import type { CollectOrder, Order, OrderStatus, Refund, Subscription } from './records.js';
import type { GatewayOptions } from './settings.js';
import { compact, localTime, orderFacts } from './wire.js';

/** Key of a per-merchant index: an appId and an id the merchant chose (appIds hold no `:`). */
const merchantKey = (appId: number, id: string) => `${appId}:${id}`;

/** A notification as a room hands it over; `endpoint` (the creating path) picks the notification faults. */
export interface Notice {
  kind: NotificationKind;
  orderNo: string;
  appId: number;
  url: string | undefined;
  endpoint: string;
  /** Fields left undefined are not sent. */
  payload: Record<string, unknown>;
  /** Other numbers the notification concerns (a deduction's subscriptionNo). */
  refs?: string[];
}

/** The records of one sandbox, their indexes, numbering, tasks and notifications. */
export class SandboxState {
  readonly merchants: ReadonlyMap<number, MerchantConfig>;
  readonly #orders = new Map<string, Order>();
  /** Orders by merchant orderId: one per appId and kind at most (4005), so a few entries per id. */
  readonly #ordersByOrderId = new Map<string, Order[]>();
  /** Collection orders by the virtual account they show (the bank app pays by account number). */
  readonly #ordersByBankNo = new Map<string, CollectOrder>();
  readonly #refunds = new Map<string, Refund>();
  readonly #refundsByOrderId = new Map<string, Refund>();
  readonly #subscriptions = new Map<string, Subscription>();
  readonly #subscriptionsByOrderId = new Map<string, Subscription>();
  readonly #signers = new Map<number, Signer>();
  readonly #tasks = new Map<string, TaskHandle>();
  #seq = 0;

  constructor(
    readonly config: SandboxConfig,
    readonly clock: VirtualClock,
    readonly notifier: Notifier,
    readonly faults: FaultBook,
    readonly options: GatewayOptions,
  ) {
    this.merchants = new Map(config.merchants.map((m) => [m.appId, m]));
    for (const m of config.merchants)
      this.#signers.set(
        m.appId,
        createSigner({ privateKey: config.platform.privateKey, secretKey: m.secretKey }),
      );
  }

  // ---------------------------------------------------------------- records and indexes

  /** Collection and payout orders by `orderNo`, oldest first. */
  get orders(): ReadonlyMap<string, Order> {
    return this.#orders;
  }

  /** Refunds by `refundNo`. */
  get refunds(): ReadonlyMap<string, Refund> {
    return this.#refunds;
  }

  /** Subscriptions by `subscriptionNo`. */
  get subscriptions(): ReadonlyMap<string, Subscription> {
    return this.#subscriptions;
  }

  addOrder(order: Order): void {
    this.#orders.set(order.orderNo, order);
    const same = this.#ordersByOrderId.get(order.orderId);
    if (same) same.push(order);
    else this.#ordersByOrderId.set(order.orderId, [order]);
  }

  /** Indexes a collection order's `bankNo` once it has one (the latest order wins a reused number). */
  addBankAccount(order: CollectOrder): void {
    if (order.bankNo) this.#ordersByBankNo.set(order.bankNo, order);
  }

  addRefund(refund: Refund): void {
    this.#refunds.set(refund.refundNo, refund);
    this.#refundsByOrderId.set(merchantKey(refund.appId, refund.orderId), refund);
  }

  addSubscription(s: Subscription): void {
    this.#subscriptions.set(s.subscriptionNo, s);
    this.#subscriptionsByOrderId.set(merchantKey(s.appId, s.subscriptionOrderId), s);
  }

  /**
   * A collection or payout order of `appId` by `orderNo` (and `orderId`, when both are given: they
   * must agree), or by `orderId` alone.
   */
  findOrder<K extends Order['kind']>(
    kind: K,
    appId: number,
    orderId?: string,
    orderNo?: string,
  ): Extract<Order, { kind: K }> | undefined {
    const mine = (o: Order | undefined): o is Extract<Order, { kind: K }> =>
      o !== undefined && o.kind === kind && o.appId === appId;
    if (orderNo) {
      const o = this.#orders.get(orderNo);
      return mine(o) && (!orderId || o.orderId === orderId) ? o : undefined;
    }
    if (orderId === undefined) return undefined;
    return this.#ordersByOrderId.get(orderId)?.find(mine);
  }

  /** Every order with this merchant orderId (any appId, any kind), oldest first. */
  ordersWithOrderId(orderId: string): readonly Order[] {
    return this.#ordersByOrderId.get(orderId) ?? [];
  }

  /** The collection order showing this virtual account number. */
  orderByBankNo(bankNo: string): CollectOrder | undefined {
    return this.#ordersByBankNo.get(bankNo);
  }

  /** A refund of `appId` by the refund's own merchant `orderId`. */
  findRefund(appId: number, orderId: string): Refund | undefined {
    return this.#refundsByOrderId.get(merchantKey(appId, orderId));
  }

  /** A subscription of `appId` by `subscriptionOrderId`. */
  findSubscription(appId: number, subscriptionOrderId: string): Subscription | undefined {
    return this.#subscriptionsByOrderId.get(merchantKey(appId, subscriptionOrderId));
  }

  // ---------------------------------------------------------------- merchants, numbers and time

  /** The platform signer for a merchant (platform private key + that merchant's secret, §2.3). */
  signer(appId: number): Signer {
    const s = this.#signers.get(appId);
    if (!s) throw new Error(`no merchant ${appId}`);
    return s;
  }

  /** A new HaiPay number: `prefix`, the local `yyMMddHH` of `currency`, then the sequence on `digits` digits. */
  mint(prefix: string, digits: number, currency = 'USD'): string {
    const stamp = localTime(this.clock.now(), currency).replace(/\D/g, '').slice(2, 10);
    return `${prefix}${stamp}${String(++this.#seq).padStart(digits, '0')}`;
  }

  /** The lifecycle fields of an order created now in `status`. */
  opened(status: OrderStatus): Pick<Order, 'createdAt' | 'updatedAt' | 'history'> {
    const now = this.clock.now();
    return { createdAt: now, updatedAt: now, history: [{ status, at: this.#iso() }] };
  }

  /** Moves an order's status; statuses only move forward: 0 → 1 → 2|3 (docs/protocol.md §3.1). */
  setStatus(order: Order, status: OrderStatus): void {
    if (status <= order.status && !(order.status === 0 && status === 0)) return;
    order.status = status;
    order.updatedAt = this.clock.now();
    order.history.push({ status, at: this.#iso() });
  }

  #iso(): string {
    return this.clock.date().toISOString();
  }

  // ---------------------------------------------------------------- tasks and notifications

  /** Runs `run` at virtual time `at`, replacing the task already under `key`. */
  schedule(key: string, at: number, label: string, run: () => unknown): void {
    this.#tasks.get(key)?.cancel();
    this.#tasks.set(
      key,
      this.clock.schedule(at, label, () => {
        this.#tasks.delete(key);
        return run();
      }),
    );
  }

  unschedule(key: string): void {
    this.#tasks.get(key)?.cancel();
    this.#tasks.delete(key);
  }

  /** Signs and queues a notification, with the notification faults of the endpoint that created it. */
  notify(n: Notice): void {
    this.notifier.notify({
      kind: n.kind,
      orderNo: n.orderNo,
      refs: n.refs ?? [],
      appId: n.appId,
      url: n.url,
      payload: compact(n.payload),
      signer: this.signer(n.appId),
      faults: this.faults.takeNotificationFaults(n.endpoint),
    });
  }

  /**
   * Notifies an order's final state (§7): `appId`, `currency`, then its facts (see `orderFacts`: the
   * `amounts` given, `payTime` in `zone`'s local time) and any `extra` fields of its kind.
   */
  notifyOrder(
    order: Order,
    amounts: Record<string, number>,
    zone: string,
    extra: Record<string, unknown> = {},
  ): void {
    this.notify({
      kind: order.kind,
      orderNo: order.orderNo,
      appId: order.appId,
      url: order.notifyUrl,
      endpoint: order.endpoint,
      payload: {
        appId: order.appId,
        currency: order.currency,
        ...orderFacts(order, amounts, zone),
        ...extra,
      },
    });
  }

  /** Stops every scheduled task (sandbox close). */
  stop(): void {
    for (const t of this.#tasks.values()) t.cancel();
    this.#tasks.clear();
  }
}

/** What every room (collections, payouts, refunds, subscriptions) works on: this state and the ledger. */
export abstract class Room {
  constructor(
    readonly state: SandboxState,
    readonly ledger: Ledgers,
  ) {}
}
