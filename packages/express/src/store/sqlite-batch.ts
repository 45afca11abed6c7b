/**
 * The SQLite store's group commit: writes that arrive during one turn of the event loop are committed
 * together, in one IMMEDIATE transaction, at the end of that turn (`setImmediate`). A SQLite commit
 * costs far more than the statements in it (locks, WAL frame headers, the wal-index; the same page
 * changed by two writes is appended once), so concurrent notifications and checkouts share it.
 *
 * Nothing about a write changes for its caller: its promise settles only after the commit that holds
 * it, so what a caller was told is already in the WAL (safe from a process crash), exactly as when each
 * write committed alone. A write that throws is undone alone (its own savepoint) and rejects its own
 * promise; the others in the batch still commit. A batch whose transaction cannot begin or commit (the
 * file locked past `busy_timeout`, a full disk) rejects every write in it, and none of them happened.
 */
import type Database from 'better-sqlite3';

/** One queued write. */
interface Queued {
  run: () => unknown;
  resolve: (value: unknown) => void;
  reject: (reason: unknown) => void;
}

/** What a write ended as, inside the batch's transaction. */
type Outcome = { ok: true; value: unknown } | { ok: false; error: unknown };

// Captured when the module loads: a test that fakes the timers does not stop the store's commits.
const nextTurn = setImmediate;

/** The group commit of one SQLite connection. */
export class SqliteWriteBatch {
  readonly #db: Database.Database;
  #queue: Queued[] = [];
  #scheduled = false;

  constructor(db: Database.Database) {
    this.#db = db;
  }

  /** Runs `write` (synchronous statements) in this turn's batch; settles once that batch committed. */
  run<T>(write: () => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.#queue.push({ run: write, resolve: resolve as (value: unknown) => void, reject });
      if (!this.#scheduled) {
        this.#scheduled = true;
        nextTurn(() => this.flush());
      }
    });
  }

  /** Commits what is queued now (also before the store closes). */
  flush(): void {
    this.#scheduled = false;
    const queued = this.#queue;
    this.#queue = [];
    if (queued.length === 0) return;
    let outcomes: Outcome[];
    try {
      outcomes = queued.length === 1 ? [this.#one(queued[0]!)] : this.#many(queued);
    } catch (error) {
      for (const q of queued) q.reject(error);
      return;
    }
    outcomes.forEach((o, i) => (o.ok ? queued[i]!.resolve(o.value) : queued[i]!.reject(o.error)));
  }

  /** A write alone commits as it always did: its statement (or its own transaction) on its own. */
  #one(q: Queued): Outcome {
    try {
      return { ok: true, value: q.run() };
    } catch (error) {
      return { ok: false, error };
    }
  }

  #many(queued: Queued[]): Outcome[] {
    const db = this.#db;
    return db
      .transaction(() =>
        queued.map((q): Outcome => {
          try {
            // Nested in the batch, a better-sqlite3 transaction is a savepoint: this write alone is undone.
            return { ok: true, value: db.transaction(q.run)() };
          } catch (error) {
            // Some errors (a full disk, I/O) end the whole transaction: then none of the batch happened.
            if (!db.inTransaction) throw error;
            return { ok: false, error };
          }
        }),
      )
      .immediate();
  }
}
