/**
 * What the checkout's rooms share: the options (read live — a test or an operator may change a hook or
 * a lease on a running checkout), the store, the clock, and the change announcement that feeds the
 * status streams.
 */
import type { Telemetry } from '../metrics.js';
import type { PaymentRecord, PaymentStore } from '../store/types.js';
import type { CheckoutOptions } from './types.js';

/** The shared state of one checkout. */
export interface CheckoutContext {
  readonly options: CheckoutOptions;
  readonly store: PaymentStore;
  /** Milliseconds since the epoch, from `options.now` (default `Date.now`). */
  now(): number;
  /**
   * The time to stamp hook claims with: the injected clock when there is one, else `undefined`, so a
   * shared store times leases on its own clock (PostgreSQL: the database's, the same for all instances).
   */
  leaseNow(): number | undefined;
  /** Where metrics and spans go (the options' providers, else the global ones). */
  readonly telemetry: Telemetry;
  /** Announces a visible change made by this process (the status streams listen). */
  emit(record: PaymentRecord | null): void;
}
