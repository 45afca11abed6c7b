/**
 * The merchant hook of each payment status, in the hook columns of `haipay_payments` (`hook_status`,
 * the last status whose hook completed; `hook_claim_at`, the running claim): claimed with a lease timed
 * on the store's clock (the database's unless the store was given `now`, or the caller passes its own
 * time), renewed while the hook runs, and never claimed again for a status once completed.
 */
import { Table } from './sql.js';
import { recordFromRow, type PaymentRecord, type PaymentRow, type RecordStatus } from './express.js';

/** Order `$1` while its status is `$2` and the hook for that status has not completed. */
const HOOK_DUE = 'order_id = $1 AND status = $2 AND (hook_status IS NULL OR hook_status <> $2)';

/** The payment-hook statements, over the payments table. */
export class PaymentHookTable extends Table {
  claimHook(orderId: string, status: RecordStatus, leaseMs: number, now = this.clock()): Promise<boolean> {
    return this.claim('hook_claim_at', HOOK_DUE, [orderId, status], leaseMs, now);
  }

  renew(orderId: string, status: RecordStatus, now = this.clock()): Promise<void> {
    return this.renewClaim('hook_claim_at', HOOK_DUE, [orderId, status], now);
  }

  /** Marks `status`'s hook done, while the order is still in `status` (a late end of an old hook is nothing). */
  async complete(orderId: string, status: RecordStatus): Promise<void> {
    await this.query(
      `UPDATE ${this.table} SET hook_status = $2, hook_claim_at = NULL WHERE order_id = $1 AND status = $2`,
      [orderId, status],
    );
  }

  /** Frees the claim; with `status`, only while the order is still in it (not a newer status's claim). */
  async release(orderId: string, status?: RecordStatus): Promise<void> {
    if (status === undefined) {
      await this.query(`UPDATE ${this.table} SET hook_claim_at = NULL WHERE order_id = $1`, [orderId]);
    } else {
      await this.query(`UPDATE ${this.table} SET hook_claim_at = NULL WHERE order_id = $1 AND status = $2`, [
        orderId,
        status,
      ]);
    }
  }

  /** Records in one of `statuses` whose hook for it has not completed, least recently updated first. */
  async listPending(statuses: readonly RecordStatus[], limit: number): Promise<PaymentRecord[]> {
    if (statuses.length === 0) return [];
    const { rows } = await this.query<PaymentRow>(
      `SELECT * FROM ${this.table}
        WHERE status = ANY($1::text[]) AND (hook_status IS NULL OR hook_status <> status)
        ORDER BY updated_at, order_id LIMIT $2`,
      [statuses, limit],
    );
    return rows.map(recordFromRow);
  }
}
