/**
 * Asynchronous notifications (docs/protocol.md §2.6, §7): signed JSON POSTed to `notifyUrl`,
 * delivered only when the body answered is exactly `SUCCESS`, otherwise re-sent every 5 minutes up to
 * 5 more times — on the virtual clock, so a test walks the whole schedule in milliseconds.
 *
 * Deliveries are independent, as HaiPay's are: each one runs on its own (at most `concurrency` at a
 * time, the rest queue), so a merchant that answers slowly or never delays only its own
 * notifications. Two notifications about the same order or subscription still go out in the order
 * they were created (a subscription's status change before its first deduction): the later one's
 * first push waits for the earlier one's first push to be answered.
 */
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { stringifyLossless } from '@haipay-kit/protocol';
import type { Signer } from '@haipay-kit/protocol/node';
import type { TaskHandle, VirtualClock } from './clock.js';
import type { Fault } from './faults.js';

/** Which kind of event a notification reports. */
export type NotificationKind = 'collect' | 'payout' | 'subscription' | 'deduction';

/** One delivery attempt, as listed by `GET /_sandbox/notifications`. */
export interface DeliveryAttempt {
  notificationId: number;
  orderNo: string;
  /** 1 for the first push, 2..6 for retries. */
  attempt: number;
  /** Virtual time of the attempt (ISO 8601). */
  at: string;
  /** HTTP status answered by the merchant, when it answered at all. */
  httpStatus?: number;
  /** Body answered (first 200 characters). */
  answer?: string;
  /** True when the answer was exactly `SUCCESS` with a 2xx status. */
  delivered: boolean;
  /** Network error or timeout, when there was no answer. */
  error?: string;
  /** True for the extra copy sent by the `duplicateNotification` fault. */
  duplicate?: boolean;
}

/** A notification and its delivery history. */
export interface NotificationRecord {
  id: number;
  kind: NotificationKind;
  /** Platform order number (for subscriptions: `subscriptionNo`; for deductions: the deduction `orderNo`). */
  orderNo: string;
  /** Other numbers this notification concerns (e.g. the subscription of a deduction), for lookups. */
  refs: string[];
  appId: number;
  url: string | undefined;
  /** Exactly the bytes POSTed. */
  body: string;
  /** The signed payload. */
  payload: Record<string, unknown>;
  /**
   * `pending` = an attempt is due (at `nextAttemptAt`) or queued for a free delivery slot; `sending` =
   * an attempt is in flight; `held` = waiting for the `outOfOrderNotifications` fault to release it;
   * `delivered` = answered `SUCCESS` (final); `failed` = the first push and every retry failed (final);
   * `no-url` = no notifyUrl was given, nothing is sent (final).
   */
  state: 'pending' | 'sending' | 'held' | 'delivered' | 'failed' | 'no-url';
  createdAt: string;
  nextAttemptAt?: string;
  /** Set when the `duplicateNotification` fault makes the first push go out twice. */
  duplicate?: boolean;
  attempts: DeliveryAttempt[];
}

/** Options for {@link Notifier}. */
export interface NotifierOptions {
  clock: VirtualClock;
  /** Interval between attempts (default 5 min, docs/protocol.md §2.6). */
  retryMs: number;
  /** Retries after the first push (default 5). */
  maxRetries: number;
  /** Real-time limit for one attempt; a slower merchant counts as failed. */
  timeoutMs: number;
  /** Deliveries in flight at once (default 16); more wait for a free slot. */
  concurrency: number;
}

/** What the sandbox asks the notifier to send. */
export interface NotifyInput {
  kind: NotificationKind;
  orderNo: string;
  refs?: string[];
  appId: number;
  url: string | undefined;
  payload: Record<string, unknown>;
  signer: Signer;
  faults: Fault[];
}

/** Posts `body` and resolves with the answer; never rejects. */
function post(
  url: string,
  body: string,
  timeoutMs: number,
  signal: AbortSignal,
): Promise<{ status?: number; text?: string; error?: string }> {
  return new Promise((resolve) => {
    let target: URL;
    try {
      target = new URL(url);
    } catch {
      resolve({ error: 'invalid notifyUrl' });
      return;
    }
    const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
    const req = send(
      target,
      {
        method: 'POST',
        agent: false,
        headers: {
          'content-type': 'application/json; charset=utf-8',
          'content-length': Buffer.byteLength(body),
          connection: 'close',
          'user-agent': 'HaiPay-Sandbox/0.1',
        },
        timeout: timeoutMs,
        signal,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }),
        );
        res.on('error', (err) => resolve({ error: err.message }));
      },
    );
    req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on('error', (err) => resolve({ error: err.message }));
    req.end(body);
  });
}

/** Sends notifications of one sandbox and keeps their history. */
export class Notifier {
  readonly records: NotificationRecord[] = [];
  /** Records by every number they concern (their `orderNo` and `refs`), oldest first: what `find` reads. */
  readonly #byNumber = new Map<string, NotificationRecord[]>();
  #opts: NotifierOptions;
  #seq = 0;
  #timers = new Map<number, TaskHandle>();
  #held: { record: NotificationRecord; fault: Fault }[] = [];
  #heldRelease: TaskHandle | undefined;
  /** Delivery slots in use, and attempts waiting for one (FIFO). */
  #active = 0;
  #waiting: (() => void)[] = [];
  /** Per ordering key (an order or subscription number): the latest first push about it. */
  #firstPush = new Map<string, Promise<void>>();
  /** Extra ordering key of a batch released by `outOfOrderNotifications` (sent one after the other). */
  #batchKey = new Map<number, string>();
  #batches = 0;
  #abort = new AbortController();
  #stopped = false;

  constructor(opts: NotifierOptions) {
    if (!Number.isSafeInteger(opts.concurrency) || opts.concurrency < 1)
      throw new RangeError('notifyConcurrency must be an integer ≥ 1');
    this.#opts = opts;
  }

  /** Signs and queues a notification; the first push happens on the clock, never in the caller. */
  notify(input: NotifyInput): NotificationRecord {
    const clock = this.#opts.clock;
    const payload = { ...input.payload, sign: input.signer.sign(input.payload) };
    const record: NotificationRecord = {
      id: ++this.#seq,
      kind: input.kind,
      orderNo: input.orderNo,
      refs: input.refs ?? [],
      appId: input.appId,
      url: input.url,
      body: stringifyLossless(payload),
      payload,
      state: input.url ? 'pending' : 'no-url',
      createdAt: clock.date().toISOString(),
      attempts: [],
    };
    this.records.push(record);
    for (const no of new Set([record.orderNo, ...record.refs])) {
      const same = this.#byNumber.get(no);
      if (same) same.push(record);
      else this.#byNumber.set(no, [record]);
    }
    if (!input.url) return record;
    const delayed = input.faults.find((f) => f.mode === 'delayedNotification');
    const outOfOrder = input.faults.find((f) => f.mode === 'outOfOrderNotifications');
    const duplicate = input.faults.some((f) => f.mode === 'duplicateNotification');
    if (duplicate) record.duplicate = true;
    if (outOfOrder) {
      this.#hold(record, outOfOrder);
    } else {
      this.#scheduleAttempt(record, clock.now() + (delayed ? (delayed.ms ?? 600_000) : 0));
    }
    void clock.kick();
    return record;
  }

  /** Notifications concerning `orderNo` (as the order itself or as a reference). */
  find(orderNo?: string): NotificationRecord[] {
    if (!orderNo) return [...this.records];
    return [...(this.#byNumber.get(orderNo) ?? [])];
  }

  /** Drops pending timers and aborts deliveries in flight (sandbox close). */
  stop(): void {
    this.#stopped = true;
    for (const t of this.#timers.values()) t.cancel();
    this.#timers.clear();
    this.#heldRelease?.cancel();
    this.#abort.abort();
    for (const wake of this.#waiting.splice(0)) wake();
  }

  // outOfOrderNotifications: hold the next `count` notifications, then release them newest first.
  #hold(record: NotificationRecord, fault: Fault): void {
    const clock = this.#opts.clock;
    record.state = 'held';
    this.#held.push({ record, fault });
    const release = () => {
      this.#heldRelease?.cancel();
      this.#heldRelease = undefined;
      const batch = this.#held.splice(0).reverse();
      // One ordering key for the batch: its first pushes go out one after the other, newest first.
      const key = `batch:${++this.#batches}`;
      for (const { record: r } of batch) {
        r.state = 'pending';
        this.#batchKey.set(r.id, key);
        this.#scheduleAttempt(r, clock.now());
      }
    };
    // The fault as taken carries the count left after this one; 0 means the batch is complete.
    if (fault.remaining <= 0) release();
    else if (!this.#heldRelease) {
      this.#heldRelease = clock.schedule(
        clock.now() + (fault.ms ?? 60_000),
        'release held notifications',
        release,
      );
    }
  }

  #scheduleAttempt(record: NotificationRecord, at: number): void {
    if (this.#stopped) return;
    const clock = this.#opts.clock;
    record.nextAttemptAt = new Date(at).toISOString();
    const handle = clock.schedule(at, `notify #${record.id}`, () => {
      this.#timers.delete(record.id);
      // Started, not awaited: the clock goes on with other tasks while this merchant answers.
      clock.track(this.#attempt(record));
    });
    this.#timers.set(record.id, handle);
  }

  /** The keys whose notifications are first pushed in creation order: the order, its references, a batch. */
  #orderingKeys(record: NotificationRecord): string[] {
    const batch = this.#batchKey.get(record.id);
    return [record.orderNo, ...record.refs, ...(batch ? [batch] : [])];
  }

  async #attempt(record: NotificationRecord): Promise<void> {
    delete record.nextAttemptAt;
    const n = record.attempts.filter((a) => !a.duplicate).length + 1;
    let firstPushDone: (() => void) | undefined;
    if (n === 1) {
      const keys = this.#orderingKeys(record);
      const earlier = keys.map((k) => this.#firstPush.get(k)).filter((p) => p !== undefined);
      const mine = new Promise<void>((resolve) => {
        firstPushDone = () => {
          resolve();
          for (const k of keys) if (this.#firstPush.get(k) === mine) this.#firstPush.delete(k);
        };
      });
      for (const k of keys) this.#firstPush.set(k, mine);
      await Promise.all(earlier);
    }
    try {
      await this.#slot();
      if (this.#stopped) return;
      let attempt: DeliveryAttempt;
      try {
        record.state = 'sending';
        attempt = await this.#send(record, n, false);
        if (record.duplicate && n === 1) await this.#send(record, n, true);
      } finally {
        this.#release();
      }
      if (attempt.delivered) {
        record.state = 'delivered';
      } else if (n <= this.#opts.maxRetries) {
        record.state = 'pending';
        // docs/protocol.md §2.6: every 5 minutes — counted from this attempt, per notification.
        this.#scheduleAttempt(record, Date.parse(attempt.at) + this.#opts.retryMs);
        void this.#opts.clock.kick();
      } else {
        record.state = 'failed';
      }
    } finally {
      firstPushDone?.();
    }
  }

  async #slot(): Promise<void> {
    if (this.#active < this.#opts.concurrency) {
      this.#active++;
      return;
    }
    await new Promise<void>((resolve) => this.#waiting.push(resolve));
  }

  /** Hands the slot to the next waiting attempt, or frees it. */
  #release(): void {
    const next = this.#waiting.shift();
    if (next) next();
    else this.#active--;
  }

  async #send(record: NotificationRecord, n: number, duplicate: boolean): Promise<DeliveryAttempt> {
    const at = this.#opts.clock.date().toISOString();
    const res = await post(record.url ?? '', record.body, this.#opts.timeoutMs, this.#abort.signal);
    const delivered =
      res.error === undefined &&
      (res.status ?? 0) >= 200 &&
      (res.status ?? 0) < 300 &&
      res.text === 'SUCCESS';
    const attempt: DeliveryAttempt = {
      notificationId: record.id,
      orderNo: record.orderNo,
      attempt: n,
      at,
      delivered,
      ...(res.status !== undefined ? { httpStatus: res.status } : {}),
      ...(res.text !== undefined ? { answer: res.text.slice(0, 200) } : {}),
      ...(res.error !== undefined ? { error: res.error } : {}),
      ...(duplicate ? { duplicate: true } : {}),
    };
    record.attempts.push(attempt);
    return attempt;
  }
}
