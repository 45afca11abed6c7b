/**
 * Cross-instance change delivery: one dedicated `LISTEN` connection per store, reconnected with
 * exponential backoff, and a polling fallback that runs whenever that connection is not listening.
 *
 * Delivery is at least once per committed version and never goes backwards for one subscriber: a
 * subscriber may see a version twice (the writer's own process hears its local write and then the
 * NOTIFY) but never an older version after a newer one. Subscribers are expected to re-read the record.
 */
import pg from 'pg';

/** A committed change to one record: its id and the version it now has. */
export interface PaymentChange {
  orderId: string;
  version: number;
}

/** Called with each change to a watched record. */
export type PaymentChangeListener = (change: PaymentChange) => void;

/** Where the feed is: `listening` is the normal state; while not listening, it polls. */
export type ChangeFeedState = 'idle' | 'connecting' | 'listening' | 'reconnecting' | 'closed';

/** Tuning for {@link ChangeFeed}. All times in milliseconds. */
export interface ChangeFeedOptions {
  /** How often watched records are polled while the listener is down. Default 500. */
  pollIntervalMs?: number;
  /** First reconnect delay; doubles up to {@link maxReconnectDelayMs}. Default 100. */
  minReconnectDelayMs?: number;
  /** Longest reconnect delay. Default 5000. */
  maxReconnectDelayMs?: number;
  /** How often the listener connection is probed with `SELECT 1` (finds half-open TCP). Default 10000. */
  heartbeatMs?: number;
  /** Called with a short message when the listener drops or a poll fails (never throws). */
  onError?: (message: string, error: unknown) => void;
}

interface Subscription {
  listener: PaymentChangeListener;
  lastVersion: number;
}

/** Reads the current version of each given record (missing records are left out). */
export type VersionReader = (orderIds: string[]) => Promise<PaymentChange[]>;

/**
 * The `LISTEN` side of the store. Starts its connection on the first subscription, so stores that are
 * never streamed from (tests, CLIs) hold no extra connection.
 */
export class ChangeFeed {
  readonly #connect: () => pg.Client;
  readonly #channel: string;
  readonly #readVersions: VersionReader;
  readonly #pollIntervalMs: number;
  readonly #minDelay: number;
  readonly #maxDelay: number;
  readonly #heartbeatMs: number;
  readonly #onError: (message: string, error: unknown) => void;
  readonly #watched = new Map<string, Set<Subscription>>();
  #state: ChangeFeedState = 'idle';
  #client: pg.Client | null = null;
  #delay: number;
  #reconnectTimer: NodeJS.Timeout | null = null;
  #pollTimer: NodeJS.Timeout | null = null;
  #heartbeatTimer: NodeJS.Timeout | null = null;
  #polling = false;
  #pollAgain = false;

  /**
   * @param connect makes a new, unconnected client for the listener (outside the query pool, so a
   *   long-lived `LISTEN` never takes a pool slot).
   * @param channel the NOTIFY channel (unquoted).
   * @param readVersions the polling query.
   */
  constructor(
    connect: () => pg.Client,
    channel: string,
    readVersions: VersionReader,
    options: ChangeFeedOptions = {},
  ) {
    this.#connect = connect;
    this.#channel = channel;
    this.#readVersions = readVersions;
    this.#pollIntervalMs = options.pollIntervalMs ?? 500;
    this.#minDelay = options.minReconnectDelayMs ?? 100;
    this.#maxDelay = options.maxReconnectDelayMs ?? 5000;
    this.#heartbeatMs = options.heartbeatMs ?? 10_000;
    this.#onError = options.onError ?? (() => {});
    this.#delay = this.#minDelay;
  }

  /** The feed's state (`listening` when NOTIFYs are arriving; any other state polls). */
  get state(): ChangeFeedState {
    return this.#state;
  }

  /** Backend process id of the listener connection, when connected (for diagnostics and tests). */
  get listenerPid(): number | null {
    const pid = (this.#client as unknown as { processID?: number } | null)?.processID;
    return this.#state === 'listening' && typeof pid === 'number' ? pid : null;
  }

  /** Watches one record. Returns the function that stops watching. */
  subscribe(orderId: string, listener: PaymentChangeListener): () => void {
    if (this.#state === 'closed') throw new Error('ChangeFeed: the store is closed.');
    const sub: Subscription = { listener, lastVersion: 0 };
    let subs = this.#watched.get(orderId);
    if (!subs) this.#watched.set(orderId, (subs = new Set()));
    subs.add(sub);
    if (this.#state === 'idle') void this.#start();
    else if (this.#state !== 'listening') this.#ensurePolling();
    return () => {
      const set = this.#watched.get(orderId);
      if (!set) return;
      set.delete(sub);
      if (set.size === 0) this.#watched.delete(orderId);
    };
  }

  /** Delivers a change to the record's subscribers (used for NOTIFYs, polls and the store's own writes). */
  publish(change: PaymentChange): void {
    const subs = this.#watched.get(change.orderId);
    if (!subs) return;
    for (const sub of [...subs]) {
      if (change.version <= sub.lastVersion) continue;
      sub.lastVersion = change.version;
      try {
        sub.listener({ orderId: change.orderId, version: change.version });
      } catch (error) {
        this.#onError('a change listener threw', error);
      }
    }
  }

  /** Stops listening and polling, and closes the listener connection. */
  async close(): Promise<void> {
    this.#state = 'closed';
    this.#watched.clear();
    this.#clearTimers();
    const client = this.#client;
    this.#client = null;
    if (client) await client.end().catch(() => {});
  }

  async #start(): Promise<void> {
    this.#state = 'connecting';
    // Poll from the first moment: a change committed before LISTEN is active must not be missed.
    this.#ensurePolling();
    const client = this.#connect();
    this.#client = client;
    client.on('notification', (msg) => {
      if (msg.channel !== this.#channel || !msg.payload) return;
      try {
        const { orderId, version } = JSON.parse(msg.payload) as PaymentChange;
        if (typeof orderId === 'string' && typeof version === 'number') this.publish({ orderId, version });
      } catch (error) {
        this.#onError('unreadable change payload', error);
      }
    });
    client.on('error', (error) => this.#down(client, error));
    client.on('end', () => this.#down(client, new Error('listener connection ended')));
    try {
      await client.connect();
      await client.query(`LISTEN ${pg.escapeIdentifier(this.#channel)}`);
    } catch (error) {
      this.#down(client, error);
      return;
    }
    if (this.#client !== client) return; // closed, or dropped and replaced, while connecting
    this.#state = 'listening';
    this.#delay = this.#minDelay;
    this.#stopPolling();
    this.#heartbeatTimer = setInterval(() => {
      client.query('SELECT 1').catch((error: unknown) => this.#down(client, error));
    }, this.#heartbeatMs);
    this.#heartbeatTimer.unref();
    // Changes committed while we were not listening (including before the first LISTEN) are caught here.
    await this.#poll();
  }

  #down(client: pg.Client, error: unknown): void {
    if (this.#client !== client || this.#state === 'closed') return;
    this.#client = null;
    this.#onError('change listener connection lost; polling until it is back', error);
    client.removeAllListeners('notification');
    client.on('error', () => {}); // a dead client may still emit; nothing is listening for it any more
    client.end().catch(() => {});
    this.#clearTimers();
    this.#state = 'reconnecting';
    this.#ensurePolling();
    const delay = this.#delay;
    this.#delay = Math.min(this.#delay * 2, this.#maxDelay);
    // Jitter, so instances that lost the database together do not reconnect in lockstep.
    this.#reconnectTimer = setTimeout(() => void this.#start(), delay / 2 + Math.random() * (delay / 2));
    this.#reconnectTimer.unref();
  }

  #ensurePolling(): void {
    if (this.#pollTimer || this.#state === 'closed') return;
    this.#pollTimer = setInterval(() => void this.#poll(), this.#pollIntervalMs);
    this.#pollTimer.unref();
  }

  #stopPolling(): void {
    if (this.#pollTimer) clearInterval(this.#pollTimer);
    this.#pollTimer = null;
  }

  #clearTimers(): void {
    this.#stopPolling();
    if (this.#reconnectTimer) clearTimeout(this.#reconnectTimer);
    if (this.#heartbeatTimer) clearInterval(this.#heartbeatTimer);
    this.#reconnectTimer = null;
    this.#heartbeatTimer = null;
  }

  async #poll(): Promise<void> {
    if (this.#watched.size === 0 || this.#state === 'closed') return;
    if (this.#polling) {
      // A poll in flight may have read before a change whose NOTIFY came before our LISTEN: read again
      // after it rather than skip (this is the catch-up that makes the switch to listening lossless).
      this.#pollAgain = true;
      return;
    }
    this.#polling = true;
    try {
      do {
        this.#pollAgain = false;
        for (const change of await this.#readVersions([...this.#watched.keys()])) this.publish(change);
      } while (this.#pollAgain && (this.#state as ChangeFeedState) !== 'closed');
    } catch (error) {
      this.#onError('polling for changes failed', error);
    } finally {
      this.#polling = false;
    }
  }
}
