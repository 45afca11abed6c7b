/**
 * The router under test, in a process of its own: a real Express 5 app with `createHaiPayRouter` at
 * `/haipay`, the SQLite store in a file on the real disk (bench/.data) — or, for the PostgreSQL
 * figures, the PostgreSQL store in a schema of its own — and the kit's JSON-lines logger writing every
 * line to a file there. Nothing else runs in this process — the sandbox and the load generator have
 * their own — so its CPU time is the router's alone.
 *
 * The router is configured as a merchant would run it, except: no rate limit (the whole load comes
 * from one address), no reconciler (its passes would be counted as the idle streams' gateway calls),
 * and stream limits raised to let 10,000 status streams from the one load address be opened.
 *
 * Over IPC the parent asks for the process's CPU time and heap (`usage`, `gcHeap`), the hook count and
 * log size (`counters`), and the CPU time of one RSA-2048 signature and verification measured here,
 * in this process, with the THB merchant's key (`rsa`).
 */
import express from 'express';
import { sign, verify } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import {
  HaiPayClient,
  createConsoleLogger,
  createHaiPayRouter,
  type MerchantCredentials,
  type PaymentStore,
} from '@haipay-kit/express';
import { SqlitePaymentStore } from '@haipay-kit/express/sqlite';
import { parsePrivateKey, parsePublicKey } from '@haipay-kit/protocol/node';
import { CHILD_FLAG, serveChild, startChild, usage, type Child } from './children.js';

/** The shop's storefront origin (the browser routes' allowed origin). */
export const ORIGIN = 'https://shop.example';

/** What the router process is started with. */
export interface RouterInit {
  sandboxUrl: string;
  merchants: Record<string, MerchantCredentials & { publicKey: string }>;
  platformPublicKey: string;
  /** The SQLite file (on the real disk). */
  dbFile: string;
  /** A PostgreSQL URL: the store is then PostgreSQL (a schema of its own, dropped at the end), not SQLite. */
  pgUrl?: string;
  /** Where the JSON log lines go. */
  logFile: string;
  /** Open streams allowed in total and from one client. */
  streamLimit: number;
}

/** The router's counters. */
export interface RouterCounters {
  /** `onPaymentSucceeded` calls so far. */
  hooks: number;
  /** Bytes of JSON log lines written so far. */
  logBytes: number;
  logLines: number;
}

/** CPU time of one RSA-2048 operation measured in the router process. */
export interface RsaCost {
  signCpuMs: number;
  verifyCpuMs: number;
}

/** The router process as the parent sees it. */
export interface RouterProcess {
  child: Child;
  /** The router's mount point, e.g. `http://127.0.0.1:40123/haipay`. */
  base: string;
}

/**
 * Starts the router process; with `straceFile`, under strace (fsync counting only, never timed); with
 * `profileDir`, writing a V8 CPU profile there when it ends.
 */
export async function startRouterProcess(
  init: RouterInit,
  options: { straceFile?: string; profileDir?: string } = {},
): Promise<RouterProcess> {
  const child = await startChild(fileURLToPath(import.meta.url), { init, ...options });
  return { child, base: String(child.ready.base) };
}

/** A string-to-sign the size of a PromptPay collect apply's. */
const SAMPLE_STRING_TO_SIGN = Buffer.from(
  'amount=100.00&appId=1054&callBackFailUrl=https://shop.example/haipay/return/hp_0123456789abcdef01/fail' +
    '&callBackUrl=https://shop.example/haipay/return/hp_0123456789abcdef01&email=somchai@example.com' +
    '&inBankCode=QR&name=Somchai Jaidee&notifyUrl=https://shop.example/haipay/notify' +
    '&orderId=hp_0123456789abcdef01&partnerUserId=u-bench&payType=QR&phone=0812345678' +
    '&subject=Bench order&key=0123456789abcdef0123456789abcdef',
);

if (process.argv.includes(CHILD_FLAG)) {
  await serveChild<RouterInit>(async (init) => {
    const sink = createWriteStream(init.logFile, { flags: 'a' });
    let logLines = 0;
    const logger = createConsoleLogger({
      level: 'info',
      write: (line) => {
        logLines++;
        sink.write(`${line}\n`);
      },
    });
    const client = new HaiPayClient({
      baseUrl: init.sandboxUrl,
      merchants: init.merchants,
      platformPublicKey: init.platformPublicKey,
      timeoutMs: 30_000,
      logger,
    });
    let store: PaymentStore;
    let disposeStore: () => Promise<void>;
    if (init.pgUrl) {
      const { openTemporaryStore } = await import('@haipay-kit/postgres');
      const temporary = await openTemporaryStore(init.pgUrl);
      store = temporary.store;
      disposeStore = () => temporary.dispose();
    } else {
      const sqlite = new SqlitePaymentStore({ filename: init.dbFile });
      store = sqlite;
      disposeStore = () => sqlite.close();
    }
    const app = express();
    const server = app.listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/haipay`;
    let hooks = 0;
    const router = createHaiPayRouter({
      client,
      store,
      logger,
      publicBaseUrl: base,
      returnUrl: `${ORIGIN}/thanks`,
      allowedOrigins: [ORIGIN],
      resolveOrder: () => ({ amount: '100.00', currency: 'THB', subject: 'Bench order', buyerId: 'u-bench' }),
      reconcile: false,
      rateLimit: false,
      streams: { perClient: init.streamLimit, total: init.streamLimit },
      hooks: { onPaymentSucceeded: () => void hooks++ },
    });
    app.use('/haipay', router);

    const thb = init.merchants.THB!;
    // Parsed once into KeyObjects, as the kit's signer and verifier do.
    const privateKey = parsePrivateKey(thb.privateKey);
    const publicKey = parsePublicKey(thb.publicKey);
    const signature = sign('sha256', SAMPLE_STRING_TO_SIGN, privateKey);
    const cpuPer = (n: number, op: () => void) => {
      const t0 = process.cpuUsage();
      for (let i = 0; i < n; i++) op();
      const d = process.cpuUsage(t0);
      return (d.user + d.system) / 1000 / n;
    };

    return {
      ready: { base },
      handlers: {
        usage,
        gcHeap: () => {
          (globalThis as { gc?: () => void }).gc?.();
          return usage();
        },
        counters: (): RouterCounters => ({ hooks, logBytes: sink.bytesWritten, logLines }),
        rsa: (n): RsaCost => {
          const count = Number(n) || 100;
          return {
            signCpuMs: cpuPer(count, () => sign('sha256', SAMPLE_STRING_TO_SIGN, privateKey)),
            verifyCpuMs: cpuPer(count, () => {
              if (!verify('sha256', SAMPLE_STRING_TO_SIGN, publicKey, signature)) throw new Error('bad sig');
            }),
          };
        },
      },
      async close() {
        await router.close();
        server.closeAllConnections();
        await new Promise((r) => server.close(r));
        await disposeStore();
        await new Promise((r) => sink.end(r));
      },
    };
  });
}
