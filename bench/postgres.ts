/**
 * The router on the PostgreSQL store: a second router process, the same as the SQLite one but for its
 * store (`@haipay-kit/postgres`, in a schema of its own, dropped at the end), measured like it —
 * checkouts' router CPU, and first deliveries interleaved with the same bare webhook. Measured when
 * `HAIPAY_PG_URL` names a database (scripts/bench.sh finds the test database the way `npm test` does);
 * PostgreSQL's own processes are not counted in the router's CPU time, as the disk is not for SQLite.
 */
import type { SandboxConfig } from '@haipay-kit/sandbox';
import { charged, type Child } from './children.js';
import { CONCURRENCY, load, median, type Figure } from './lib.js';
import { failed, notificationRounds } from './notifications.js';
import type { RouterBenchPlan } from './router-figures.js';
import { startRouterProcess, type RouterInit } from './server.js';
import { checkoutInto, successNotification, type Order } from './shop.js';

/** Measures the PostgreSQL figures, or says why they were not measured. */
export async function postgresFigures(run: {
  config: SandboxConfig;
  init: RouterInit;
  webhook: { child: Child; url: string };
  plan: RouterBenchPlan;
  log: (line: string) => void;
}): Promise<Figure[]> {
  const { plan, log } = run;
  const url = process.env.HAIPAY_PG_URL;
  if (!url) {
    log('postgres: not measured (set HAIPAY_PG_URL)');
    const note = 'not measured: set HAIPAY_PG_URL to a PostgreSQL database';
    return [
      { name: 'checkout.postgres.routerCpuMs', value: null, unit: 'ms CPU', note },
      { name: 'notifications.first.postgres.perSecond', value: null, unit: 'notifications/s', note },
    ];
  }
  log(`postgres: the router on the PostgreSQL store (${plan.rounds} rounds of ${plan.notifyBatch})`);
  const router = await startRouterProcess({ ...run.init, pgUrl: url });
  try {
    const created: Order[] = [];
    const task = checkoutInto(router.base, created);
    await load(task, { concurrency: CONCURRENCY, durationMs: plan.checkoutMs / 2 });
    const warm = created.splice(0).map((o) => successNotification(run.config, o));
    await notificationRounds({
      ...run,
      router,
      fresh: warm,
      rounds: 1,
      size: warm.length,
      duplicates: false,
    });
    const needed = plan.rounds * plan.notifyBatch;
    const made = await charged(router.child, () => load(task, { concurrency: CONCURRENCY, count: needed }));
    while (created.length < needed) {
      await load(task, { concurrency: CONCURRENCY, count: needed - created.length });
    }
    const fresh = created.splice(0, needed).map((o) => successNotification(run.config, o));
    const { first, reference } = await notificationRounds({
      router,
      webhook: run.webhook,
      fresh,
      rounds: plan.rounds,
      size: plan.notifyBatch,
      duplicates: false,
    });
    return [
      {
        name: 'checkout.postgres.routerCpuMs',
        value: made.cpuMs,
        unit: 'ms CPU',
        note:
          `router process CPU per checkout on the PostgreSQL store, over ${made.completed} checkouts ` +
          `(${made.errors} failed, ${made.perSecond.toFixed(0)}/s, ${CONCURRENCY} concurrent)`,
      },
      {
        name: 'notifications.first.postgres.perSecond',
        value: median(first.map((x) => x.perSecond)),
        unit: 'notifications/s',
        reference: 'reference.webhookFsync.perSecond',
        ratio: median(first.map((x, i) => x.perSecond / reference[i]!.perSecond)),
        note:
          `first deliveries on the PostgreSQL store, interleaved with the bare webhook like the SQLite ` +
          `figure; router CPU ${median(first.map((x) => x.cpuMs)).toFixed(2)} ms per delivery; ` +
          `${failed(first)} failed`,
      },
    ];
  } finally {
    await router.child.close();
  }
}
