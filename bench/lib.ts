/**
 * Small measuring tools for `pnpm bench`: a closed-loop HTTP load generator over keep-alive
 * connections, percentiles, and the figure/report format of bench/latest.json.
 */
import http from 'node:http';
import os from 'node:os';

/** One benchmark figure, as written to bench/latest.json. */
export interface Figure {
  name: string;
  value: number;
  unit: string;
  /** Name of the reference figure this one is compared with, measured in the same run. */
  reference?: string;
  /** value / reference value. */
  ratio?: number;
  /** One line on how it was measured. */
  note?: string;
}

/** The machine the figures were measured on. */
export function machine() {
  const cpus = os.cpus();
  return {
    cpuModel: cpus[0]?.model ?? 'unknown',
    cores: cpus.length,
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    node: process.version,
    platform: `${os.platform()} ${os.arch()}`,
    date: new Date().toISOString(),
  };
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

/** Sends one request over the shared keep-alive agent; resolves with status and body text. */
export function request(req: Req): Promise<{ status: number; body: string }> {
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
      },
    );
    r.on('error', reject);
    if (req.body !== undefined) r.write(req.body);
    r.end();
  });
}

/**
 * Runs `task` from `concurrency` concurrent loops for `durationMs` after a short warm-up and returns
 * completed tasks per second and each task's latency in milliseconds (sorted). A task that throws or
 * returns false counts as an error, not a completion.
 */
export async function closedLoop(
  task: (i: number) => Promise<boolean>,
  { concurrency = 16, durationMs = 3000, warmupMs = 500 } = {},
): Promise<{ perSecond: number; latencies: number[]; errors: number; completed: number }> {
  let i = 0;
  const deadlineWarm = Date.now() + warmupMs;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (Date.now() < deadlineWarm) await task(i++).catch(() => false);
    }),
  );
  const latencies: number[] = [];
  let errors = 0;
  const start = performance.now();
  const end = start + durationMs;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < end) {
        const t0 = performance.now();
        const ok = await task(i++).catch(() => false);
        if (ok) latencies.push(performance.now() - t0);
        else errors++;
      }
    }),
  );
  const seconds = (performance.now() - start) / 1000;
  latencies.sort((a, b) => a - b);
  return { perSecond: latencies.length / seconds, latencies, errors, completed: latencies.length };
}

/** Formats the figures as one aligned text table. */
export function table(figures: readonly Figure[]): string {
  const rows = figures.map((f) => [
    f.name,
    f.value >= 100 ? Math.round(f.value).toLocaleString('en-US') : f.value.toFixed(2),
    f.unit,
    f.reference ?? '',
    f.ratio === undefined ? '' : f.ratio >= 10 ? f.ratio.toFixed(0) : f.ratio.toFixed(3),
  ]);
  const head = ['figure', 'value', 'unit', 'reference', 'ratio'];
  const widths = head.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c]!.length)));
  const line = (r: string[]) =>
    r.map((cell, c) => (c === 1 || c === 4 ? cell.padStart(widths[c]!) : cell.padEnd(widths[c]!))).join('  ');
  return [line(head), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}
