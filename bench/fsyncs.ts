/**
 * fsyncs per operation: a pass of its own, never timed, with a fresh router process (and a fresh bare
 * webhook) run under `strace -f`, which writes one line per fsync-family call (fsync, fdatasync,
 * sync_file_range, syncfs) of any of its threads. The lines a window of operations added, divided by
 * the operations acknowledged in it, is the figure; WAL checkpoints and the log file are counted where
 * they fall, like everything else the process does.
 */
import type { SandboxConfig } from '@haipay-kit/sandbox';
import { canTrace, countSyncs, STRACE } from './children.js';
import { CONCURRENCY, dataDir, load, type Figure } from './lib.js';
import { startWebhookReference } from './references.js';
import type { RouterBenchPlan } from './router-figures.js';
import { startRouterProcess, type RouterInit } from './server.js';
import { checkoutInto, notify, successNotification, type Order } from './shop.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** What {@link fsyncFigures} needs from the run. */
export interface FsyncRun {
  config: SandboxConfig;
  /** The timed router's configuration (a fresh database and log are used here). */
  init: RouterInit;
  plan: RouterBenchPlan;
  log: (line: string) => void;
}

const NAMES = [
  ['fsyncs.perCheckout', 'checkout (POST /payments)', 1],
  ['fsyncs.perFirstNotification', 'acknowledged first delivery', 1],
  ['fsyncs.perDuplicateNotification', 'acknowledged duplicate delivery', 1],
  ['reference.webhookFsync.fsyncsPerRequest', 'request of the bare webhook', undefined],
] as const;

/** Measures fsyncs per operation, or says why they were not measured. */
export async function fsyncFigures(run: FsyncRun): Promise<Figure[]> {
  if (!canTrace()) {
    run.log(`fsyncs: not measured (no ${STRACE}; scripts/bench.sh installs it as root)`);
    return NAMES.map(([name, what, aim]) => ({
      name,
      value: null,
      unit: 'fsyncs',
      ...(aim ? { aim: { op: '<=' as const, bound: aim } } : {}),
      note: `fsyncs per ${what}: not measured, ${STRACE} not found (install strace)`,
    }));
  }
  const dir = dataDir('fsyncs');
  const routerTrace = `${dir}/router.strace`;
  const webhookTrace = `${dir}/webhook.strace`;
  const stamp = Date.now();
  run.log(`fsyncs: counting pass under strace (${run.plan.fsyncOps} operations of each kind)`);
  const router = await startRouterProcess(
    { ...run.init, dbFile: `${dir}/router-${stamp}.db`, logFile: `${dir}/router-${stamp}.log` },
    { straceFile: routerTrace },
  );
  const webhook = await startWebhookReference(`${dir}/webhook-${stamp}.db`, webhookTrace);
  try {
    /** Runs `task` `count` times; returns acknowledged operations and fsyncs per acknowledged one. */
    const counted = async (file: string, count: number, task: (i: number) => Promise<boolean>) => {
      await sleep(300);
      const start = countSyncs(file, 0).offset;
      const res = await load(task, { concurrency: CONCURRENCY, count });
      await sleep(300);
      const { count: syncs } = countSyncs(file, start);
      return { ops: res.completed, errors: res.errors, syncs, perOp: syncs / res.completed };
    };
    const orders: Order[] = [];
    const make = checkoutInto(router.base, orders);
    // Warm-up: the database's first pages and the first WAL frames.
    await load(make, { concurrency: CONCURRENCY, count: 20 });
    orders.length = 0;
    const n = run.plan.fsyncOps;
    const checkouts = await counted(routerTrace, n, make);
    const bodies = orders.map((o) => successNotification(run.config, o));
    const first = await counted(routerTrace, bodies.length, (i) =>
      notify(`${router.base}/notify`, bodies[i]!),
    );
    const dups = await counted(routerTrace, bodies.length, (i) =>
      notify(`${router.base}/notify`, bodies[i]!),
    );
    await load((i) => notify(webhook.url, bodies[i % bodies.length]!), {
      concurrency: CONCURRENCY,
      count: 20,
    });
    const ref = await counted(webhookTrace, bodies.length, (i) => notify(webhook.url, bodies[i]!));
    return [checkouts, first, dups, ref].map((c, i) => {
      const [name, what, aim] = NAMES[i]!;
      return {
        name,
        value: c.perOp,
        unit: 'fsyncs',
        ...(aim ? { aim: { op: '<=' as const, bound: aim } } : {}),
        note: `fsync-family syscalls per ${what}: ${c.syncs} over ${c.ops} (${c.errors} failed), counted with strace -f in an untimed pass`,
      };
    });
  } finally {
    await router.child.close();
    await webhook.child.close();
  }
}
