/**
 * Small measuring tools for `pnpm bench`: the figure format of bench/latest.json and its table, the
 * machine description, medians and percentiles, and the load generator's HTTP side (keep-alive
 * connections, a fixed number of concurrent loops).
 */
import http from 'node:http';
import os from 'node:os';
import { mkdirSync, readFileSync, realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** Concurrent requests of every load run of the router's figures, figure and reference alike. */
export const CONCURRENCY = 8;

/** The repository root. */
export const ROOT = fileURLToPath(new URL('..', import.meta.url));

/**
 * Where the bench keeps its databases, logs and probe files: a directory of the repository (gitignored),
 * so on the machine's real disk — not `os.tmpdir()`, which is a RAM disk on many machines.
 */
export const DATA_DIR = `${ROOT}bench/.data`;

/** Creates {@link DATA_DIR} (and `sub` inside it) and returns its path. */
export function dataDir(sub = ''): string {
  const dir = sub ? `${DATA_DIR}/${sub}` : DATA_DIR;
  mkdirSync(dir, { recursive: true });
  return dir;
}

/** What a figure should be: `value op bound` (or `ratio op bound` when `on` is `ratio`). */
interface Aim {
  op: '<=' | '>=';
  bound: number;
  /** The aim applies to the figure's ratio to its reference rather than to its value. */
  on?: 'ratio';
  /** Where the bound comes from when it is not a constant, e.g. `disk.fsync.p99Ms + 2`. */
  from?: string;
}

/** One benchmark figure, as written to bench/latest.json. */
export interface Figure {
  name: string;
  /** The measured value; null when it could not be measured on this machine (`note` says why). */
  value: number | null;
  unit: string;
  /** Name of the reference figure this one is compared with, measured in the same run. */
  reference?: string;
  /** value / reference value. */
  ratio?: number;
  aim?: Aim;
  /** Whether the aim is met (absent without an aim or a value). */
  met?: boolean;
  /** One line on how it was measured. */
  note?: string;
}

/** Returns the figure with `met` decided from its aim. */
export function judged(f: Figure): Figure {
  if (!f.aim || f.value === null) return f;
  const x = f.aim.on === 'ratio' ? f.ratio : f.value;
  if (x === undefined || !Number.isFinite(x)) return f;
  return { ...f, met: f.aim.op === '<=' ? x <= f.aim.bound : x >= f.aim.bound };
}

/** The filesystem a path lives on, from /proc/mounts (Linux), e.g. `{ fs: 'ext4', device: '/dev/vda' }`. */
function filesystemOf(path: string): { mount: string; fs: string; device: string } | undefined {
  try {
    const real = realpathSync(path);
    let best: { mount: string; fs: string; device: string } | undefined;
    for (const line of readFileSync('/proc/mounts', 'utf8').split('\n')) {
      const [device, mount, fs] = line.split(' ');
      if (!device || !mount || !fs) continue;
      const inside = mount === '/' || real === mount || real.startsWith(`${mount}/`);
      if (inside && (!best || mount.length >= best.mount.length)) best = { mount, fs, device };
    }
    return best;
  } catch {
    return undefined;
  }
}

/** The soft limit on open files of this process (`ulimit -n`), from /proc/self/limits. */
export function openFileLimit(): number | undefined {
  try {
    const line = readFileSync('/proc/self/limits', 'utf8')
      .split('\n')
      .find((l) => l.startsWith('Max open files'));
    const soft = line?.split(/\s{2,}/)[1];
    return soft && /^\d+$/.test(soft) ? Number(soft) : undefined;
  } catch {
    return undefined;
  }
}

/** The machine the figures were measured on, and how busy it was when the run began. */
export function machine() {
  const cpus = os.cpus();
  const disk = filesystemOf(dataDir());
  return {
    cpuModel: cpus[0]?.model ?? 'unknown',
    cores: cpus.length,
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    node: process.version,
    platform: `${os.platform()} ${os.arch()} ${os.release()}`,
    disk: disk ? { dir: 'bench/.data', fs: disk.fs, device: disk.device, mount: disk.mount } : undefined,
    openFileLimit: openFileLimit(),
    loadAverage1m: Math.round(os.loadavg()[0]! * 100) / 100,
    date: new Date().toISOString(),
  };
}

/** The median of some numbers (NaN when there are none). */
export function median(values: readonly number[]): number {
  return percentile(
    [...values].sort((a, b) => a - b),
    50,
  );
}

/** Nearest-rank percentile of already-sorted numbers. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank]!;
}

/** An HTTP request description for {@link request}. */
export interface Req {
  method: 'GET' | 'POST';
  url: string;
  headers?: Record<string, string>;
  body?: string;
}

const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });

/**
 * Sends one request over the shared keep-alive agent; resolves with status and body text. A request
 * that finds its reused connection already closed by the server (the keep-alive race: `ECONNRESET`
 * before any answer) is sent once more on a new connection, as Node's documentation advises; any other
 * failure rejects.
 */
export function request(req: Req, retried = false): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const u = new URL(req.url);
    const r = http.request(
      {
        agent,
        method: req.method,
        hostname: u.hostname,
        port: u.port,
        path: u.pathname + u.search,
        headers: {
          ...(req.body !== undefined
            ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(req.body) }
            : {}),
          ...req.headers,
        },
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
        res.on('error', reject);
      },
    );
    r.on('error', (err: NodeJS.ErrnoException) => {
      if (!retried && r.reusedSocket && err.code === 'ECONNRESET') resolve(request(req, true));
      else reject(err);
    });
    if (req.body !== undefined) r.write(req.body);
    r.end();
  });
}

/** What a load run did. */
export interface LoadResult {
  /** Tasks that succeeded, per second of the run. */
  perSecond: number;
  /** Tasks that succeeded. */
  completed: number;
  /** Tasks that failed (threw or returned false): counted, never left out silently. */
  errors: number;
  /** Wall-clock length of the run, ms. */
  ms: number;
}

/**
 * Runs `task` from `concurrency` concurrent loops until `count` tasks have been started or, without a
 * count, for `durationMs`. A task that throws or returns false counts as an error, not a completion.
 */
export async function load(
  task: (i: number) => Promise<boolean>,
  options: { concurrency: number; durationMs?: number; count?: number },
): Promise<LoadResult> {
  let started = 0;
  let completed = 0;
  let errors = 0;
  const start = performance.now();
  const end = start + (options.durationMs ?? Infinity);
  const more = () => (options.count !== undefined ? started < options.count : performance.now() < end);
  await Promise.all(
    Array.from({ length: options.concurrency }, async () => {
      while (more()) {
        const ok = await task(started++).catch(() => false);
        if (ok) completed++;
        else errors++;
      }
    }),
  );
  const ms = performance.now() - start;
  return { perSecond: completed / (ms / 1000), completed, errors, ms };
}

/** Formats a number for the table: thousands separated from 100 up, two decimals below. */
function formatNumber(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  if (Number.isInteger(x) || Math.abs(x) >= 100) return Math.round(x).toLocaleString('en-US');
  if (Math.abs(x) >= 0.1 || x === 0) return x.toFixed(2);
  return x.toPrecision(2);
}

/** The aim as text, e.g. `≤ 50` or `ratio ≥ 1`. */
function aimText(aim: Aim | undefined): string {
  if (!aim) return '';
  const op = aim.op === '<=' ? '≤' : '≥';
  const bound = aim.from ? `${aim.from} = ${formatNumber(aim.bound)}` : formatNumber(aim.bound);
  return `${aim.on === 'ratio' ? 'ratio ' : ''}${op} ${bound}`;
}

/** The rows of the table: figure, value, unit, reference, ratio, aim, met. */
export function tableRows(figures: readonly Figure[]): string[][] {
  return figures.map((f) => [
    f.name,
    f.value === null ? 'not measured' : formatNumber(f.value),
    f.unit,
    f.reference ?? '',
    f.ratio === undefined ? '' : formatNumber(f.ratio),
    aimText(f.aim),
    f.met === undefined ? (f.aim ? '—' : '') : f.met ? 'yes' : 'NO',
  ]);
}

/** The table's column headings. */
export const TABLE_HEAD = ['figure', 'value', 'unit', 'reference', 'ratio', 'aim', 'met?'];

/** Formats the figures as one aligned text table. */
export function table(figures: readonly Figure[]): string {
  const rows = tableRows(figures);
  const widths = TABLE_HEAD.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c]!.length)));
  const right = new Set([1, 4]);
  const line = (r: string[]) =>
    r
      .map((cell, c) => (right.has(c) ? cell.padStart(widths[c]!) : cell.padEnd(widths[c]!)))
      .join('  ')
      .trimEnd();
  return [line(TABLE_HEAD), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}
