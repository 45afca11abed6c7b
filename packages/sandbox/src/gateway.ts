/**
 * The sandbox's business core, assembled: one shared state (state.ts) and one ledger, and the rooms that
 * answer HaiPay's API calls on them the way HaiPay does (docs/protocol.md §3) — collections, payouts,
 * refunds, subscriptions. HTTP, envelopes and request faults live in server.ts; the rooms only see
 * validated, verified bodies. Besides the wiring, this is where any record is driven to its final state
 * by number, whatever its kind (the control API and `sandbox.complete`).
 */
import type { VirtualClock } from './clock.js';
import { Collections } from './collections.js';
import type { SandboxConfig } from './config.js';
import type { FaultBook } from './faults.js';
import { Ledgers } from './ledger.js';
import type { Notifier } from './notifier.js';
import { Payouts } from './payouts.js';
import { Refunds } from './refunds.js';
import type { GatewayOptions } from './settings.js';
import { SandboxState } from './state.js';
import { Subscriptions } from './subscriptions.js';

/** The state and the rooms of one sandbox. */
export class Gateway {
  readonly state: SandboxState;
  readonly ledger: Ledgers;
  readonly collections: Collections;
  readonly payouts: Payouts;
  readonly refunds: Refunds;
  readonly subscriptions: Subscriptions;

  constructor(
    config: SandboxConfig,
    clock: VirtualClock,
    notifier: Notifier,
    faults: FaultBook,
    options: GatewayOptions,
  ) {
    this.state = new SandboxState(config, clock, notifier, faults, options);
    this.ledger = new Ledgers(this.state, config.merchants);
    this.collections = new Collections(this.state, this.ledger);
    this.payouts = new Payouts(this.state, this.ledger);
    this.refunds = new Refunds(this.state, this.ledger);
    this.subscriptions = new Subscriptions(this.state, this.ledger);
  }

  /**
   * Drives an order, payout, refund or subscription authorization to its final state, as if the
   * shopper, the bank or the card network had answered: false when it was already final, undefined
   * when no record has this number.
   */
  complete(no: string, outcome: 'success' | 'failure', errorMsg?: string): boolean | undefined {
    const o = this.state.orders.get(no);
    if (o?.kind === 'collect') return this.collections.complete(o, outcome, errorMsg);
    if (o?.kind === 'payout') return this.payouts.complete(o, outcome, errorMsg);
    const r = this.state.refunds.get(no);
    if (r) return this.refunds.complete(r, outcome, errorMsg);
    const s = this.state.subscriptions.get(no);
    if (s) return this.subscriptions.authorize(s, outcome);
    return undefined;
  }

  /** Stops every scheduled task (sandbox close). */
  stop(): void {
    this.state.stop();
  }
}
