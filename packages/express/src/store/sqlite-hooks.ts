/**
 * The SQLite store's merchant-hook claims: one conditional `UPDATE` each, so of two processes on one
 * file only one claims a hook (or a hook event) whose lease has ended, and a completed hook is never
 * claimed again.
 */
import type Database from 'better-sqlite3';
import type { RecordStatus } from '../types.js';
import { hookEventFromRow, recordFromRow, type HookEventRow, type PaymentRow } from './row.js';
import type { HookEvent, PaymentRecord } from './types.js';

/** What the hook claims need from their store: its statement cache and its clock. */
export interface SqliteHookHost {
  stmt(sql: string): Database.Statement;
  /** The store's clock, in ms since the epoch. */
  now(): number;
  /** The store's clock as an ISO 8601 timestamp. */
  stamp(): string;
}

/** The hook-claim statements of one SQLite store (the `PaymentStore` hook methods, synchronously). */
export class SqliteHooks {
  readonly #h: SqliteHookHost;

  constructor(host: SqliteHookHost) {
    this.#h = host;
  }

  claimHook(orderId: string, status: RecordStatus, leaseMs: number, now?: number): boolean {
    const at = now ?? this.#h.now();
    const info = this.#h
      .stmt(
        `UPDATE haipay_payments SET hook_claim_at = @now
         WHERE order_id = @orderId AND status = @status AND (hook_status IS NULL OR hook_status != @status)
           AND (hook_claim_at IS NULL OR hook_claim_at < @expired)`,
      )
      .run({ now: at, orderId, status, expired: at - leaseMs });
    return info.changes === 1;
  }

  completeHook(orderId: string, status: RecordStatus): void {
    this.#h
      .stmt(
        'UPDATE haipay_payments SET hook_status = @status, hook_claim_at = NULL WHERE order_id = @orderId AND status = @status',
      )
      .run({ status, orderId });
  }

  releaseHook(orderId: string, status?: RecordStatus): void {
    if (status === undefined) {
      this.#h.stmt('UPDATE haipay_payments SET hook_claim_at = NULL WHERE order_id = ?').run(orderId);
    } else {
      this.#h
        .stmt('UPDATE haipay_payments SET hook_claim_at = NULL WHERE order_id = ? AND status = ?')
        .run(orderId, status);
    }
  }

  renewHookClaim(orderId: string, status: RecordStatus, now = this.#h.now()): void {
    this.#h
      .stmt(
        `UPDATE haipay_payments SET hook_claim_at = @now
         WHERE order_id = @orderId AND status = @status AND hook_claim_at IS NOT NULL
           AND (hook_status IS NULL OR hook_status != @status)`,
      )
      .run({ now, orderId, status });
  }

  addHookEvent(event: Omit<HookEvent, 'createdAt' | 'done'>): boolean {
    const info = this.#h
      .stmt(
        `INSERT INTO haipay_hook_events (order_id, event_key, kind, payload_json, created_at)
         VALUES (?, ?, ?, ?, ?) ON CONFLICT (order_id, event_key) DO NOTHING`,
      )
      .run(event.orderId, event.key, event.kind, JSON.stringify(event.payload), this.#h.stamp());
    return info.changes === 1;
  }

  claimHookEvent(orderId: string, key: string, leaseMs: number, now = this.#h.now()): boolean {
    const info = this.#h
      .stmt(
        `UPDATE haipay_hook_events SET claim_at = @now
         WHERE order_id = @orderId AND event_key = @key AND done = 0
           AND (claim_at IS NULL OR claim_at < @expired)`,
      )
      .run({ now, orderId, key, expired: now - leaseMs });
    return info.changes === 1;
  }

  renewHookEventClaim(orderId: string, key: string, now = this.#h.now()): void {
    this.#h
      .stmt(
        `UPDATE haipay_hook_events SET claim_at = ?
         WHERE order_id = ? AND event_key = ? AND done = 0 AND claim_at IS NOT NULL`,
      )
      .run(now, orderId, key);
  }

  completeHookEvent(orderId: string, key: string): void {
    this.#h
      .stmt('UPDATE haipay_hook_events SET done = 1, claim_at = NULL WHERE order_id = ? AND event_key = ?')
      .run(orderId, key);
  }

  releaseHookEvent(orderId: string, key: string): void {
    this.#h
      .stmt('UPDATE haipay_hook_events SET claim_at = NULL WHERE order_id = ? AND event_key = ?')
      .run(orderId, key);
  }

  listPendingHookEvents(limit = 100): HookEvent[] {
    const rows = this.#h
      .stmt(
        'SELECT * FROM haipay_hook_events WHERE done = 0 ORDER BY created_at, order_id, event_key LIMIT ?',
      )
      .all(limit) as HookEventRow[];
    return rows.map(hookEventFromRow);
  }

  listHookPending(statuses: readonly RecordStatus[], limit = 100): PaymentRecord[] {
    if (statuses.length === 0) return [];
    const rows = this.#h
      .stmt(
        `SELECT * FROM haipay_payments WHERE status IN (${statuses.map(() => '?').join(', ')})
           AND (hook_status IS NULL OR hook_status != status) ORDER BY updated_at LIMIT ?`,
      )
      .all(...statuses, limit) as PaymentRow[];
    return rows.map(recordFromRow);
  }
}
