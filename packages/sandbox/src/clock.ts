/**
 * The sandbox's virtual clock and its task scheduler.
 *
 * Everything time-driven in the sandbox — QR expiry, notification retries every 5 minutes
 * (docs/protocol.md §2.6), payouts settling, subscription deductions — is a task on this clock, so a
 * test can move through a year of deductions in milliseconds. Tasks run one at a time, in time order,
 * on a single promise chain: a task may schedule more tasks (a failed notification schedules its
 * retry) and `advance` keeps running until nothing is due before the target time.
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
   * Moves virtual time forward by `ms`, running every task that falls due on the way (each awaited,
   * including notification deliveries). Resolves with the new time.
   */
  advance(ms: number): Promise<number>;
}

interface Task {
  id: number;
  at: number;
  label: string;
  run: () => unknown;
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
  #tasks: Task[] = [];
  #seq = 0;
  #chain: Promise<void> = Promise.resolve();
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
    const task: Task = { id: ++this.#seq, at, label, run };
    this.#tasks.push(task);
    return {
      id: task.id,
      at,
      cancel: () => {
        this.#tasks = this.#tasks.filter((t) => t !== task);
      },
    };
  }

  /** Runs, in the background, every task already due. Never blocks the caller. */
  kick(): Promise<void> {
    return this.#enqueue(() => this.#runUntil(this.now()));
  }

  advance(ms: number): Promise<number> {
    if (!Number.isFinite(ms) || ms < 0)
      return Promise.reject(new RangeError('advance(ms): ms must be a number ≥ 0'));
    return this.#enqueue(async () => {
      const target = this.now() + ms;
      await this.#runUntil(target);
      const now = this.now();
      if (target > now) this.#offset += target - now;
    }).then(() => this.now());
  }

  /** Resolves once every queued task run (including ones queued meanwhile) has finished. */
  async idle(): Promise<void> {
    for (;;) {
      const chain = this.#chain;
      await chain;
      if (chain === this.#chain) return;
    }
  }

  /** Pending tasks, earliest first (for the control API). */
  pending(): { id: number; at: number; label: string }[] {
    return this.#sorted().map(({ id, at, label }) => ({ id, at, label }));
  }

  /** Stops the real-time ticker and drops pending tasks. */
  stop(): void {
    if (this.#ticker) clearInterval(this.#ticker);
    this.#tasks = [];
  }

  #sorted(): Task[] {
    return [...this.#tasks].sort((a, b) => a.at - b.at || a.id - b.id);
  }

  #enqueue(job: () => Promise<void>): Promise<void> {
    const next = this.#chain.then(job);
    this.#chain = next.catch(() => undefined);
    return next;
  }

  async #runUntil(target: number): Promise<void> {
    for (;;) {
      const task = this.#sorted()[0];
      if (!task || task.at > target) return;
      this.#tasks = this.#tasks.filter((t) => t !== task);
      const now = this.now();
      if (task.at > now) this.#offset += task.at - now;
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
