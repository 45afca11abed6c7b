/**
 * The status streams (`GET …/payments/:orderId/events`, server-sent events), bounded and shared.
 *
 * Every order watched by at least one browser has ONE watch: one store subscription (PostgreSQL
 * LISTEN/NOTIFY when the store offers it) and one entry in the fan-out of this process's own changes.
 * Streams only hold a socket and the last version they sent. One heartbeat timer serves them all,
 * pinging a share of them each second.
 *
 * One poller reads watched orders from the store (to pick up other processes' writes), round-robin:
 * each order about once per `pollMs`, but never more than `streams.maxStorePollsPerSecond` reads in all
 * — with ten thousand watched orders each is read less often, instead of the process spending its CPU on
 * reads that find nothing new. A store that can tell whether another process has written
 * (`changedElsewhere`, SQLite's `PRAGMA data_version`) is not read at all while nobody else writes.
 * This process's own changes reach the streams at once either way.
 *
 * Re-querying HaiPay for a stale watched order (a safety net: the notification normally settles it) is
 * budgeted router-wide: one refresher picks the watched order checked longest ago, at most one per
 * `refreshIntervalMs`, so a thousand shoppers watching a thousand pending QR codes cost one signed
 * gateway call per second, not a hundred.
 *
 * Streams are capped per client (an IPv6 client by its /64), per order and in total, and live at most
 * `maxLifetimeMs` (the browser's EventSource then reconnects by itself), so one client can no longer
 * exhaust the process's file descriptors and lock real shoppers out.
 */
import type { Request, Response } from 'express';
import { HaiPayConfigError } from '../errors.js';
import type { Telemetry } from '../metrics.js';
import type { PaymentRecord, PaymentStore } from '../store/types.js';

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

/** What the streams need from the router. */
export interface StreamDeps {
  store: PaymentStore;
  /** Subscribes to this process's own changes; returns the unsubscribe function. */
  onLocalChange(listener: (record: PaymentRecord) => void): () => void;
  /** The record, refreshed from HaiPay when it is stale (shared per order by the checkout). */
  refreshed(record: PaymentRecord): Promise<PaymentRecord>;
  /** The browser view of a record. */
  view(record: PaymentRecord): unknown;
  isFinal(record: PaymentRecord): boolean;
  /** Store poll interval per watched order. */
  pollMs: number;
  heartbeatMs: number;
  onError(message: string, fields: Record<string, unknown>): void;
  /** Where the open-streams count goes. */
  telemetry: Telemetry;
}

interface Stream {
  sent: number;
  write: (record: PaymentRecord) => void;
  ping: () => void;
  end: () => void;
}

interface Watch {
  streams: Set<Stream>;
  unsubscribe?: () => void;
  polling: boolean;
  /** The newest version seen (from a poll, a broadcast or a refresh); what the refresher looks at. */
  last: PaymentRecord | undefined;
  refreshing: boolean;
}

/** Why a stream was refused, with the HTTP answer. */
export interface StreamRefusal {
  status: 429 | 503;
  type: 'too_many_streams' | 'server_busy';
  message: string;
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

/** The shared status streams of one router. */
export class StatusStreams {
  readonly #deps: StreamDeps;
  readonly #limits: Required<StreamLimits>;
  readonly #watches = new Map<string, Watch>();
  readonly #perClient = new Map<string, number>();
  readonly #all = new Set<Stream>();
  readonly #unsubscribeLocal: () => void;
  #heartbeat: NodeJS.Timeout | undefined;
  #refresher: NodeJS.Timeout | undefined;
  #poller: NodeJS.Timeout | undefined;
  #cursor: Iterator<string> | undefined;
  #pingCursor: Iterator<Stream> | undefined;
  #credit = 0;
  /** Reads left in the pass owed to a change another process made (see #quietElsewhere). */
  #pollsOwed = 0;

  constructor(deps: StreamDeps, limits: Required<StreamLimits>) {
    this.#deps = deps;
    this.#limits = limits;
    this.#unsubscribeLocal = deps.onLocalChange((r) => this.#broadcast(r));
  }

  /** Open streams now (all orders). */
  get size(): number {
    return this.#all.size;
  }

  /** Why a new stream for this client and order would be refused now, or null. */
  refusal(client: string, orderId: string): StreamRefusal | null {
    if (this.#all.size >= this.#limits.total)
      return { status: 503, type: 'server_busy', message: 'Too many open status streams; poll instead.' };
    if ((this.#perClient.get(client) ?? 0) >= this.#limits.perClient)
      return {
        status: 429,
        type: 'too_many_streams',
        message: 'Too many open status streams from this client.',
      };
    if ((this.#watches.get(orderId)?.streams.size ?? 0) >= this.#limits.perOrder)
      return {
        status: 429,
        type: 'too_many_streams',
        message: 'Too many open status streams for this payment.',
      };
    return null;
  }

  /**
   * Serves one stream (the caller checked {@link refusal}): sends the current state unless the client
   * has it (`Last-Event-ID`), then every new version, and ends on a final state, on disconnect, or
   * after the maximum lifetime.
   */
  open(req: Request, res: Response, client: string, record: PaymentRecord, lastEventId: number): void {
    const deps = this.#deps;
    const orderId = record.orderId;
    res.status(200);
    res.set({
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-store',
      Connection: 'keep-alive',
      'X-Accel-Buffering': 'no',
    });
    res.flushHeaders();
    res.write('retry: 3000\n\n');
    let closed = false;
    const stream: Stream = {
      sent: lastEventId,
      write: (r) => {
        if (closed || r.version <= stream.sent) return;
        stream.sent = r.version;
        res.write(`event: status\nid: ${r.version}\ndata: ${JSON.stringify(deps.view(r))}\n\n`);
        if (deps.isFinal(r)) stream.end();
      },
      ping: () => {
        if (!closed) res.write(': ping\n\n');
      },
      end: () => {
        if (closed) return;
        closed = true;
        this.#deps.telemetry.countOpenStream(-1);
        clearTimeout(lifetime);
        this.#all.delete(stream);
        const n = (this.#perClient.get(client) ?? 1) - 1;
        if (n > 0) this.#perClient.set(client, n);
        else this.#perClient.delete(client);
        this.#leave(orderId, stream);
        res.end();
      },
    };
    const lifetime = setTimeout(() => stream.end(), this.#limits.maxLifetimeMs);
    lifetime.unref();
    this.#all.add(stream);
    this.#deps.telemetry.countOpenStream(1);
    this.#perClient.set(client, (this.#perClient.get(client) ?? 0) + 1);
    this.#join(orderId, stream, record);
    this.#startTimers();
    req.on('close', stream.end);
    res.on('close', stream.end);
    // The first event is the current state (unless the client already has it).
    if (record.version <= lastEventId && deps.isFinal(record)) stream.end();
    else stream.write(record);
  }

  #join(orderId: string, stream: Stream, record: PaymentRecord): void {
    let watch = this.#watches.get(orderId);
    if (!watch) {
      const deps = this.#deps;
      watch = { streams: new Set(), polling: false, last: record, refreshing: false };
      // Changes committed by other processes, when the store can announce them (PostgreSQL LISTEN/NOTIFY).
      watch.unsubscribe = deps.store.subscribe?.(orderId, () => {
        void deps.store.get(orderId).then(
          (r) => r && this.#broadcast(r),
          () => undefined,
        );
      });
      this.#watches.set(orderId, watch);
    }
    watch.streams.add(stream);
  }

  #leave(orderId: string, stream: Stream): void {
    const watch = this.#watches.get(orderId);
    if (!watch) return;
    watch.streams.delete(stream);
    if (watch.streams.size > 0) return;
    watch.unsubscribe?.();
    this.#watches.delete(orderId);
    if (this.#all.size === 0) this.#stopTimers();
  }

  async #poll(orderId: string): Promise<void> {
    const watch = this.#watches.get(orderId);
    if (!watch || watch.polling) return;
    watch.polling = true;
    try {
      const r = await this.#deps.store.get(orderId);
      if (r) this.#broadcast(r);
    } catch (err) {
      this.#deps.onError('haipay sse poll failed', { orderId, message: (err as Error).message });
    } finally {
      watch.polling = false;
    }
  }

  #broadcast(record: PaymentRecord): void {
    const watch = this.#watches.get(record.orderId);
    if (!watch) return;
    if (!watch.last || record.version >= watch.last.version) watch.last = record;
    for (const s of [...watch.streams]) s.write(record);
  }

  /**
   * One tick of the poller: reads the next watched orders, round-robin, within the read budget — only
   * while the store says another process has written since the last tick (or cannot say).
   */
  #pollSome(tickMs: number): void {
    if (this.#quietElsewhere()) return;
    const size = this.#watches.size;
    const budget = (this.#limits.maxStorePollsPerSecond * tickMs) / 1000;
    // Credit accrues at one read per watched order per `pollMs`, within the budget; at most one pass
    // over the watches per tick, and never less than one read's worth (a budget below one per tick).
    const cap = Math.max(1, Math.min(size, budget));
    this.#credit = Math.min(this.#credit + Math.min((size * tickMs) / this.#deps.pollMs, budget), cap);
    while (this.#credit >= 1) {
      let next = this.#cursor?.next();
      if (!next || next.done) {
        this.#cursor = this.#watches.keys();
        next = this.#cursor.next();
        if (next.done) return;
      }
      this.#credit -= 1;
      this.#pollsOwed -= 1;
      void this.#poll(next.value);
    }
  }

  /**
   * True when the store knows no other process has written since the last poll, so a read cannot find
   * anything this process has not already broadcast. A change seen keeps the round-robin going for one
   * whole pass over the watched orders, so each is read once after it.
   */
  #quietElsewhere(): boolean {
    const store = this.#deps.store;
    if (typeof store.changedElsewhere !== 'function') return false;
    let changed: boolean;
    try {
      changed = store.changedElsewhere();
    } catch {
      changed = true;
    }
    if (changed) this.#pollsOwed = this.#watches.size;
    return this.#pollsOwed <= 0;
  }

  /** Refreshes the watched, non-final order checked longest ago (never checked: first). */
  async #refreshOne(): Promise<void> {
    let pick: Watch | undefined;
    let oldest = Infinity;
    for (const w of this.#watches.values()) {
      const r = w.last;
      if (!r || w.refreshing || this.#deps.isFinal(r)) continue;
      const at = r.checkedAt ?? -Infinity;
      if (at < oldest) {
        oldest = at;
        pick = w;
      }
    }
    const record = pick?.last;
    if (!pick || !record) return;
    pick.refreshing = true;
    try {
      // `refreshed` queries HaiPay only when the order is stale (`refreshAfterMs`).
      this.#broadcast(await this.#deps.refreshed(record));
    } catch (err) {
      this.#deps.onError('haipay sse refresh failed', {
        orderId: record.orderId,
        message: (err as Error).message,
      });
    } finally {
      pick.refreshing = false;
    }
  }

  #startTimers(): void {
    if (!this.#heartbeat) {
      // Spread over the interval: each tick pings the next share of the streams, round-robin, so each
      // is pinged about once per heartbeatMs and ten thousand pings never land in one tick.
      const heartbeatMs = this.#deps.heartbeatMs;
      const tickMs = Math.min(1000, heartbeatMs);
      this.#heartbeat = setInterval(() => this.#pingSome(tickMs / heartbeatMs), tickMs);
      this.#heartbeat.unref();
    }
    if (!this.#refresher) {
      this.#refresher = setInterval(() => void this.#refreshOne(), this.#limits.refreshIntervalMs);
      this.#refresher.unref();
    }
    if (!this.#poller) {
      const tickMs = Math.min(100, this.#deps.pollMs);
      this.#poller = setInterval(() => this.#pollSome(tickMs), tickMs);
      this.#poller.unref();
    }
  }

  /** Pings the next `share` of the open streams (at least one), continuing where the last tick stopped. */
  #pingSome(share: number): void {
    let n = Math.ceil(this.#all.size * share);
    while (n-- > 0) {
      let next = this.#pingCursor?.next();
      if (!next || next.done) {
        this.#pingCursor = this.#all.values();
        next = this.#pingCursor.next();
        if (next.done) return;
      }
      next.value.ping();
    }
  }

  #stopTimers(): void {
    clearInterval(this.#heartbeat);
    clearInterval(this.#refresher);
    clearInterval(this.#poller);
    this.#heartbeat = undefined;
    this.#refresher = undefined;
    this.#poller = undefined;
    this.#cursor = undefined;
    this.#pingCursor = undefined;
    this.#credit = 0;
  }

  /** Ends every stream and stops all timers. */
  close(): void {
    for (const s of [...this.#all]) s.end();
    for (const w of this.#watches.values()) w.unsubscribe?.();
    this.#watches.clear();
    this.#stopTimers();
    this.#unsubscribeLocal();
  }
}
