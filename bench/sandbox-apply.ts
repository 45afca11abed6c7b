/**
 * Sandbox figure: the sandbox's CPU per API call while it is nearly empty and once it holds 10,000
 * orders, and its heap per stored order. A sandbox that scans its records per request gets slower as
 * it fills; one that reads indexes stays flat.
 *
 * Each call of the mix is one of: a collect apply of every method kind (THB PromptPay QR, THB virtual
 * account, VND bank transfer, TWD ATM page, a USD card charged in the call, which notifies), a THB
 * payout apply, and a collect query of an earlier order.
 *
 * How it is measured, so that only the orders stored differ between the two figures:
 * - Two sandboxes run side by side, each in a child process of its own (a manual clock, as in tests,
 *   unless `clock` says otherwise), reporting `process.cpuUsage()` over IPC. This process signs the
 *   requests, sends them over keep-alive loopback connections and answers the notifications, so none
 *   of that lands in a sandbox's figure.
 * - Both handle the same number of calls before they are measured, so the JIT has compiled as much in
 *   each: while one is filled with the mix, the other answers as many queries (which store nothing)
 *   about its first orders. Then both get the same warm-up of the mix, at the same time.
 * - Both run with the same fixed young generation and no memory reducer: otherwise V8 sizes each
 *   heap from its own history (an idle spell, a forced GC), and that changes what a call costs.
 * - Their measured blocks of calls take turns and, on Linux with `taskset`, share one CPU: a shared
 *   machine's noise falls on both alike. The heap is read last (a forced GC), after the CPU figures.
 *
 * `pnpm exec tsx bench/sandbox-apply.ts [--orders 10000] [--clock manual|real]` prints the figures.
 */
import { execFileSync, fork, type ChildProcess } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { createSigner, type Signer } from '@haipay-kit/protocol/node';
import {
  createSandbox,
  generateSandboxConfig,
  type ClockMode,
  type MerchantCurrency,
  type SandboxConfig,
} from '@haipay-kit/sandbox';
import { request } from './lib.js';

/** What {@link sandboxApplyFigures} measures. */
export interface SandboxApplyFigures {
  /**
   * Sandbox CPU (user + system) per API call of the mix, in ms: in a fresh sandbox (`first100`: about
   * 2,100 orders, from its first thousand calls and a warm-up of a thousand more), in one filled with
   * 10,000 orders and warmed up the same way (`after10k`, about 11,300 orders), and
   * `after10k / first100`. Each is the median of fifteen blocks of 100 sequential calls, the two
   * sandboxes' blocks in turn.
   */
  applyCpuMs: { first100: number; after10k: number; ratio: number };
  /** The filled sandbox's heap after a forced GC, in MB. */
  heapMb: number;
  /** Heap per stored order (the filled sandbox's heap growth over the orders it added), in KB. */
  heapPerOrderKb: number;
  /** Orders the filled sandbox held when it was measured (the fill, then its warm-up's). */
  orders: number;
}

/** Options of {@link sandboxApplyFigures}. */
export interface SandboxApplyOptions {
  /** Orders to fill the sandbox with before the second measurement; default 10,000. */
  orders?: number;
  /** The sandbox's clock; default `manual` (as in tests and `pnpm bench`). */
  clock?: ClockMode;
  /** Progress lines go here; default stderr. */
  log?: (line: string) => void;
}

/** What the child answers to a `probe`. */
interface Probe {
  cpuMs: number;
  heapBytes: number;
  orders: number;
}

const CHILD_FLAG = '--sandbox-child';
/** Blocks of 100 calls per measurement; their median is the figure (a shared machine is noisy). */
const BLOCKS = 15;
/** Mix calls both sandboxes get first, and again side by side right before they are measured. */
const WARM_UP = 1000;
/** The same V8 heap settings for both sandboxes (see the file comment). */
const V8_FLAGS = ['--min-semi-space-size=16', '--max-semi-space-size=16', '--no-memory-reducer'];

/** The child: one sandbox, answering `probe` with its CPU time, heap and order count. */
async function runChild(): Promise<void> {
  const start = await new Promise<{ config: SandboxConfig; clock: ClockMode }>((resolve) =>
    process.once('message', (m) => resolve(m as { config: SandboxConfig; clock: ClockMode })),
  );
  const sandbox = await createSandbox({ config: start.config, clock: start.clock });
  const gc = (globalThis as { gc?: () => void }).gc;
  process.on('message', (m: { type: string; heap?: boolean }) => {
    if (m.type === 'probe') {
      // CPU first: the forced GC that measures the heap is no part of any call.
      const cpu = process.cpuUsage();
      if (m.heap) gc?.();
      const probe: Probe = {
        cpuMs: (cpu.user + cpu.system) / 1000,
        heapBytes: process.memoryUsage().heapUsed,
        orders: sandbox.orders().length,
      };
      process.send?.(probe);
    } else if (m.type === 'close') {
      void sandbox.close().then(() => process.disconnect());
    }
  });
  process.send?.({ url: sandbox.url });
}

/** Binds every thread of process `pid` to CPU `cpu`, where `taskset` (Linux) can; otherwise nothing. */
function pin(pid: number | undefined, cpu: number): void {
  if (pid === undefined || process.platform !== 'linux') return;
  try {
    execFileSync('taskset', ['-a', '-cp', String(cpu), String(pid)], { stdio: 'ignore' });
  } catch {
    // No taskset: the blocks still take turns, which evens out most of the noise.
  }
}

/** Starts a sandbox child (on CPU `cpu` when given) and returns its URL and a probe. */
async function startChild(config: SandboxConfig, clock: ClockMode, cpu?: number) {
  const child: ChildProcess = fork(fileURLToPath(import.meta.url), [CHILD_FLAG], {
    execArgv: ['--conditions=@haipay-kit/source', '--import', 'tsx', '--expose-gc', ...V8_FLAGS],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  if (cpu !== undefined) pin(child.pid, cpu);
  // One question at a time: the next message answers it; an exit fails it.
  let pending: { resolve: (m: unknown) => void; reject: (e: Error) => void } | undefined;
  child.on('message', (m) => pending?.resolve(m));
  child.on('exit', (code) => pending?.reject(new Error(`sandbox child exited (${code})`)));
  const next = <T>() =>
    new Promise<T>((resolve, reject) => {
      pending = { resolve: (m) => resolve(m as T), reject };
    });
  const ready = next<{ url: string }>();
  child.send({ config, clock });
  const { url } = await ready;
  return {
    url,
    /** The child's CPU time and order count; with `heap`, its heap after a full GC too. */
    probe: (heap = false) => {
      const answer = next<Probe>();
      child.send({ type: 'probe', heap });
      return answer;
    },
    close: () =>
      new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.send({ type: 'close' });
      }),
  };
}

/** The mix: one call per index, in turn. Returns the body to sign and the path. */
function mix(notifyUrl: string) {
  let n = 0;
  const id = (p: string) => `${p}-${process.pid}-${++n}`;
  const buyer = {
    email: 'somchai@example.com',
    phone: '0812345678',
    callBackUrl: 'https://shop.example/ok',
    callBackFailUrl: 'https://shop.example/fail',
    subject: 'Bench order',
    partnerUserId: 'u-bench',
  };
  const made: { currency: string; orderId: string }[] = [];
  const calls: ((i: number) => {
    currency: MerchantCurrency;
    path: string;
    body: Record<string, unknown>;
  })[] = [
    () => ({
      currency: 'THB',
      path: '/thb/collect/apply',
      body: {
        ...buyer,
        orderId: id('qr'),
        name: 'Somchai Jaidee',
        amount: '100.00',
        payType: 'QR',
        inBankCode: 'QR',
      },
    }),
    () => ({
      currency: 'THB',
      path: '/thb/collect/apply',
      body: {
        ...buyer,
        orderId: id('va'),
        name: 'Somchai Jaidee',
        amount: '100.00',
        payType: 'VA',
        inBankCode: 'THB_VA',
      },
    }),
    () => ({
      currency: 'VND',
      path: '/vnd/collect/apply',
      body: {
        ...buyer,
        orderId: id('bank'),
        name: 'Nguyen Van A',
        amount: '150000',
        payType: 'BANK_TRANSFER',
        inBankCode: 'BANK',
        phone: '0912345678',
      },
    }),
    () => ({
      currency: 'TWD',
      path: '/twd/collect/apply',
      body: {
        ...buyer,
        orderId: id('atm'),
        name: 'Wang Xiaoming',
        amount: '1500',
        payType: 'BANK_TRANSFER',
        inBankCode: 'ATM',
        phone: '0912345678',
      },
    }),
    () => ({
      currency: 'USD',
      path: '/usd/collect/apply',
      body: {
        orderId: id('card'),
        name: 'Jon Smith',
        email: 'jon@example.com',
        amount: '25.00',
        payType: 'BANK_TRANSFER',
        inBankCode: 'CREDIT_CARD',
        callBackUrl: 'https://shop.example/ok',
        notifyUrl,
        subject: 'Shoes',
        partnerUserId: '9527',
        clientType: 'WEB',
        accountNo: '4242424242424242',
        expiryMonth: '11',
        expiryYear: '2040',
        cvv: '234',
        referer: 'https://shop.example/checkout',
        userAgent: 'Mozilla/5.0 (bench)',
        customerIp: '142.250.191.174',
      },
    }),
    () => ({
      currency: 'THB',
      path: '/thb/pay/apply',
      body: {
        orderId: id('payout'),
        amount: '100.00',
        accountType: 'BANK_ACCOUNT',
        bankCode: 'KBANK',
        accountNo: '1234567890',
        name: 'Somchai Jaidee',
        phone: '0812345678',
        email: 'somchai@example.com',
        partnerUserId: 'u-bench',
        notifyUrl,
      },
    }),
    (i) => {
      // An order made earlier, spread over everything stored so far.
      const o = made[(i * 7919) % made.length]!;
      return {
        currency: o.currency as MerchantCurrency,
        path: `/${o.currency.toLowerCase()}/collect/query`,
        body: { orderId: o.orderId },
      };
    },
  ];
  let i = 0;
  return {
    /** The next call of the mix (a query only once an order was made), or the next query. */
    next(queryOnly = false) {
      if (queryOnly && made.length > 0) return calls[calls.length - 1]!(i++);
      let k = i++;
      if (made.length === 0 && k % calls.length === calls.length - 1) k = i++;
      return calls[k % calls.length]!(k);
    },
    /** Notes a call that succeeded: a collect apply's order can be queried from now on. */
    done(call: { currency: string; path: string; body: Record<string, unknown> }) {
      if (call.path.endsWith('/collect/apply'))
        made.push({ currency: call.currency, orderId: String(call.body.orderId) });
    },
  };
}

/** Measures the sandbox figure (a few minutes on two cores for 10,000 orders). */
export async function sandboxApplyFigures(options: SandboxApplyOptions = {}): Promise<SandboxApplyFigures> {
  const target = options.orders ?? 10_000;
  const log = options.log ?? ((line: string) => process.stderr.write(`[bench] ${line}\n`));
  const config = generateSandboxConfig();
  for (const m of config.merchants) {
    if (m.currency === 'THB' || m.currency === 'USD') m.openingBalance = '100000000.00';
  }
  const signers = new Map<MerchantCurrency, { appId: number; signer: Signer }>(
    config.merchants.map((m) => [
      m.currency,
      { appId: m.appId, signer: createSigner({ privateKey: m.privateKey!, secretKey: m.secretKey }) },
    ]),
  );
  // The merchant's notification endpoint: answers SUCCESS, so each notification is delivered once.
  const receiver = createServer((req, res) => {
    req.resume();
    req.on('end', () => res.end('SUCCESS'));
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
  const notifyUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/notify`;
  const clock = options.clock ?? 'manual';
  const cpu = availableParallelism() - 1;
  const children = await Promise.all([startChild(config, clock, cpu), startChild(config, clock, cpu)]);
  const sandboxes = children.map((child) => ({ child, calls: mix(notifyUrl) }));
  type Target = (typeof sandboxes)[number];
  /** The fresh sandbox and the one filled with `target` orders. */
  const [early, full] = sandboxes as [Target, Target];

  const send = async ({ child, calls }: Target, queryOnly: boolean) => {
    const call = calls.next(queryOnly);
    const { currency, path, body } = call;
    const m = signers.get(currency)!;
    const signed = m.signer.signParams({ appId: m.appId, ...body });
    const res = await request({ method: 'POST', url: `${child.url}${path}`, body: JSON.stringify(signed) });
    const envelope = JSON.parse(res.body) as { status?: string; error?: string };
    if (envelope.status !== '1') throw new Error(`${path} answered ${res.body}`);
    calls.done(call);
  };
  /** `count` calls to `to` (of the mix, or queries only), `concurrency` at a time. */
  const run = async (to: Target, count: number, concurrency: number, queryOnly = false) => {
    let left = count;
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (left-- > 0) await send(to, queryOnly);
      }),
    );
  };
  /** CPU ms per call over a block of 100 sequential calls of the mix. */
  const block = async (to: Target) => {
    const before = await to.child.probe();
    await run(to, 100, 1);
    const after = await to.child.probe();
    return (after.cpuMs - before.cpuMs) / 100;
  };
  const median = (xs: number[]) => xs.sort((a, b) => a - b)[xs.length >> 1]!;

  try {
    await Promise.all(sandboxes.map((t) => run(t, WARM_UP, 2)));
    const start = await full.child.probe(true);
    log(`sandbox: filling one sandbox to ${target} orders, the other answering as many queries`);
    let fillCalls = 0;
    for (;;) {
      const { orders } = await full.child.probe();
      if (orders >= target) break;
      const n = Math.min(1000, Math.ceil(((target - orders) * 7) / 6));
      await Promise.all([run(full, n, 2), run(early, n, 2, true)]);
      fillCalls += n;
    }
    log(`sandbox: warm-up (${WARM_UP} calls each, side by side)`);
    await Promise.all(sandboxes.map((t) => run(t, WARM_UP, 2)));
    const perCall: [number[], number[]] = [[], []];
    for (let b = 0; b < BLOCKS; b++) {
      perCall[0].push(await block(early));
      perCall[1].push(await block(full));
    }
    const [a, z] = [await early.child.probe(), await full.child.probe(true)];
    const first100 = median(perCall[0]);
    const after10k = median(perCall[1]);
    log(`sandbox: ${first100.toFixed(3)} ms CPU per call at ${a.orders} orders`);
    log(
      `sandbox: ${after10k.toFixed(3)} ms CPU per call at ${z.orders} orders (${fillCalls} fill calls each)`,
    );
    return {
      applyCpuMs: { first100, after10k, ratio: after10k / first100 },
      heapMb: z.heapBytes / 2 ** 20,
      heapPerOrderKb: (z.heapBytes - start.heapBytes) / 1024 / (z.orders - start.orders),
      orders: z.orders,
    };
  } finally {
    await Promise.all(children.map((c) => c.close()));
    await new Promise<void>((r) => receiver.close(() => r()));
  }
}

const flag = (name: string) => {
  const at = process.argv.indexOf(name);
  return at >= 0 ? process.argv[at + 1] : undefined;
};

if (process.argv.includes(CHILD_FLAG)) {
  await runChild();
} else if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const orders = flag('--orders');
  const clock = flag('--clock');
  const f = await sandboxApplyFigures({
    ...(orders ? { orders: Number(orders) } : {}),
    ...(clock === 'real' || clock === 'manual' ? { clock } : {}),
  });
  console.log(`sandbox.applyCpuMs first100   ${f.applyCpuMs.first100.toFixed(3)} ms`);
  console.log(`sandbox.applyCpuMs after10k   ${f.applyCpuMs.after10k.toFixed(3)} ms (${f.orders} orders)`);
  console.log(`sandbox.applyCpuMs ratio      ${f.applyCpuMs.ratio.toFixed(3)}`);
  console.log(
    `sandbox.heapMb                ${f.heapMb.toFixed(1)} MB (${f.heapPerOrderKb.toFixed(2)} KB per order)`,
  );
  process.exit(0);
}
