/**
 * The sandbox's virtual clock and its task scheduler.
 *
 * Everything time-driven in the sandbox — QR expiry, notification retries every 5 minutes
 * (docs/protocol.md §2.6), payouts settling, subscription deductions — is a task on this clock, so a
 * test can move through a year of deductions in milliseconds. Tasks run one at a time, in time order,
 * on a single promise chain, and each is short: work that waits on the network (a notification
 * delivery) is started by its task and {@link VirtualClock.track tracked}, never awaited on the chain,
 * so one slow merchant cannot hold up any other task. `advance` waits for tracked work before it moves
 * time past it (a delivery's answer decides whether a retry is scheduled), and keeps running until
 * nothing is due before the target time; `idle` waits until nothing is due or in flight.
 */
/** How the clock moves: only when told (`manual`, for tests) or with real time plus any advances. */
export type ClockMode = 'manual' | 'real';

/** The public face of the clock, on `sandbox.clock`. */
export interface SandboxClock {
  /** Current virtual time, epoch milliseconds. */
  now(): number;
  /** Current virtual time as a `Date`. */
  date(): Date;
  /**
   * Moves virtual time forward by `ms`, running every task that falls due on the way and waiting for
   * the deliveries they start (so retries scheduled by their answers run too). Resolves with the new time.
   */
  advance(ms: number): Promise<number>;
}

interface Task {
  id: number;
  at: number;
  label: string;
  run: () => unknown;
  /** Position in the queue's heap; -1 once run, cancelled or dropped. */
  slot: number;
}

/** Whether task `a` runs before task `b`: earlier time first, then scheduling order. */
const before = (a: Task, b: Task) => a.at < b.at || (a.at === b.at && a.id < b.id);

/**
 * Pending tasks as a binary min-heap on (time, scheduling order). A sandbox keeps a task per open
 * order (its expiry), so thousands may be pending: the next one is read at once, and adding or
 * cancelling one costs O(log n) — no request sorts or filters them all.
 */
class TaskQueue {
  readonly #heap: Task[] = [];

  /** The task that runs next, if any. */
  peek(): Task | undefined {
    return this.#heap[0];
  }

  push(task: Task): void {
    task.slot = this.#heap.length;
    this.#heap.push(task);
    this.#up(task.slot);
  }

  /** Takes `task` out of the queue; false when it is not in it (already run or cancelled). */
  remove(task: Task): boolean {
    const i = task.slot;
    if (i < 0 || this.#heap[i] !== task) return false;
    task.slot = -1;
    const last = this.#heap.pop()!;
    if (last !== task) {
      this.#heap[i] = last;
      last.slot = i;
      this.#down(i);
      this.#up(last.slot);
    }
    return true;
  }

  /** Every pending task, earliest first (a copy: for listing, never on a request's path). */
  sorted(): Task[] {
    return [...this.#heap].sort((a, b) => a.at - b.at || a.id - b.id);
  }

  clear(): void {
    for (const t of this.#heap) t.slot = -1;
    this.#heap.length = 0;
  }

  #swap(i: number, j: number): void {
    const a = this.#heap[i]!;
    const b = this.#heap[j]!;
    this.#heap[i] = b;
    b.slot = i;
    this.#heap[j] = a;
    a.slot = j;
  }

  #up(i: number): void {
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!before(this.#heap[i]!, this.#heap[parent]!)) return;
      this.#swap(i, parent);
      i = parent;
    }
  }

  #down(i: number): void {
    const h = this.#heap;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let first = i;
      if (l < h.length && before(h[l]!, h[first]!)) first = l;
      if (r < h.length && before(h[r]!, h[first]!)) first = r;
      if (first === i) return;
      this.#swap(i, first);
      i = first;
    }
  }
}

/** A scheduled task handle. */
export interface TaskHandle {
  /** Task id (for logs). */
  readonly id: number;
  /** When the task is due (virtual epoch ms). */
  readonly at: number;
  /** Removes the task if it has not run yet. */
  cancel(): void;
}

/** Virtual clock + serialized scheduler. One per sandbox instance (no module state). */
export class VirtualClock implements SandboxClock {
  readonly mode: ClockMode;
  #base: number;
  #realStart = Date.now();
  #offset = 0;
  readonly #tasks = new TaskQueue();
  #seq = 0;
  /** Serializes task runs: kicks and the steps of an advance. */
  #chain: Promise<unknown> = Promise.resolve();
  /** Serializes advances among themselves (kicks still run between the steps of one). */
  #advancing: Promise<unknown> = Promise.resolve();
  /** Background work started by tasks and not finished yet (notification deliveries). */
  #inflight = new Set<Promise<void>>();
  #ticker: ReturnType<typeof setInterval> | undefined;
  #onError: (err: unknown, label: string) => void;

  constructor(
    options: { mode?: ClockMode; start?: number; onError?: (err: unknown, label: string) => void } = {},
  ) {
    this.mode = options.mode ?? 'manual';
    this.#base = options.start ?? Date.now();
    this.#onError =
      options.onError ?? ((err, label) => console.error(`[sandbox] task ${label} failed:`, err));
    if (this.mode === 'real') {
      // Real mode: time flows by itself, so something has to notice when tasks fall due.
      this.#ticker = setInterval(() => void this.kick(), 200);
      this.#ticker.unref();
    }
  }

  now(): number {
    const real = this.mode === 'real' ? Date.now() - this.#realStart : 0;
    return this.#base + real + this.#offset;
  }

  date(): Date {
    return new Date(this.now());
  }

  /** Schedules `run` at virtual time `at` (tasks due at the same time run in scheduling order). */
  schedule(at: number, label: string, run: () => unknown): TaskHandle {
    const task: Task = { id: ++this.#seq, at, label, run, slot: -1 };
    this.#tasks.push(task);
    return {
      id: task.id,
      at,
      cancel: () => void this.#tasks.remove(task),
    };
  }

  /**
   * Tracks background work a task started (a notification delivery): `advance` does not move time
   * past it and `idle` does not resolve before it settles. A rejection is reported, never thrown.
   */
  track(work: Promise<unknown>): void {
    const p: Promise<void> = work.then(
      () => undefined,
      (err: unknown) => this.#onError(err, 'background work'),
    );
    this.#inflight.add(p);
    void p.then(() => this.#inflight.delete(p));
  }

  /** How many tracked pieces of background work are still running. */
  get inFlight(): number {
    return this.#inflight.size;
  }

  /** Runs, in the background, every task already due. Never waits for tracked work. */
  kick(): Promise<void> {
    return this.#enqueue(() => this.#runDue());
  }

  advance(ms: number): Promise<number> {
    if (!Number.isFinite(ms) || ms < 0)
      return Promise.reject(new RangeError('advance(ms): ms must be a number ≥ 0'));
    const run = async (): Promise<number> => {
      let target: number | undefined;
      for (;;) {
        // One step on the chain: run what is due now; then wait for deliveries, or jump to the next task.
        const step = await this.#enqueue(async () => {
          target ??= this.now() + ms;
          await this.#runDue();
          if (this.#inflight.size > 0) return 'wait';
          const next = this.#tasks.peek();
          const now = this.now();
          if (next && next.at <= target) {
            if (next.at > now) this.#offset += next.at - now;
            return 'again';
          }
          if (target > now) this.#offset += target - now;
          return 'done';
        });
        if (step === 'done') return this.now();
        // Off the chain, so a kick (a new notification) still runs while a slow delivery is awaited.
        if (step === 'wait') await Promise.all([...this.#inflight]);
      }
    };
    const result = this.#advancing.then(run);
    this.#advancing = result.catch(() => undefined);
    return result;
  }

  /**
   * Resolves when nothing is due and nothing is in flight: every due task has run and every delivery
   * it started has been answered (or has failed), retries that fall due meanwhile included.
   */
  async idle(): Promise<void> {
    for (;;) {
      await this.kick();
      const chain = this.#chain;
      await chain;
      if (chain !== this.#chain) continue;
      if (this.#inflight.size === 0) {
        const next = this.#tasks.peek();
        if (!next || next.at > this.now()) return;
        continue;
      }
      await Promise.all([...this.#inflight]);
    }
  }

  /** Pending tasks, earliest first (for the control API). */
  pending(): { id: number; at: number; label: string }[] {
    return this.#tasks.sorted().map(({ id, at, label }) => ({ id, at, label }));
  }

  /** Stops the real-time ticker and drops pending tasks. */
  stop(): void {
    if (this.#ticker) clearInterval(this.#ticker);
    this.#tasks.clear();
  }

  #enqueue<T>(job: () => Promise<T>): Promise<T> {
    const next = this.#chain.then(job);
    this.#chain = next.catch(() => undefined);
    return next;
  }

  /** Runs every task due now, in time order (a task may schedule more; those run too when due). */
  async #runDue(): Promise<void> {
    for (;;) {
      const task = this.#tasks.peek();
      if (!task || task.at > this.now()) return;
      this.#tasks.remove(task);
      try {
        await task.run();
      } catch (err) {
        this.#onError(err, task.label);
      }
    }
  }
}

/** Formats epoch ms as `yyyy-MM-dd HH:mm:ss` at a fixed UTC offset (HaiPay's local-time fields). */
export function formatLocalTime(ms: number, offsetHours: number): string {
  const d = new Date(ms + offsetHours * 3_600_000);
  const p = (n: number) => String(n).padStart(2, '0');
  return (
    `${d.getUTCFullYear()}-${p(d.getUTCMonth() + 1)}-${p(d.getUTCDate())} ` +
    `${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())}`
  );
}
