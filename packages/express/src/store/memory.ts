/** In-memory {@link PaymentStore}: for tests and demos. State is lost when the process ends. */
import { isFinalStatus, STATUS_RANK, type RecordStatus } from '../types.js';
import { filterOrders, type OrderQuery } from './order-query.js';
import { marksRecheck, recheckDue } from './recheck.js';
import { MemoryTransfers } from './transfer-row.js';
import type { PaymentStore } from './types.js';
// The contract's record types, as `Store.PaymentRecord` and so on.
import type * as Store from './types.js';

/** Applies a patch; returns true when a visible field changed. Shared by the stores. */
export function applyPatch(record: Store.PaymentRecord, patch: Store.PaymentPatch): boolean {
  let changed = false;
  for (const key of ['orderNo', 'next', 'expiresAt', 'failureReason'] as const) {
    if (!(key in patch) || patch[key] === undefined) continue;
    const value = patch[key] ?? null;
    if (JSON.stringify(record[key]) !== JSON.stringify(value)) {
      (record as unknown as Record<string, unknown>)[key] = value;
      changed = true;
    }
  }
  return changed;
}

/** Options for {@link MemoryPaymentStore}. */
export interface MemoryPaymentStoreOptions {
  /**
   * The clock, in milliseconds since the epoch. Default `Date.now`. It stamps `createdAt`/`updatedAt`,
   * idempotency keys and hook events, and times hook claims given no time. Tests pass one they can move.
   */
  now?: () => number;
}

/**
 * A {@link PaymentStore} in a `Map`. Operations are atomic because they run synchronously between
 * awaits, which gives the same guarantees as the SQLite store within one process.
 */
export class MemoryPaymentStore implements PaymentStore {
  readonly #now: () => number;
  readonly #records = new Map<string, Store.PaymentRecord>();
  readonly #hookClaims = new Map<string, number>();
  /** When the kit closed each payment still to be asked about again (`listRecheckDue`), ms. */
  readonly #recheckSince = new Map<string, number>();
  readonly #keys = new Map<string, Store.IdempotencyRecord>();
  readonly #notifications: Store.NotificationLogEntry[] = [];
  readonly #events = new Map<string, Store.HookEvent & { claimAt: number | null }>();

  readonly #transfers: MemoryTransfers;

  constructor(options: MemoryPaymentStoreOptions = {}) {
    this.#now = options.now ?? Date.now;
    this.#transfers = new MemoryTransfers(
      () => this.#stamp(),
      (event) => void this.addHookEvent(event),
    );
  }

  /** The clock's time as an ISO 8601 timestamp. */
  #stamp(): string {
    return new Date(this.#now()).toISOString();
  }

  async create(input: Store.NewPaymentRecord): Promise<Store.PaymentRecord> {
    return this.#insert(input);
  }

  #insert(input: Store.NewPaymentRecord): Store.PaymentRecord {
    if (this.#records.has(input.orderId)) throw new Error(`order ${input.orderId} already exists`);
    const now = input.createdAt ?? this.#stamp();
    const record: Store.PaymentRecord = {
      ...structuredClone(input),
      createdAt: now,
      updatedAt: now,
      version: 1,
      checkedAt: null,
      hookStatus: null,
    };
    this.#records.set(record.orderId, record);
    return structuredClone(record);
  }

  async get(orderId: string): Promise<Store.PaymentRecord | null> {
    const r = this.#records.get(orderId);
    return r ? structuredClone(r) : null;
  }

  async patch(orderId: string, patch: Store.PaymentPatch): Promise<Store.PaymentRecord | null> {
    const r = this.#records.get(orderId);
    if (!r) return null;
    if (applyPatch(r, patch)) {
      r.version += 1;
      r.updatedAt = this.#stamp();
    }
    return structuredClone(r);
  }

  async transition(
    orderId: string,
    to: RecordStatus,
    patch: Store.PaymentPatch = {},
    options: Store.TransitionOptions = {},
  ): Promise<Store.TransitionResult> {
    const r = this.#records.get(orderId);
    if (!r) return { changed: false, record: null };
    if (STATUS_RANK[r.status] >= STATUS_RANK[to]) return { changed: false, record: structuredClone(r) };
    r.status = to;
    // A claim is for one status's hook: the new status's hook may be claimed at once (here, if asked).
    const { claimHook } = options;
    const claim = claimHook !== undefined && r.hookStatus !== to;
    if (claim) this.#hookClaims.set(orderId, claimHook.now ?? this.#now());
    else this.#hookClaims.delete(orderId);
    applyPatch(r, patch);
    r.version += 1;
    r.updatedAt = this.#stamp();
    if (marksRecheck(r.kind, to)) this.#recheckSince.set(orderId, this.#now());
    return { changed: true, record: structuredClone(r), hookClaimed: claim };
  }

  async markChecked(orderId: string, at: number): Promise<void> {
    const r = this.#records.get(orderId);
    if (r) r.checkedAt = at;
  }

  async listUnsettled(
    options: { limit?: number; checkedBefore?: number } = {},
  ): Promise<Store.PaymentRecord[]> {
    const { limit = 100, checkedBefore } = options;
    return [...this.#records.values()]
      .filter((r) => !isFinalStatus(r.status))
      .filter((r) => checkedBefore === undefined || r.checkedAt === null || r.checkedAt < checkedBefore)
      .sort((a, b) => (a.checkedAt ?? 0) - (b.checkedAt ?? 0) || a.createdAt.localeCompare(b.createdAt))
      .slice(0, limit)
      .map((r) => structuredClone(r));
  }

  async listRecheckDue(query: Store.RecheckQuery): Promise<Store.PaymentRecord[]> {
    const due: Store.PaymentRecord[] = [];
    for (const [orderId, closedAt] of this.#recheckSince) {
      const r = this.#records.get(orderId)!;
      if (recheckDue(r.status, closedAt, r.checkedAt, query)) due.push(r);
    }
    const closedAt = (r: Store.PaymentRecord) => this.#recheckSince.get(r.orderId)!;
    return due
      .sort(
        (a, b) =>
          (a.checkedAt ?? 0) - (b.checkedAt ?? 0) ||
          closedAt(a) - closedAt(b) ||
          // By bytes, as the SQL stores order them (never by a locale's collation).
          (a.orderId < b.orderId ? -1 : a.orderId > b.orderId ? 1 : 0),
      )
      .slice(0, query.limit ?? 100)
      .map((r) => structuredClone(r));
  }

  async endRecheck(orderId: string): Promise<void> {
    this.#recheckSince.delete(orderId);
  }

  async listOrders(query: OrderQuery): Promise<Store.PaymentRecord[]> {
    return filterOrders(this.#records.values(), query).map((r) => structuredClone(r));
  }

  async claimHook(orderId: string, status: RecordStatus, leaseMs: number, now?: number): Promise<boolean> {
    const r = this.#records.get(orderId);
    if (!r || r.status !== status || r.hookStatus === status) return false;
    const at = now ?? this.#now();
    const claimedAt = this.#hookClaims.get(orderId);
    if (claimedAt !== undefined && claimedAt >= at - leaseMs) return false;
    this.#hookClaims.set(orderId, at);
    return true;
  }

  async completeHook(orderId: string, status: RecordStatus): Promise<void> {
    const r = this.#records.get(orderId);
    if (!r || r.status !== status) return;
    r.hookStatus = status;
    this.#hookClaims.delete(orderId);
  }

  async releaseHook(orderId: string, status?: RecordStatus): Promise<void> {
    if (status !== undefined && this.#records.get(orderId)?.status !== status) return;
    this.#hookClaims.delete(orderId);
  }

  async renewHookClaim(orderId: string, status: RecordStatus, now = this.#now()): Promise<void> {
    const r = this.#records.get(orderId);
    if (r && r.status === status && r.hookStatus !== status && this.#hookClaims.has(orderId))
      this.#hookClaims.set(orderId, now);
  }

  async addHookEvent(event: Omit<Store.HookEvent, 'createdAt' | 'done'>): Promise<boolean> {
    const id = `${event.orderId}\u0000${event.key}`;
    if (this.#events.has(id)) return false;
    this.#events.set(id, {
      ...structuredClone(event),
      createdAt: this.#stamp(),
      done: false,
      claimAt: null,
    });
    return true;
  }

  async claimHookEvent(orderId: string, key: string, leaseMs: number, now = this.#now()): Promise<boolean> {
    const e = this.#events.get(`${orderId}\u0000${key}`);
    if (!e || e.done || (e.claimAt !== null && e.claimAt >= now - leaseMs)) return false;
    e.claimAt = now;
    return true;
  }

  async renewHookEventClaim(orderId: string, key: string, now = this.#now()): Promise<void> {
    const e = this.#events.get(`${orderId}\u0000${key}`);
    if (e && !e.done && e.claimAt !== null) e.claimAt = now;
  }

  async completeHookEvent(orderId: string, key: string): Promise<void> {
    const e = this.#events.get(`${orderId}\u0000${key}`);
    if (e) {
      e.done = true;
      e.claimAt = null;
    }
  }

  async releaseHookEvent(orderId: string, key: string): Promise<void> {
    const e = this.#events.get(`${orderId}\u0000${key}`);
    if (e) e.claimAt = null;
  }

  async listPendingHookEvents(limit = 100): Promise<Store.HookEvent[]> {
    return [...this.#events.values()]
      .filter((e) => !e.done)
      .slice(0, limit)
      .map(({ claimAt: _claimAt, ...e }) => structuredClone(e));
  }

  async listHookPending(statuses: readonly RecordStatus[], limit = 100): Promise<Store.PaymentRecord[]> {
    return [...this.#records.values()]
      .filter((r) => statuses.includes(r.status) && r.hookStatus !== r.status)
      .slice(0, limit)
      .map((r) => structuredClone(r));
  }

  async reserveIdempotencyKey(
    input: Omit<Store.IdempotencyRecord, 'responseStatus' | 'createdAt'>,
  ): Promise<Store.IdempotencyReservation> {
    const id = `${input.scope}\u0000${input.key}`;
    const existing = this.#keys.get(id);
    if (existing) {
      return existing.requestHash === input.requestHash
        ? { outcome: 'replay', record: { ...existing } }
        : { outcome: 'conflict', record: { ...existing } };
    }
    this.#keys.set(id, { ...input, responseStatus: null, createdAt: this.#stamp() });
    return { outcome: 'reserved' };
  }

  async createIdempotent(
    key: Store.IdempotencyKeyInput,
    record: Store.NewPaymentRecord,
  ): Promise<Store.IdempotentCreate> {
    const existing = this.#keys.get(`${key.scope}\u0000${key.key}`);
    if (existing) {
      return existing.requestHash === key.requestHash
        ? { outcome: 'replay', key: { ...existing } }
        : { outcome: 'conflict', key: { ...existing } };
    }
    // Synchronous from the check to the write: no other caller can run in between.
    const created = this.#insert(record); // throws before the key is stored: neither is written
    this.#keys.set(`${key.scope}\u0000${key.key}`, {
      ...key,
      orderId: record.orderId,
      responseStatus: null,
      createdAt: this.#stamp(),
    });
    return { outcome: 'created', record: created };
  }

  async finishIdempotencyKey(scope: string, key: string, responseStatus: number): Promise<void> {
    const r = this.#keys.get(`${scope}\u0000${key}`);
    if (r && r.responseStatus === null) r.responseStatus = responseStatus;
  }

  async appendNotification(entry: Omit<Store.NotificationLogEntry, 'id'>): Promise<void> {
    this.#notifications.push({ ...entry, id: this.#notifications.length + 1 });
  }

  async listNotifications(orderId: string): Promise<Store.NotificationLogEntry[]> {
    return this.#notifications.filter((n) => n.orderId === orderId).map((n) => ({ ...n }));
  }

  /** Nothing to sync: the memory store keeps nothing across a process exit. */
  async createTransfer(input: Store.NewTransferRecord): Promise<Store.TransferCreate> {
    return this.#transfers.create(input);
  }

  async getTransfer(transferId: string): Promise<Store.TransferRecord | null> {
    return this.#transfers.get(transferId);
  }

  async transitionTransfer(
    transferId: string,
    to: Store.TransferStatus,
    patch: Store.TransferPatch = {},
    event?: Omit<Store.HookEvent, 'createdAt' | 'done'>,
  ): Promise<Store.TransferTransition> {
    return this.#transfers.transition(transferId, to, patch, event);
  }

  async markTransferChecked(transferId: string, at: number): Promise<void> {
    this.#transfers.markChecked(transferId, at);
  }

  async listUnsettledTransfers(options: { limit?: number } = {}): Promise<Store.TransferRecord[]> {
    return this.#transfers.listUnsettled(options.limit ?? 100);
  }

  async listTransfers(
    options: { kind?: Store.TransferKind; paymentOrderId?: string; limit?: number } = {},
  ): Promise<Store.TransferRecord[]> {
    return this.#transfers.list(options);
  }

  async sync(): Promise<void> {}

  /** Only this process writes a memory store: never. */
  changedElsewhere(): boolean {
    return false;
  }

  async close(): Promise<void> {}
}
