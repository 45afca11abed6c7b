/**
 * Readiness: whether this process can take payments now — its store answers a read, and its merchant
 * keys are loaded. It is what `router.ready()` returns and what the admin router's `GET /health`
 * answers (200 when ready, 503 when not). It names the merchants whose keys are loaded and never a
 * key, a secret, a connection string or a driver's error text (those go to the log).
 */
import type { HaiPayClient } from '../client.js';
import type { Logger } from '../logger.js';
import type { PaymentStore } from '../store/types.js';

/** What a readiness check found. */
export interface Readiness {
  /** True when every part below is `ok`. */
  ready: boolean;
  /** The store answered a read within the time allowed (`error`: `timeout` or `unavailable`). */
  store: { ok: boolean; error?: 'timeout' | 'unavailable' };
  /**
   * The merchant keys: loaded and checked when the client was built (a key that does not parse never
   * gets this far), named by merchant (`THB`, `USD`, `CASHIER`, …).
   */
  keys: { ok: boolean; merchants: readonly string[] };
  /** When it was checked (ISO 8601). */
  checkedAt: string;
}

/** An order id no order has: reading it costs one indexed lookup. */
const PROBE_ORDER_ID = 'hp_readiness_probe';

/** Checks the store (one read, at most `timeoutMs`) and the client's keys. */
export async function checkReadiness(
  deps: { store: PaymentStore; client: HaiPayClient; logger: Logger; now?: () => number },
  timeoutMs = 2_000,
): Promise<Readiness> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), timeoutMs);
  });
  let store: Readiness['store'];
  try {
    const read = deps.store.get(PROBE_ORDER_ID).then(() => 'ok' as const);
    const result = await Promise.race([read, timedOut]);
    store = result === 'ok' ? { ok: true } : { ok: false, error: 'timeout' };
    // A read that loses the race and fails later is not an unhandled rejection.
    read.catch(() => undefined);
  } catch (err) {
    deps.logger.error('haipay readiness: the store did not answer', { message: (err as Error)?.message });
    store = { ok: false, error: 'unavailable' };
  } finally {
    clearTimeout(timer);
  }
  if (store.error === 'timeout')
    deps.logger.warn('haipay readiness: the store did not answer in time', { timeoutMs });
  const merchants = deps.client.config.merchantKeys;
  const keys = { ok: merchants.length > 0, merchants };
  return {
    ready: store.ok && keys.ok,
    store,
    keys,
    checkedAt: new Date((deps.now ?? Date.now)()).toISOString(),
  };
}
