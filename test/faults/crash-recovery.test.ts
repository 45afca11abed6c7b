/**
 * Crash recovery (issue 7, item 2): the companion runs in a child process (companion-child.ts) on one
 * SQLite file. Checkouts, browser retries with the same Idempotency-Key, status reads and
 * notifications are driven at it, and it is SIGKILLed at seeded random moments — mid-checkout (apply
 * latency widens the window), mid-notification and mid-hook (the hook takes 40 ms). It is restarted on
 * the same file and port each time; at the end it runs until the reconciler has settled everything, and
 * the store is compared with the gateway (test/faults/invariants.ts). Hook runs come from the child's
 * fsynced log, so they survive the kills.
 *
 * What the kit promises for hooks across crashes: a hook whose completion was committed never runs
 * again; a hook interrupted by a crash runs again after its claim's lease. So a second `end` line for an
 * order is allowed only when the first one's process was killed before its `completed` line.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createSandbox, type Sandbox } from '@haipay-kit/sandbox';
import { SqlitePaymentStore } from '@haipay-kit/express/sqlite';
import { FLAVOURS, ORIGIN, checkoutBody, postCheckout, type Flavour } from './companion.js';
import {
  compareWithGateway,
  gatewayOrders,
  hookRunsFromLog,
  prng,
  storedOrder,
  type PaymentRow,
} from './invariants.js';

const SEED = Number(process.env.HAIPAY_CRASH_SEED ?? 4242);
const CYCLES = 6;
const root = fileURLToPath(new URL('../..', import.meta.url));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });
}

interface Child {
  proc: ChildProcess;
  url: string;
  exited: Promise<void>;
}

/** Sends `message` to the child over IPC and resolves with its answer, the first one that has `key`. */
function ask(child: Child, message: object, key: string): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const onMessage = (answer: unknown) => {
      if (!answer || typeof answer !== 'object' || !(key in answer)) return;
      child.proc.off('message', onMessage);
      child.proc.off('exit', onExit);
      const a = answer as Record<string, unknown>;
      if (a.error) reject(new Error(`companion: ${JSON.stringify(a.error)}`));
      else resolve(a);
    };
    const onExit = () => reject(new Error(`companion exited before answering ${key}`));
    child.proc.on('message', onMessage);
    child.proc.once('exit', onExit);
    child.proc.send(message);
  });
}

describe('crash recovery: SIGKILL the companion, restart it on the same SQLite file', () => {
  let sandbox: Sandbox;
  let dir: string;
  let port: number;
  let child: Child | undefined;
  /** How far the companion's clock is ahead of real time; a restarted companion starts there. */
  let clockOffset = 0;
  const rand = prng(SEED);

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'haipay-crash-'));
    sandbox = await createSandbox();
    writeFileSync(join(dir, 'sandbox.json'), JSON.stringify(sandbox.config), { mode: 0o600 });
    port = await freePort();
  });
  after(async () => {
    if (child && child.proc.exitCode === null) child.proc.kill('SIGKILL');
    await child?.exited;
    await sandbox?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const start = async (): Promise<Child> => {
    const proc = spawn(
      process.execPath,
      ['--conditions=@haipay-kit/source', '--import', 'tsx', 'test/faults/companion-child.ts'],
      {
        cwd: root,
        env: {
          ...process.env,
          HAIPAY_SANDBOX_URL: sandbox.url,
          HAIPAY_SANDBOX_CONFIG: join(dir, 'sandbox.json'),
          HAIPAY_DB: join(dir, 'companion.db'),
          HAIPAY_PORT: String(port),
          HAIPAY_HOOK_LOG: join(dir, 'hooks.log'),
          HAIPAY_HOOK_DELAY_MS: '40',
          HAIPAY_CLOCK_OFFSET_MS: String(clockOffset),
        },
        stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      },
    );
    let stderr = '';
    proc.stderr!.on('data', (c) => (stderr += c));
    const exited = new Promise<void>((r) => proc.once('exit', () => r()));
    const url = await new Promise<string>((resolve, reject) => {
      let out = '';
      proc.stdout!.on('data', (c) => {
        out += c;
        const m = /READY (\S+)/.exec(out);
        if (m) resolve(m[1]!);
      });
      proc.once('exit', (code) => reject(new Error(`companion exited (${code}) before READY: ${stderr}`)));
    });
    return { proc, url, exited };
  };

  it('after kills at random points, the store matches the gateway and hooks ran once per final state', async (t) => {
    const killed = new Set<number>();
    const pending: { flavour: Flavour; key: string; body: Record<string, unknown> }[] = [];
    let n = 0;
    let checkoutsSent = 0;
    let retriesSent = 0;
    let lostAnswers = 0;
    const retryAnswers = new Map<number, number>();
    const killPoints: string[] = [];

    for (let cycle = 0; cycle <= CYCLES; cycle++) {
      child = await start();
      const last = cycle === CYCLES;
      const url = child.url;
      // Browsers whose answer was lost retry with the same key and body.
      const retries = pending.splice(0);
      const fresh = last
        ? []
        : Array.from({ length: 12 }, () => {
            const flavour = FLAVOURS[Math.floor(rand() * FLAVOURS.length)]!;
            n++;
            return { flavour, key: `crash-${SEED}-${n}`, body: checkoutBody(flavour, n) };
          });
      if (!last) {
        sandbox.injectFault({
          mode: 'latency',
          endpoint: 'collect/apply',
          count: 6,
          ms: 150 + Math.floor(rand() * 350),
        });
      }
      const drive = [...retries, ...fresh].map(async (c, i) => {
        const retry = i < retries.length;
        if (retry) retriesSent++;
        else checkoutsSent++;
        try {
          const res = await postCheckout(url, c.body, c.key);
          if (retry) retryAnswers.set(res.status, (retryAnswers.get(res.status) ?? 0) + 1);
          assert.ok(
            [200, 201, 202, 502].includes(res.status),
            `checkout answered ${res.status}: ${res.text}`,
          );
        } catch (err) {
          if (err instanceof assert.AssertionError) throw err;
          lostAnswers++;
          pending.push(c); // connection reset by the kill
        }
      });
      // Pay or fail a random half of the open gateway orders, and let the notifications go out.
      const open = (await gatewayOrders(sandbox.url)).filter((g) => g.status < 2);
      const notify = (async () => {
        for (const g of open) {
          if (!last && rand() < 0.5) continue;
          sandbox.complete(g.orderNo, rand() < 0.7 ? 'success' : 'failure');
        }
        await sandbox.clock.advance(5 * 60_000);
      })();
      const reads = (async () => {
        for (const g of open.slice(0, 10)) {
          await fetch(`${url}/haipay/payments/${g.orderId}`, { headers: { origin: ORIGIN } })
            .then((r) => r.arrayBuffer())
            .catch(() => undefined);
        }
      })();
      if (last) {
        await Promise.all([...drive, notify, reads]);
        break;
      }
      // Real time on purpose: the kill lands wherever the running companion happens to be.
      const at = 20 + Math.floor(rand() * 600);
      await sleep(at);
      killPoints.push(`${at} ms`);
      killed.add(child.proc.pid!);
      child.proc.kill('SIGKILL');
      await child.exited;
      // A checkout cut off by the kill rejects nothing (it is queued for a retry); a checkout that was
      // answered still has its status checked, and a failed check fails the test here.
      const settled = await Promise.allSettled([...drive, notify, reads]);
      for (const r of settled) if (r.status === 'rejected') throw r.reason;
      sandbox.clearFaults();
    }

    // The last process runs until everything is settled: notifications retried on the clock, the
    // reconciler querying the rest, hooks interrupted by a kill re-run after their lease.
    const store = new SqlitePaymentStore({ filename: join(dir, 'companion.db') });
    const last = child!;
    let rounds = 0;
    try {
      for (;;) {
        rounds++;
        await sandbox.clock.advance(5 * 60_000);
        const unsettled = await store.listUnsettled({ limit: 1000 });
        const hooksDue = await store.listHookPending(['succeeded', 'failed', 'expired'], 1000);
        if (unsettled.length === 0 && hooksDue.length === 0) break;
        // Orders may reach the gateway only now (a late apply), or still need a final state there.
        for (const g of await gatewayOrders(sandbox.url))
          if (g.status < 2) sandbox.complete(g.orderNo, rand() < 0.7 ? 'success' : 'failure');
        assert.ok(
          rounds < 80,
          `not settled after ${rounds} rounds: ${unsettled.length} orders, ${hooksDue.length} hooks`,
        );
        // Rather than wait for the companion's own reconciler and for leases in real time: its clock
        // moves past the hook lease (1 s) and the unknown-order grace (1.5 s), then it runs a pass.
        clockOffset += 2_000;
        await ask(last, { advance: 2_000 }, 'advanced');
        await ask(last, { reconcile: true }, 'reconciled');
      }
      // Stopped the way a deployment stops it: close() waits for hooks still running, so every hook
      // that started has written its log lines before they are read.
      last.proc.kill('SIGTERM');
      await last.exited;
      const rows = store.db.prepare('SELECT * FROM haipay_payments').all() as PaymentRow[];
      const keys = store.db.prepare('SELECT * FROM haipay_idempotency_keys').all() as {
        key: string;
        order_id: string;
      }[];
      const log = readFileSync(join(dir, 'hooks.log'), 'utf8');
      const hooks = hookRunsFromLog(log, killed);
      const result = compareWithGateway({
        store: rows.map(storedOrder),
        gateway: await gatewayOrders(sandbox.url),
        hooks: hooks.runs,
      });
      const orderIds = new Set(rows.map((r) => r.order_id));
      const mismatches = [
        ...result.mismatches,
        ...hooks.violations,
        ...keys.filter((k) => !orderIds.has(k.order_id)).map((k) => `key ${k.key} points at a missing order`),
        ...(rows.length > keys.length ? [`${rows.length} orders for ${keys.length} idempotency keys`] : []),
      ];
      const f = result.figures;
      const block = [
        '── crash recovery ──',
        `seed: ${SEED}`,
        `kill/restart cycles: ${CYCLES} (SIGKILL at ${killPoints.join(', ')} into each cycle)`,
        `checkouts: ${checkoutsSent}, answers lost to a kill: ${lostAnswers}, same-key retries: ${retriesSent} (${[...retryAnswers].map(([s, k]) => `${s}: ${k}`).join(', ')})`,
        `gateway orders: ${f.gatewayOrders}, store orders: ${f.storeOrders} (never reached the gateway: ${f.neverAtGateway})`,
        `final: succeeded ${f.succeeded}, failed ${f.failed}, expired ${f.expired}; settle rounds after the last restart: ${rounds}`,
        `hooks: ${f.hookRuns} completed runs, ${hooks.interrupted} interrupted by a kill, ${hooks.rerunsAfterCrash} re-run after a crash before commit`,
        `mismatches: ${mismatches.length}`,
        ...mismatches.slice(0, 20).map((m) => `  ✗ ${m}`),
      ];
      console.log(block.join('\n'));
      for (const line of block) t.diagnostic(line);
      assert.equal(mismatches.length, 0, mismatches.join('\n'));
      assert.ok(lostAnswers > 0, 'the kills interrupted checkouts in flight');
    } finally {
      await store.close();
      if (last.proc.exitCode === null) last.proc.kill('SIGTERM');
      await last.exited;
    }
  });
});
