/**
 * Idle status streams: the load process opens one `GET …/payments/:orderId/events` stream for each of
 * many pending orders (10,000 in the full run; one connection each), waits until every stream's watch
 * has started, then measures over a quiet window the router's CPU time per second, the HaiPay API calls
 * per second the sandbox received, and the router's heap per open stream (after a forced GC, against
 * the heap before the streams were opened). Nothing else happens meanwhile: no shopper pays, no order
 * changes. Then, the router's streams closed, as many streams are opened on the bare reference (an
 * Express route that writes one event and holds the response, bench/references.ts) and its heap per
 * stream is measured the same way: what an open response costs Express itself on this Node.
 */
import type { Child, Usage } from './children.js';
import { CONCURRENCY, load, openFileLimit, type Figure } from './lib.js';
import type { RouterBenchPlan } from './router-figures.js';
import type { RouterProcess } from './server.js';
import type { SandboxStats } from './sandbox-process.js';
import { openStream, type OpenStream, type Order } from './shop.js';

/** What {@link streamFigures} needs from the run. */
export interface StreamRun {
  router: RouterProcess;
  sandbox: { stats: () => Promise<SandboxStats> };
  /** Pending orders the router created so far (more are created when there are too few). */
  created: Order[];
  plan: RouterBenchPlan;
  checkoutTask: () => Promise<boolean>;
  /** The process serving the bare reference stream at `eventsBase/:id`. */
  reference: { child: Child; eventsBase: string };
  log: (line: string) => void;
}

/** Opens a stream at each URL, 64 at a time; the open ones and how many were refused. */
async function openAll(urls: string[]): Promise<{ open: OpenStream[]; refused: number }> {
  const open: OpenStream[] = [];
  let refused = 0;
  await load(
    async (i) => {
      const url = urls[i];
      if (!url) return true;
      try {
        open.push(await openStream(url));
        return true;
      } catch {
        refused++;
        return false;
      }
    },
    { concurrency: 64, count: urls.length },
  );
  return { open, refused };
}

/** The bare reference's heap per open stream, with `n` streams (KB, after a forced GC). */
async function referenceHeapPerStream(
  reference: StreamRun['reference'],
  n: number,
): Promise<{ kb: number | null; open: number }> {
  const before = await reference.child.call<Usage>('gcHeap');
  const urls = Array.from({ length: n }, (_, i) => `${reference.eventsBase}/hp_reference_${i}`);
  const { open } = await openAll(urls);
  try {
    await sleep(SETTLE_MS);
    const after = await reference.child.call<Usage>('gcHeap');
    return {
      kb: open.length ? (after.heapUsed - before.heapUsed) / 1024 / open.length : null,
      open: open.length,
    };
  } finally {
    for (const s of open) s.close();
    await sleep(500);
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * How long the streams are left before the window opens: the router's default store poll interval for
 * a store without change announcements (2 s, SQLite), so every watch has started, and a second more.
 */
const SETTLE_MS = 3000;

/** Measures the idle-streams figures. */
export async function streamFigures(run: StreamRun): Promise<Figure[]> {
  const { router, sandbox, created, plan, log } = run;
  // Both this process and the router hold one descriptor per stream.
  const fdLimit = openFileLimit() ?? Infinity;
  const wanted = Math.min(plan.streams, Math.max(0, fdLimit - 500));
  const name = plan.streams === 10_000 ? 'streams.idle10k' : `streams.idle${plan.streams}`;
  const limited =
    wanted < plan.streams ? `; only ${wanted} of ${plan.streams} opened: ulimit -n is ${fdLimit}` : '';
  if (created.length < wanted) {
    log(`streams: creating ${wanted - created.length} more pending orders through the router`);
    while (created.length < wanted) {
      const made = await load(run.checkoutTask, {
        concurrency: CONCURRENCY,
        count: wanted - created.length,
      });
      if (made.completed === 0) throw new Error('streams: the router creates no orders');
    }
  }
  const before = await router.child.call<Usage>('gcHeap');
  log(`streams: opening ${wanted} idle status streams`);
  const { open, refused } = await openAll(
    created.slice(0, wanted).map((o) => `${router.base}/payments/${o.orderId}/events`),
  );
  try {
    await sleep(SETTLE_MS);
    log(`streams: ${open.length} open; measuring ${plan.idleMs} ms of idle`);
    const u0 = await router.child.call<Usage>('usage');
    const s0 = await sandbox.stats();
    const t0 = performance.now();
    await sleep(plan.idleMs);
    const u1 = await router.child.call<Usage>('usage');
    const s1 = await sandbox.stats();
    const seconds = (performance.now() - t0) / 1000;
    const after = await router.child.call<Usage>('gcHeap');
    const n = open.length;
    const calls = s1.apiCalls - s0.apiCalls;
    const paths = Object.entries(s1.byPath)
      .map(([p, c]) => [p, c - (s0.byPath[p] ?? 0)] as const)
      .filter(([, c]) => c > 0)
      .map(([p, c]) => `${p} ${c}`)
      .join(', ');
    const setup = `${n} streams open (one connection and one pending order each; ${refused} refused${limited})`;
    const heapKb = n ? (after.heapUsed - before.heapUsed) / 1024 / n : null;
    for (const s of open.splice(0)) s.close();
    await sleep(500);
    log(`streams: opening ${n} bare reference streams`);
    const bare = await referenceHeapPerStream(run.reference, n);
    const ratio = heapKb !== null && bare.kb ? heapKb / bare.kb : undefined;
    return [
      {
        name: `${name}.cpuMsPerSecond`,
        value: n ? (u1.cpuMs - u0.cpuMs) / seconds : null,
        unit: 'ms CPU/s',
        aim: { op: '<=', bound: 50 },
        note: `router process CPU time per second over ${Math.round(seconds)} s with ${setup}, nothing else happening`,
      },
      {
        name: `${name}.gatewayCallsPerSecond`,
        value: n ? calls / seconds : null,
        unit: 'calls/s',
        aim: { op: '<=', bound: 1 },
        note: `HaiPay API calls the sandbox received per second over the same window (${paths || 'none'})`,
      },
      {
        name: `${name}.heapKbPerStream`,
        value: heapKb,
        unit: 'KB',
        reference: 'reference.bareStream.heapKbPerStream',
        ...(ratio === undefined ? {} : { ratio }),
        aim: { op: '<=', bound: 8 },
        note:
          `router heap (after a forced GC) with the streams open minus before they were opened, per stream; ` +
          `RSS grew ${n ? ((after.rss - before.rss) / 1024 / n).toFixed(1) : '?'} KB per stream`,
      },
      {
        name: 'reference.bareStream.heapKbPerStream',
        value: bare.kb,
        unit: 'KB',
        note:
          `heap per open stream of a bare Express 5 route that writes one event and holds the response ` +
          `(bench/references.ts), ${bare.open} streams, measured the same way right after the router's: ` +
          `what an open response costs Express itself, before any kit code`,
      },
    ];
  } finally {
    for (const s of open) s.close();
    await sleep(500);
  }
}
