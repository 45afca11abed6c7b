/**
 * The router's figures. Three processes: the sandbox (bench/sandbox-process.ts), the router under test
 * (bench/server.ts) and this one, the load generator (keep-alive connections, CONCURRENCY loops). The
 * router reports its own CPU time over IPC, so CPU per operation = the router's CPU time over a window
 * ÷ the operations completed in it. Every reference is measured in the same run, interleaved with its
 * figure (figure, reference, figure, reference … over several rounds; medians reported), at the same
 * concurrency:
 *
 * - checkouts ↔ one RSA-2048 signature's CPU time, measured in the router process;
 * - first notifications ↔ the bare webhook (`express.json()` + one fsync'd SQLite insert);
 * - the router's added latency ↔ pairs of the same signed collect apply sent direct to the sandbox and
 *   through the router, back to back, in alternating order, with the disk's fsync latency sampled
 *   between blocks of pairs.
 *
 * Then the idle status streams (bench/streams.ts), the PostgreSQL store (bench/postgres.ts) and, in a
 * pass of its own under strace, the fsyncs per operation (bench/fsyncs.ts).
 */
import { rmSync } from 'node:fs';
import { generateSandboxConfig, type SandboxConfig } from '@haipay-kit/sandbox';
import { charged, type Charged, type Child } from './children.js';
import { fsyncFigures } from './fsyncs.js';
import { CONCURRENCY, dataDir, load, median, percentile, type Figure, type LoadResult } from './lib.js';
import { failed, notificationRounds } from './notifications.js';
import { postgresFigures } from './postgres.js';
import { startFloorReference } from './floor.js';
import { fsyncLatencies, startWebhookReference } from './references.js';
import { startSandboxProcess, type SandboxStats } from './sandbox-process.js';
import { startRouterProcess, type RouterCounters, type RouterProcess, type RsaCost } from './server.js';
import { checkoutInto, directClient, merchantsOf, successNotification, type Order } from './shop.js';
import { streamFigures } from './streams.js';

/** How long and how often each part runs. */
export interface RouterBenchPlan {
  /** Rounds of figure + reference (medians over them). */
  rounds: number;
  /** Length of one checkout window, ms. */
  checkoutMs: number;
  /** RSA operations per reference measurement. */
  rsaOps: number;
  /** Notifications per round (first deliveries; as many duplicates and webhook requests). */
  notifyBatch: number;
  /** Latency pairs, in blocks (fsync samples between blocks). */
  pairs: number;
  pairBlocks: number;
  /** fsync samples per block. */
  fsyncSamples: number;
  /** Idle status streams opened. */
  streams: number;
  /** Length of the idle-streams window, ms. */
  idleMs: number;
  /** Operations of each kind in the fsync-counting pass. */
  fsyncOps: number;
}

/** The full run (a few minutes) and `--quick` (a smoke run of every part). */
export const PLANS: Record<'full' | 'quick', RouterBenchPlan> = {
  full: {
    rounds: 5,
    checkoutMs: 3000,
    rsaOps: 200,
    notifyBatch: 400,
    pairs: 1000,
    pairBlocks: 10,
    fsyncSamples: 100,
    streams: 10_000,
    idleMs: 10_000,
    fsyncOps: 200,
  },
  quick: {
    rounds: 2,
    checkoutMs: 1000,
    rsaOps: 50,
    notifyBatch: 100,
    pairs: 100,
    pairBlocks: 2,
    fsyncSamples: 50,
    streams: 300,
    idleMs: 3000,
    fsyncOps: 40,
  },
};

/** What the parts of the run share. */
interface Run {
  config: SandboxConfig;
  plan: RouterBenchPlan;
  router: RouterProcess;
  sandbox: { url: string; stats: () => Promise<SandboxStats> };
  webhook: { child: Child; url: string };
  /** The hand-written checkout route (bench/floor.ts). */
  floor: { child: Child; base: string };
  /** Pending orders the router created (first deliveries take theirs out). */
  created: Order[];
  /** One checkout through the router; its order joins `created`. */
  checkoutTask: () => Promise<boolean>;
  dir: string;
  log: (line: string) => void;
}

/** Checkouts, interleaved with the RSA reference measured in the router process. */
async function checkoutFigures(run: Run): Promise<Figure[]> {
  const { plan, router, sandbox } = run;
  run.log(
    `router: checkouts (${plan.rounds} rounds of ${plan.checkoutMs} ms, ${CONCURRENCY} concurrent) ↔ RSA`,
  );
  const rounds = [];
  const floors: Charged<LoadResult>[] = [];
  const rsa: RsaCost[] = [];
  const floorTask = checkoutInto(run.floor.base, []);
  const logged0 = await router.child.call<RouterCounters>('counters');
  for (let r = 0; r < plan.rounds; r++) {
    const s0 = await sandbox.stats();
    const res = await charged(router.child, () =>
      load(run.checkoutTask, { concurrency: CONCURRENCY, durationMs: plan.checkoutMs }),
    );
    const s1 = await sandbox.stats();
    rounds.push({ ...res, sandboxCpuMs: (s1.cpuMs - s0.cpuMs) / res.completed });
    rsa.push(await router.child.call<RsaCost>('rsa', plan.rsaOps));
    floors.push(
      await charged(run.floor.child, () =>
        load(floorTask, { concurrency: CONCURRENCY, durationMs: plan.checkoutMs }),
      ),
    );
  }
  const logged1 = await router.child.call<RouterCounters>('counters');
  const completed = rounds.reduce((n, c) => n + c.completed, 0);
  const logLines = (logged1.logLines - logged0.logLines) / completed;
  const logBytes = (logged1.logBytes - logged0.logBytes) / completed;
  const signCpu = median(rsa.map((c) => c.signCpuMs));
  const verifyCpu = median(rsa.map((c) => c.verifyCpuMs));
  return [
    {
      name: 'checkout.perSecond',
      value: median(rounds.map((c) => c.perSecond)),
      unit: 'checkouts/s',
      note:
        `POST /payments (PromptPay) → signed collect apply to the sandbox → verified answer → SQLite; ` +
        `${CONCURRENCY} concurrent, median of ${plan.rounds} rounds; ${failed(rounds)} failed; three ` +
        `processes share the machine's cores, so this is the machine's rate, not the router's alone`,
    },
    {
      name: 'checkout.routerCpuMs',
      value: median(rounds.map((c) => c.cpuMs)),
      unit: 'ms CPU',
      reference: 'reference.floorCheckout.cpuMs',
      ratio: median(rounds.map((c, i) => c.cpuMs / floors[i]!.cpuMs)),
      note:
        `router process CPU time (user + system) per completed checkout, median of ${plan.rounds} rounds ` +
        `(system: ${median(rounds.map((c) => c.systemMs)).toFixed(2)} ms); it includes the router's one ` +
        `RSA signature (the request) and one verification (the answer); the sandbox's own (in its ` +
        `process: ${median(rounds.map((c) => c.sandboxCpuMs)).toFixed(2)} ms CPU per checkout) are not; ` +
        `the JSON logger wrote ${logLines.toFixed(2)} lines (${logBytes.toFixed(0)} bytes) per checkout`,
    },
    {
      name: 'checkout.cpuRatio',
      value: median(rounds.map((c, i) => rsa[i]!.signCpuMs / c.cpuMs)),
      unit: '×',
      aim: { op: '>=', bound: 0.4 },
      note:
        'CPU of one RSA-2048 signature ÷ router CPU per checkout, per round (median): 1 would be a ' +
        'checkout that costs the router no more than one signature; its own signature and verification ' +
        `bound it below ${(signCpu / (signCpu + verifyCpu)).toFixed(2)}`,
    },
    {
      name: 'reference.floorCheckout.cpuMs',
      value: median(floors.map((c) => c.cpuMs)),
      unit: 'ms CPU',
      note:
        `a hand-written checkout route in a process of its own (bench/floor.ts: express.json(), the ` +
        `reserved order inserted and the WAL fdatasync'd, the apply signed, one keep-alive node:http ` +
        `call, the answer verified, one UPDATE; no validation, idempotency, guard, log, hook or stream), ` +
        `the same load interleaved with the router's rounds; ${failed(floors)} failed; its own ` +
        `sign ÷ CPU ratio: ${median(floors.map((c, i) => rsa[i]!.signCpuMs / c.cpuMs)).toFixed(2)}`,
    },
    {
      name: 'reference.rsaSign.cpuMs',
      value: signCpu,
      unit: 'ms CPU',
      note:
        `one RSA-2048 SHA-256 signature (node:crypto, KeyObject parsed once) in the router process, ` +
        `after each checkout round; median of ${plan.rounds} × ${plan.rsaOps}`,
    },
    {
      name: 'reference.rsaVerify.cpuMs',
      value: verifyCpu,
      unit: 'ms CPU',
      note: 'one RSA-2048 SHA-256 verification, measured like the signature',
    },
  ];
}

/** First deliveries and duplicates, interleaved with the bare webhook. */
async function notificationFigures(run: Run): Promise<Figure[]> {
  const { plan, config, created } = run;
  run.log(`router: notifications (${plan.rounds} rounds of ${plan.notifyBatch}) ↔ bare webhook`);
  const needed = plan.rounds * plan.notifyBatch;
  while (created.length < needed) {
    await load(run.checkoutTask, { concurrency: CONCURRENCY, count: needed - created.length });
  }
  const fresh = created.splice(0, needed).map((o) => successNotification(config, o));
  const { first, reference, duplicates } = await notificationRounds({
    router: run.router,
    webhook: run.webhook,
    fresh,
    rounds: plan.rounds,
    size: plan.notifyBatch,
    duplicates: true,
  });
  const refPerSecond = median(reference.map((x) => x.perSecond));
  const acked = first.reduce((n, x) => n + x.completed, 0);
  const hooks = (xs: typeof first) => xs.reduce((n, x) => n + x.hooks, 0);
  return [
    {
      name: 'notifications.first.perSecond',
      value: median(first.map((x) => x.perSecond)),
      unit: 'notifications/s',
      reference: 'reference.webhookFsync.perSecond',
      ratio: median(first.map((x, i) => x.perSecond / reference[i]!.perSecond)),
      aim: { op: '>=', bound: 1, on: 'ratio' },
      note:
        `POST /notify of a fresh order's success notification (each order notified once): verify, ` +
        `amount check, forward-only transition, hook, acknowledged; ${CONCURRENCY} concurrent, ` +
        `${plan.rounds} rounds of ${plan.notifyBatch}, median; ratio per round; ${failed(first)} failed; ` +
        `${hooks(first)} hook calls for ${acked} acknowledged`,
    },
    {
      name: 'notifications.first.routerCpuMs',
      value: median(first.map((x) => x.cpuMs)),
      unit: 'ms CPU',
      reference: 'reference.webhookFsync.cpuMs',
      ratio: median(first.map((x, i) => x.cpuMs / reference[i]!.cpuMs)),
      note:
        `router process CPU per first delivery (one RSA verification included; system: ` +
        `${median(first.map((x) => x.systemMs)).toFixed(2)} ms), against the bare webhook process's`,
    },
    {
      name: 'notifications.duplicate.perSecond',
      value: median(duplicates.map((x) => x.perSecond)),
      unit: 'notifications/s',
      reference: 'reference.webhookFsync.perSecond',
      ratio: median(duplicates.map((x) => x.perSecond)) / refPerSecond,
      note:
        `POST /notify of a notification already acknowledged (HaiPay's retry), spread over every order ` +
        `delivered so far; ${failed(duplicates)} failed; ${hooks(duplicates)} hook calls (0 expected)`,
    },
    {
      name: 'notifications.duplicate.routerCpuMs',
      value: median(duplicates.map((x) => x.cpuMs)),
      unit: 'ms CPU',
      note: `router process CPU per duplicate delivery (system: ${median(duplicates.map((x) => x.systemMs)).toFixed(2)} ms)`,
    },
    {
      name: 'reference.webhookFsync.perSecond',
      value: refPerSecond,
      unit: 'req/s',
      note:
        `bare Express 5 route in a process of its own: express.json() + one SQLite insert (WAL, ` +
        `synchronous = FULL) on the same disk; the same bodies, ${CONCURRENCY} concurrent, interleaved ` +
        `with the first deliveries; ${failed(reference)} failed`,
    },
    {
      name: 'reference.webhookFsync.cpuMs',
      value: median(reference.map((x) => x.cpuMs)),
      unit: 'ms CPU',
      note: 'the bare webhook process’s CPU per request',
    },
  ];
}

/** Added latency from pairs, back to back, alternating order; fsync samples between blocks. */
async function latencyFigures(run: Run): Promise<Figure[]> {
  const { plan, router, dir } = run;
  run.log(`router: added latency (${plan.pairs} pairs) ↔ direct sandbox call, floor route, disk fsync`);
  const direct = directClient(run.config, run.sandbox.url, `${router.base}/notify`);
  const viaRouter = run.checkoutTask;
  const viaFloor = checkoutInto(run.floor.base, []);
  const time = async (f: () => Promise<boolean>) => {
    const t0 = performance.now();
    const ok = await f().catch(() => false);
    return ok ? performance.now() - t0 : NaN;
  };
  for (let i = 0; i < 30; i++) await time([direct, viaRouter, viaFloor][i % 3]!);
  const added: number[] = [];
  const floorAdded: number[] = [];
  const directs: number[] = [];
  const fsyncs: number[] = [];
  let failedPairs = 0;
  const perBlock = Math.ceil(plan.pairs / plan.pairBlocks);
  for (let b = 0; b < plan.pairBlocks; b++) {
    for (let i = 0; i < perBlock; i++) {
      // Each sample times the three back to back, which goes first rotating: the direct call, the
      // router and the floor route (bench/floor.ts) see the same moment of the machine.
      const legs = [direct, viaRouter, viaFloor];
      const took = [NaN, NaN, NaN];
      const first = (b * perBlock + i) % 3;
      for (let k = 0; k < 3; k++) {
        const leg = (first + k) % 3;
        took[leg] = await time(legs[leg]!);
      }
      const [d, v, f] = took as [number, number, number];
      if (Number.isNaN(d) || Number.isNaN(v)) failedPairs++;
      else {
        added.push(v - d);
        directs.push(d);
      }
      if (!Number.isNaN(d) && !Number.isNaN(f)) floorAdded.push(f - d);
    }
    fsyncs.push(...fsyncLatencies(`${dir}/fsync-probe`, plan.fsyncSamples));
  }
  rmSync(`${dir}/fsync-probe`, { force: true });
  const sorted = (xs: number[]) => xs.sort((a, b) => a - b);
  sorted(added);
  sorted(floorAdded);
  sorted(directs);
  sorted(fsyncs);
  const fsyncP99 = percentile(fsyncs, 99);
  return [
    {
      name: 'router.addedLatency.p50Ms',
      value: percentile(added, 50),
      unit: 'ms',
      aim: { op: '<=', bound: 1 },
      note:
        `p50 over pairs of (through the router − direct): ${added.length} pairs of a direct signed ` +
        `collect apply and a POST /payments, back to back with a checkout through the floor route, ` +
        `which goes first rotating, one at a time`,
      reference: 'reference.floorCheckout.addedLatency.p50Ms',
    },
    {
      name: 'router.addedLatency.p99Ms',
      value: percentile(added, 99),
      unit: 'ms',
      aim: { op: '<=', bound: fsyncP99 + 2, from: 'disk.fsync.p99Ms + 2' },
      note: 'p99 over the same pairs',
      reference: 'reference.floorCheckout.addedLatency.p99Ms',
    },
    {
      name: 'reference.floorCheckout.addedLatency.p50Ms',
      value: percentile(floorAdded, 50),
      unit: 'ms',
      note:
        `p50 of (through the floor route − direct) over the same samples (${floorAdded.length}): what a ` +
        `hand-written checkout that only reserves the order durably, calls HaiPay and stores the answer adds`,
    },
    {
      name: 'reference.floorCheckout.addedLatency.p99Ms',
      value: percentile(floorAdded, 99),
      unit: 'ms',
      note: 'p99 over the same samples',
    },
    {
      name: 'router.addedLatency.failedPairs',
      value: failedPairs,
      unit: 'pairs',
      aim: { op: '<=', bound: 0 },
      note: 'pairs where either request failed: left out of the percentiles, counted here',
    },
    {
      name: 'sandbox.direct.p50Ms',
      value: percentile(directs, 50),
      unit: 'ms',
      note: 'the direct call of each pair: signed in the load process, HTTP, the sandbox verifies and signs, verified',
    },
    {
      name: 'disk.fsync.p50Ms',
      value: percentile(fsyncs, 50),
      unit: 'ms',
      note: `append 4 KB + fsync on bench/.data, ${fsyncs.length} samples taken between the blocks of pairs`,
    },
    { name: 'disk.fsync.p99Ms', value: fsyncP99, unit: 'ms', note: 'the same samples' },
  ];
}

/**
 * Measures the router's figures. With `profileDir`, the timed router process writes a V8 CPU profile
 * there when it ends (`pnpm bench --profile`; open it in Chrome DevTools or speedscope).
 */
export async function routerFigures(
  plan: RouterBenchPlan,
  log: (line: string) => void,
  profileDir?: string,
): Promise<Figure[]> {
  const dir = dataDir('router');
  rmSync(dir, { recursive: true, force: true });
  dataDir('router');
  const config = generateSandboxConfig();
  const sandbox = await startSandboxProcess(config);
  const init = {
    sandboxUrl: sandbox.url,
    merchants: merchantsOf(config),
    platformPublicKey: config.platform.publicKey,
    dbFile: `${dir}/router.db`,
    logFile: `${dir}/router.log`,
    streamLimit: plan.streams + 100,
  };
  const figures: Figure[] = [];
  try {
    const router = await startRouterProcess(init, profileDir ? { profileDir } : {});
    const webhook = await startWebhookReference(`${dir}/webhook.db`);
    const thb = config.merchants.find((m) => m.currency === 'THB')!;
    const floor = await startFloorReference({
      sandboxUrl: sandbox.url,
      appId: thb.appId,
      privateKey: thb.privateKey!,
      secretKey: thb.secretKey,
      platformPublicKey: config.platform.publicKey,
      dbFile: `${dir}/floor.db`,
    });
    try {
      const created: Order[] = [];
      const run: Run = {
        config,
        plan,
        router,
        sandbox,
        webhook,
        floor,
        created,
        checkoutTask: checkoutInto(router.base, created),
        dir,
        log,
      };
      log('router: warm-up');
      await load(run.checkoutTask, { concurrency: CONCURRENCY, durationMs: plan.checkoutMs / 2 });
      const warm = created.splice(0).map((o) => successNotification(config, o));
      if (warm.length === 0) throw new Error('router: no checkout succeeded during the warm-up');
      await notificationRounds({
        router,
        webhook,
        fresh: warm,
        rounds: 1,
        size: warm.length,
        duplicates: true,
      });
      await router.child.call<RsaCost>('rsa', plan.rsaOps);
      await load(checkoutInto(floor.base, []), { concurrency: CONCURRENCY, durationMs: plan.checkoutMs / 2 });

      figures.push(...(await checkoutFigures(run)));
      figures.push(...(await notificationFigures(run)));
      figures.push(...(await latencyFigures(run)));
      figures.push(
        ...(await streamFigures({
          router,
          sandbox,
          created,
          plan,
          checkoutTask: run.checkoutTask,
          reference: webhook,
          log,
        })),
      );
      await router.child.close();
      figures.push(...(await postgresFigures({ config, init, webhook, plan, log })));
    } finally {
      await router.child.close();
      await webhook.child.close();
      await floor.child.close();
    }
    // fsyncs per operation, in a pass of its own under strace (never timed).
    figures.push(...(await fsyncFigures({ config, init, plan, log })));
  } finally {
    await sandbox.child.close();
  }
  return figures;
}
