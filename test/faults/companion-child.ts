/**
 * The companion as its own process, for the crash suite: Express + router + SQLite on the file in
 * HAIPAY_DB, talking to the sandbox at HAIPAY_SANDBOX_URL (keys from the config file in
 * HAIPAY_SANDBOX_CONFIG), listening on HAIPAY_PORT. The reconciler runs as in production (on start and
 * on an interval). Every hook run appends `begin`/`end` lines to HAIPAY_HOOK_LOG, and every completed
 * hook claim a `completed` line — each fsynced, so a SIGKILL cannot lose what already happened.
 *
 * Its clock is real time plus an offset the suite moves instead of waiting: HAIPAY_CLOCK_OFFSET_MS at
 * start (kept across restarts), then `{ advance: ms }` over the IPC channel (answered `{ advanced }`).
 * Time moves only while this process holds no hook claim — as real time passes for a live process that
 * renews its claims — so what expires is the claims a killed process left. `{ reconcile: true }` runs a
 * reconciler pass that starts after the message (answered `{ reconciled }`).
 *
 * Run: node --conditions=@haipay-kit/source --import tsx test/faults/companion-child.ts
 */
import { closeSync, fsyncSync, openSync, readFileSync, writeSync } from 'node:fs';
import { silentLogger } from '@haipay-kit/express';
import { startCompanion } from './companion.js';

const env = (name: string): string => {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is required`);
  return v;
};
const log = openSync(env('HAIPAY_HOOK_LOG'), 'a');
const durable = (line: string) => {
  writeSync(log, `${line}\n`);
  fsyncSync(log);
};
const hookDelayMs = Number(process.env.HAIPAY_HOOK_DELAY_MS ?? 0);
let offset = Number(process.env.HAIPAY_CLOCK_OFFSET_MS ?? 0);
/** Hook claims this process holds (claimed, not yet completed or released), and who waits for none. */
let claims = 0;
const onNoClaims: (() => void)[] = [];
const claimEnded = () => {
  if (--claims === 0) for (const resolve of onNoClaims.splice(0)) resolve();
};

const companion = await startCompanion({
  sandboxUrl: env('HAIPAY_SANDBOX_URL'),
  config: JSON.parse(readFileSync(env('HAIPAY_SANDBOX_CONFIG'), 'utf8')),
  dbPath: env('HAIPAY_DB'),
  port: Number(env('HAIPAY_PORT')),
  logger: silentLogger,
  now: () => Date.now() + offset,
  client: { timeoutMs: 1500 },
  // A hook interrupted by a crash is re-run once its claim's lease runs out (60 s by default); a short
  // lease keeps the suite fast.
  router: { reconcile: { intervalMs: 200 }, refreshAfterMs: 0, hookLeaseMs: 1000 },
  async onHook(hook, p) {
    durable(`begin ${hook} ${p.orderId} ${process.pid}`);
    // The merchant's fulfilment takes a while: a kill lands inside it now and then.
    if (hookDelayMs > 0) await new Promise((r) => setTimeout(r, hookDelayMs));
    durable(`end ${hook} ${p.orderId} ${process.pid}`);
  },
  wrapStore(store) {
    const claim = store.claimHook.bind(store);
    store.claimHook = async (...args) => {
      const got = await claim(...args);
      if (got) claims++;
      return got;
    };
    const complete = store.completeHook.bind(store);
    store.completeHook = async (orderId, status) => {
      await complete(orderId, status);
      durable(`completed ${status} ${orderId} ${process.pid}`);
      claimEnded();
    };
    const release = store.releaseHook.bind(store);
    store.releaseHook = async (orderId) => {
      await release(orderId);
      claimEnded();
    };
    // Hook events (a payment mismatch) are claimed the same way.
    const claimEvent = store.claimHookEvent.bind(store);
    store.claimHookEvent = async (...args) => {
      const got = await claimEvent(...args);
      if (got) claims++;
      return got;
    };
    for (const name of ['completeHookEvent', 'releaseHookEvent'] as const) {
      const end = store[name].bind(store);
      store[name] = async (orderId, key) => {
        await end(orderId, key);
        claimEnded();
      };
    }
    return store;
  },
});
process.on('message', (message: { advance?: number; reconcile?: boolean }) => {
  const advance = message.advance;
  if (typeof advance === 'number') {
    void (async () => {
      while (claims > 0) await new Promise<void>((resolve) => onNoClaims.push(resolve));
      offset += advance; // in the same tick as the check: no claim can be taken in between
      process.send?.({ advanced: offset });
    })();
  }
  if (message.reconcile) {
    // A pass already running may have started before this message: wait for it, then run one more.
    const { reconciler } = companion.router;
    void reconciler
      .runOnce()
      .then(() => reconciler.runOnce())
      .then(
        (checked) => process.send?.({ reconciled: checked }),
        (error: unknown) => process.send?.({ reconciled: null, error: String(error) }),
      );
  }
});
process.stdout.write(`READY ${companion.url}\n`);
process.on('SIGTERM', () => {
  void companion.close().then(() => {
    closeSync(log);
    process.exit(0);
  });
});
