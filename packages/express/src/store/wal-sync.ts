/**
 * The SQLite store's power-cut barrier: fsyncs of its `-wal` file, group-committed. With
 * `synchronous = NORMAL` a commit is in the WAL (safe from a process crash) when it returns; one
 * `fdatasync` of the WAL then makes every commit so far durable against a power cut, whichever
 * connection made it.
 */
import { open, type FileHandle } from 'node:fs/promises';

/** Group-committed fsyncs of one `-wal` file. */
export class WalSync {
  /** The `-wal` file (null for `:memory:`: nothing to flush). */
  readonly #path: string | null;
  /** The file, open from the first sync that found it until {@link close}. */
  #file: FileHandle | null = null;
  /** The sync running now, and the one queued behind it (shared by every caller that arrives meanwhile). */
  #running: Promise<void> | null = null;
  #queued: Promise<void> | null = null;
  #count = 0;

  constructor(path: string | null) {
    this.#path = path;
  }

  /** How many fsyncs have run (callers that shared one count once). */
  get count(): number {
    return this.#count;
  }

  /**
   * Flushes the WAL off the event loop (libuv's pool). Callers that arrive while an fsync runs share
   * the next one, never one that started before their call.
   */
  sync(): Promise<void> {
    if (this.#queued) return this.#queued;
    if (!this.#running) return this.#start();
    const queued = this.#running
      .catch(() => undefined)
      .then(() => {
        this.#queued = null;
        return this.#start();
      });
    this.#queued = queued;
    return queued;
  }

  /** Lets a running or queued flush finish, then closes the file. */
  async close(): Promise<void> {
    await Promise.allSettled([this.#running, this.#queued]);
    const file = this.#file;
    this.#file = null;
    await file?.close();
  }

  #start(): Promise<void> {
    const running = this.#flush().finally(() => {
      if (this.#running === running) this.#running = null;
    });
    this.#running = running;
    return running;
  }

  async #flush(): Promise<void> {
    if (!this.#path) return;
    this.#count++;
    // The descriptor is kept from the first sync to close(). While the store's connection is open the
    // -wal file stays the same file: a checkpoint restarts or truncates it in place, and only the last
    // connection to close deletes it (it must get the exclusive lock the store's shared lock
    // prevents). fdatasync flushes the file, whichever descriptor wrote it. Not there yet (no write so
    // far) means nothing is in a WAL: everything is in the synced database file.
    if (!this.#file) {
      try {
        this.#file = await open(this.#path, 'r');
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
        throw err;
      }
    }
    await this.#file.datasync();
  }
}
