/**
 * Notification rounds: first deliveries (each a fresh order's success notification, delivered once, its
 * hook run) interleaved with the bare webhook reference on the same bodies at the same concurrency —
 * which of the two goes first alternates from round to round — and, optionally, duplicates (HaiPay's
 * retries of notifications already acknowledged, spread over every order delivered so far) after each.
 */
import { charged, type Charged, type Child } from './children.js';
import { CONCURRENCY, load, type LoadResult } from './lib.js';
import type { RouterCounters } from './server.js';
import { notify } from './shop.js';

/** One measured batch: its load result, the CPU per operation and the hooks it ran. */
type Round = Charged<LoadResult> & { hooks: number };

/** What {@link notificationRounds} measured, one entry per round. */
export interface NotificationRounds {
  first: Round[];
  reference: Round[];
  duplicates: Round[];
}

/** Sends `bodies` to `url` and charges the CPU time `child` spent meanwhile. */
async function batch(child: Child, url: string, bodies: readonly string[], counted: boolean): Promise<Round> {
  const hooks = () =>
    counted ? child.call<RouterCounters>('counters').then((c) => c.hooks) : Promise.resolve(0);
  const h0 = await hooks();
  const result = await charged(child, () =>
    load((i) => notify(url, bodies[i]!), { concurrency: CONCURRENCY, count: bodies.length }),
  );
  return { ...result, hooks: (await hooks()) - h0 };
}

/**
 * Runs `rounds` rounds of `size` first deliveries from `fresh` (signed bodies of orders never notified)
 * against the router and the webhook, with as many duplicates after each round when `duplicates`.
 */
export async function notificationRounds(options: {
  router: { child: Child; base: string };
  webhook: { child: Child; url: string };
  fresh: readonly string[];
  rounds: number;
  size: number;
  duplicates: boolean;
}): Promise<NotificationRounds> {
  const { router, webhook, fresh, rounds, size } = options;
  const out: NotificationRounds = { first: [], reference: [], duplicates: [] };
  const delivered: string[] = [];
  const toRouter = (bodies: readonly string[]) => batch(router.child, `${router.base}/notify`, bodies, true);
  const toWebhook = (bodies: readonly string[]) => batch(webhook.child, webhook.url, bodies, false);
  for (let r = 0; r < rounds; r++) {
    const bodies = fresh.slice(r * size, (r + 1) * size);
    if (r % 2 === 0) {
      out.first.push(await toRouter(bodies));
      out.reference.push(await toWebhook(bodies));
    } else {
      out.reference.push(await toWebhook(bodies));
      out.first.push(await toRouter(bodies));
    }
    delivered.push(...bodies);
    if (options.duplicates) {
      const again = Array.from({ length: size }, (_, i) => delivered[(i * 7919 + r) % delivered.length]!);
      out.duplicates.push(await toRouter(again));
    }
  }
  return out;
}

/** Operations that failed over some rounds. */
export function failed(rounds: readonly { errors: number }[]): number {
  return rounds.reduce((n, x) => n + x.errors, 0);
}
