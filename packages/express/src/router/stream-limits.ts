/** The status streams' limits (router option `streams`) and their defaults. */
import { HaiPayConfigError } from '../errors.js';

/** Limits of the status streams (router option `streams`). */
export interface StreamLimits {
  /** Open streams per client (IP; IPv6 by /64). Default 32. Above it: `429 too_many_streams`. */
  perClient?: number;
  /** Open streams per order. Default 8. Above it: `429 too_many_streams`. */
  perOrder?: number;
  /**
   * Open streams in this process. Default 2000; keep it under the process's file-descriptor limit
   * (`ulimit -n`). Above it: `503 server_busy` (the elements fall back to polling).
   */
  total?: number;
  /** A stream is closed after this long; the browser reconnects at once. Default 600000 (10 min). */
  maxLifetimeMs?: number;
  /**
   * At most one stale watched order is re-queried from HaiPay per this interval, the one checked longest
   * ago first (an order is stale after the router's `refreshAfterMs`). Default 1000.
   */
  refreshIntervalMs?: number;
  /**
   * Store reads per second for watched orders, at most (each watched order is read about once per the
   * router's `ssePollMs`, less often when more orders are watched than this allows). Default 250.
   */
  maxStorePollsPerSecond?: number;
}

/** The resolved limits. */
export function resolveStreamLimits(limits: StreamLimits = {}): Required<StreamLimits> {
  const out = {
    perClient: limits.perClient ?? 32,
    perOrder: limits.perOrder ?? 8,
    total: limits.total ?? 2000,
    maxLifetimeMs: limits.maxLifetimeMs ?? 600_000,
    refreshIntervalMs: limits.refreshIntervalMs ?? 1000,
    maxStorePollsPerSecond: limits.maxStorePollsPerSecond ?? 250,
  };
  for (const [k, v] of Object.entries(out)) {
    if (!Number.isInteger(v) || v < 1)
      throw new HaiPayConfigError(`streams.${k}: must be a positive integer (got ${String(v)}).`);
  }
  return out;
}
