/**
 * The companion as its own process, for the crash suite: Express + router + SQLite on the file in
 * HAIPAY_DB, talking to the sandbox at HAIPAY_SANDBOX_URL (keys from the config file in
 * HAIPAY_SANDBOX_CONFIG), listening on HAIPAY_PORT. The reconciler runs as in production (on start and
 * on an interval). Every hook run appends `begin`/`end` lines to HAIPAY_HOOK_LOG, and every completed
 * hook claim a `completed` line — each fsynced, so a SIGKILL cannot lose what already happened.
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

const companion = await startCompanion({
  sandboxUrl: env('HAIPAY_SANDBOX_URL'),
  config: JSON.parse(readFileSync(env('HAIPAY_SANDBOX_CONFIG'), 'utf8')),
  dbPath: env('HAIPAY_DB'),
  port: Number(env('HAIPAY_PORT')),
  logger: silentLogger,
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
    const complete = store.completeHook.bind(store);
    store.completeHook = async (orderId, status) => {
      await complete(orderId, status);
      durable(`completed ${status} ${orderId} ${process.pid}`);
    };
    return store;
  },
});
process.stdout.write(`READY ${companion.url}\n`);
process.on('SIGTERM', () => {
  void companion.close().then(() => {
    closeSync(log);
    process.exit(0);
  });
});
