/**
 * The status streams (`GET …/payments/:orderId/events`, server-sent events), bounded and shared.
 *
 * Every order watched by at least one browser has ONE watch: one store subscription (PostgreSQL
 * LISTEN/NOTIFY when the store offers it) and one entry in the fan-out of this process's own changes.
 * A watch keeps the order's version, status and last check, not the order itself; a stream keeps its
 * response and the last version it sent, and nothing else: no timer and no closure of its own beyond
 * the one close listener. One heartbeat timer serves them all, pinging a share of them each second,
 * and one lifetime timer ends them in the order they were opened (they all live equally long).
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
import type { Response } from 'express';
import type { Telemetry } from '../metrics.js';
import type { PaymentRecord, PaymentStore } from '../store/types.js';
import type { StreamLimits } from './stream-limits.js';

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

/** One open stream: its response and the last version it sent. */
class Stream {
  closed = false;
  /** When it was opened (`performance.now()`), for the lifetime. */
  readonly openedAt = performance.now();
  constructor(
    readonly res: Response,
    readonly orderId: string,
    readonly client: string,
    public sent: number,
  ) {}
}

interface Watch {
  streams: Set<Stream>;
  unsubscribe?: () => void;
  polling: boolean;
  /**
   * The newest version seen (from a poll, a broadcast or a refresh), whether it is final and when it
   * was last checked with HaiPay: what the refresher picks by. The order itself is not kept: the
   * refresher reads it when it picks this one.
   */
  version: number;
  final: boolean;
  checkedAt: number | null;
  refreshing: boolean;
}

/** Why a stream was refused, with the HTTP answer. */
export interface StreamRefusal {
  status: 429 | 503;
  type: 'too_many_streams' | 'server_busy';
  message: string;
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
  #lifetime: NodeJS.Timeout | undefined;
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
  open(res: Response, client: string, record: PaymentRecord, lastEventId: number): void {
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
    const stream = new Stream(res, orderId, client, lastEventId);
    this.#all.add(stream);
    this.#deps.telemetry.countOpenStream(1);
    this.#perClient.set(client, (this.#perClient.get(client) ?? 0) + 1);
    this.#join(orderId, stream, record);
    this.#startTimers();
    // A response closes when its socket does (the browser left) as well as when it ends.
    res.on('close', () => this.#end(stream));
    // The first event is the current state (unless the client already has it).
    if (record.version <= lastEventId && this.#deps.isFinal(record)) this.#end(stream);
    else this.#write(stream, record);
  }

  #write(stream: Stream, r: PaymentRecord): void {
    if (stream.closed || r.version <= stream.sent) return;
    stream.sent = r.version;
    stream.res.write(`event: status\nid: ${r.version}\ndata: ${JSON.stringify(this.#deps.view(r))}\n\n`);
    if (this.#deps.isFinal(r)) this.#end(stream);
  }

  #end(stream: Stream): void {
    if (stream.closed) return;
    stream.closed = true;
    this.#deps.telemetry.countOpenStream(-1);
    this.#all.delete(stream);
    const n = (this.#perClient.get(stream.client) ?? 1) - 1;
    if (n > 0) this.#perClient.set(stream.client, n);
    else this.#perClient.delete(stream.client);
    this.#leave(stream.orderId, stream);
    stream.res.end();
  }

  #join(orderId: string, stream: Stream, record: PaymentRecord): void {
    let watch = this.#watches.get(orderId);
    if (!watch) {
      const deps = this.#deps;
      watch = {
        streams: new Set(),
        polling: false,
        version: record.version,
        final: deps.isFinal(record),
        checkedAt: record.checkedAt,
        refreshing: false,
      };
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
    if (record.version >= watch.version) {
      watch.version = record.version;
      watch.final = this.#deps.isFinal(record);
      watch.checkedAt = record.checkedAt;
    }
    for (const s of [...watch.streams]) this.#write(s, record);
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
    let orderId = '';
    let oldest = Infinity;
    for (const [id, w] of this.#watches) {
      if (w.refreshing || w.final) continue;
      const at = w.checkedAt ?? -Infinity;
      if (at < oldest) {
        oldest = at;
        pick = w;
        orderId = id;
      }
    }
    if (!pick) return;
    pick.refreshing = true;
    try {
      const record = await this.#deps.store.get(orderId);
      // `refreshed` queries HaiPay only when the order is stale (`refreshAfterMs`).
      if (record) this.#broadcast(this.#deps.isFinal(record) ? record : await this.#deps.refreshed(record));
    } catch (err) {
      this.#deps.onError('haipay sse refresh failed', { orderId, message: (err as Error).message });
    } finally {
      pick.refreshing = false;
    }
  }

  /**
   * Ends the streams past their lifetime. Every stream lives equally long and `#all` keeps them in the
   * order they were opened, so the expired ones are at its front: one timer, set for the oldest.
   */
  #expire(): void {
    this.#lifetime = undefined;
    const max = this.#limits.maxLifetimeMs;
    const now = performance.now();
    for (const s of this.#all) {
      const left = s.openedAt + max - now;
      if (left > 0) {
        this.#lifetime = setTimeout(() => this.#expire(), left);
        this.#lifetime.unref();
        return;
      }
      this.#end(s);
    }
  }

  #startTimers(): void {
    if (!this.#lifetime) this.#expire();
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
      if (!next.value.closed) next.value.res.write(': ping\n\n');
    }
  }

  #stopTimers(): void {
    clearTimeout(this.#lifetime);
    this.#lifetime = undefined;
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
    for (const s of [...this.#all]) this.#end(s);
    for (const w of this.#watches.values()) w.unsubscribe?.();
    this.#watches.clear();
    this.#stopTimers();
    this.#unsubscribeLocal();
  }
}
