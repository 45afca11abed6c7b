/**
 * The bench's processes: the router under test, the sandbox and the bare webhook reference each run in
 * a child process of their own, so the load generator (the parent) and each of them are charged only
 * their own CPU time. A child answers the parent's questions over the IPC channel (`call`); the
 * router can also be run under `strace` to count its fsyncs, in a pass of its own that is never timed.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { existsSync, openSync, readSync, closeSync, statSync } from 'node:fs';

/** The flag a module is started with when it is to run as a bench child. */
export const CHILD_FLAG = '--bench-child';

/** Where strace is looked for. */
export const STRACE = '/usr/bin/strace';

/** The syscalls counted as fsyncs. */
const SYNC_CALLS = ['fsync', 'fdatasync', 'sync_file_range', 'syncfs'];

/** CPU time and memory of a process, as a child reports them. */
export interface Usage {
  /** User + system CPU time since the process started, ms. */
  cpuMs: number;
  /** The system (kernel) part of it, ms. */
  systemMs: number;
  heapUsed: number;
  rss: number;
}

/** Reads the calling process's {@link Usage}. */
export function usage(): Usage {
  const cpu = process.cpuUsage();
  const mem = process.memoryUsage();
  return {
    cpuMs: (cpu.user + cpu.system) / 1000,
    systemMs: cpu.system / 1000,
    heapUsed: mem.heapUsed,
    rss: mem.rss,
  };
}

interface Reply {
  id: number;
  result?: unknown;
  error?: string;
}

/** A running child: ask it things, then close it. */
export interface Child {
  readonly pid: number;
  /** What the child said when it was ready (its URL, …). */
  readonly ready: Record<string, unknown>;
  /** Asks the child to run `command` with `arg`; resolves with its answer. */
  call<T>(command: string, arg?: unknown): Promise<T>;
  /** Ends the child (its `close` command, then exit). */
  close(): Promise<void>;
}

/** Options of {@link startChild}. */
export interface ChildOptions {
  /** The message sent once the child is up (its configuration). */
  init: unknown;
  /** Run under strace, writing one line per fsync-family syscall to this file. */
  straceFile?: string;
  /** Write a V8 CPU profile (`--cpu-prof`) of the whole process into this directory. */
  profileDir?: string;
}

/** Starts `module` (a bench file) as a child process and waits for it to be ready. */
export async function startChild(module: string, options: ChildOptions): Promise<Child> {
  const nodeArgs = [
    '--conditions=@haipay-kit/source',
    '--import',
    'tsx',
    '--expose-gc',
    ...(options.profileDir ? ['--cpu-prof', `--cpu-prof-dir=${options.profileDir}`] : []),
  ];
  const traced = options.straceFile;
  const child: ChildProcess = fork(module, [CHILD_FLAG], {
    ...(traced
      ? {
          execPath: STRACE,
          execArgv: [
            '-f',
            '-qq',
            '-e',
            `trace=${SYNC_CALLS.join(',')}`,
            '-e',
            'signal=none',
            '-o',
            traced,
            process.execPath,
            ...nodeArgs,
          ],
        }
      : { execArgv: nodeArgs }),
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  let nextId = 1;
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  let readyResolve: (m: Record<string, unknown>) => void = () => undefined;
  let readyReject: (e: Error) => void = () => undefined;
  const ready = new Promise<Record<string, unknown>>((resolve, reject) => {
    readyResolve = resolve;
    readyReject = reject;
  });
  child.on('message', (m: Reply | { ready: Record<string, unknown> }) => {
    if ('ready' in m) return readyResolve(m.ready);
    const p = pending.get(m.id);
    if (!p) return;
    pending.delete(m.id);
    if (m.error !== undefined) p.reject(new Error(m.error));
    else p.resolve(m.result);
  });
  const exited = new Promise<void>((resolve) =>
    child.once('exit', (code, signal) => {
      const err = new Error(`bench child ${module} exited (${code ?? signal})`);
      readyReject(err);
      for (const p of pending.values()) p.reject(err);
      pending.clear();
      resolve();
    }),
  );
  child.send({ init: options.init });
  const info = await ready;
  return {
    pid: child.pid!,
    ready: info,
    call<T>(command: string, arg?: unknown) {
      const id = nextId++;
      return new Promise<T>((resolve, reject) => {
        pending.set(id, { resolve: (v) => resolve(v as T), reject });
        child.send({ id, command, arg });
      });
    },
    async close() {
      if (child.exitCode === null && child.signalCode === null) {
        child.send({ id: 0, command: 'close' });
        const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
        await exited;
        clearTimeout(timer);
      }
    },
  };
}

/**
 * The child's side: waits for its configuration, starts (`start` returns what the parent gets as
 * `ready`), then answers commands with `handlers` until `close`.
 */
export async function serveChild<Init>(
  start: (init: Init) => Promise<{
    ready: Record<string, unknown>;
    handlers: Record<string, (arg: unknown) => unknown>;
    close: () => Promise<void>;
  }>,
): Promise<void> {
  const init = await new Promise<Init>((resolve) =>
    process.once('message', (m: { init: Init }) => resolve(m.init)),
  );
  const { ready, handlers, close } = await start(init);
  process.on('message', (m: { id: number; command: string; arg?: unknown }) => {
    if (m.command === 'close') {
      void close().finally(() => process.exit(0));
      return;
    }
    const handler = handlers[m.command];
    void (async () => {
      try {
        if (!handler) throw new Error(`unknown bench command ${m.command}`);
        process.send?.({ id: m.id, result: await handler(m.arg) });
      } catch (err) {
        process.send?.({ id: m.id, error: err instanceof Error ? (err.stack ?? err.message) : String(err) });
      }
    })();
  });
  process.send?.({ ready });
}

/** Whether fsyncs can be counted here (strace present). */
export function canTrace(): boolean {
  return existsSync(STRACE);
}

/**
 * Counts the fsync-family syscalls an strace output file gained since `offset`; returns the count and
 * the new offset. strace writes each line as the call returns, so a short pause before reading is
 * enough.
 */
export function countSyncs(file: string, offset: number): { count: number; offset: number } {
  const size = statSync(file).size;
  if (size <= offset) return { count: 0, offset };
  const buf = Buffer.alloc(size - offset);
  const fd = openSync(file, 'r');
  try {
    readSync(fd, buf, 0, buf.length, offset);
  } finally {
    closeSync(fd);
  }
  const text = buf.toString('utf8');
  // Only whole lines: a line still being written is counted next time.
  const end = text.lastIndexOf('\n') + 1;
  const re = new RegExp(`\\b(?:${SYNC_CALLS.join('|')})\\(`, 'g');
  const count = text.slice(0, end).match(re)?.length ?? 0;
  return { count, offset: offset + Buffer.byteLength(text.slice(0, end)) };
}

/** A load run's result with the CPU time a process spent meanwhile, per completed operation. */
export type Charged<T> = T & { cpuMs: number; systemMs: number };

/** Runs `work` (a load run) and charges it the CPU time `child` spent meanwhile. */
export async function charged<T extends { completed: number }>(
  child: Child,
  work: () => Promise<T>,
): Promise<Charged<T>> {
  const u0 = await child.call<Usage>('usage');
  const result = await work();
  const u1 = await child.call<Usage>('usage');
  return {
    ...result,
    cpuMs: (u1.cpuMs - u0.cpuMs) / result.completed,
    systemMs: (u1.systemMs - u0.systemMs) / result.completed,
  };
}
