/**
 * The CLI's money commands — `haipay refund`, `haipay payout`, `haipay balance` — over the same
 * checkout calls a back office makes (`refund()`, `payout()`, `balance()`), with the same guarantees:
 * a refund or payout is recorded in the store file (`--store`) before HaiPay hears of it and applied
 * once per `--key`, so running the same command again (after a timeout, a crash) never moves money
 * twice. Money-moving commands ask for confirmation on stdin unless `--yes`; `--json` prints the
 * record as JSON instead of a sentence.
 */
import { HaiPayCheckout } from './checkout/index.js';
import type { PayoutRequest } from './checkout/payouts-create.js';
import type { HaiPayClient } from './client.js';
import { silentLogger } from './logger.js';
import { MemoryPaymentStore } from './store/memory.js';
import { SqlitePaymentStore } from './store/sqlite.js';
import type { PaymentStore, TransferRecord } from './store/types.js';

/** What the money commands read from the command line. */
export interface MoneyFlags {
  store?: string;
  key?: string;
  reason?: string;
  'order-id'?: string;
  currency?: string;
  payout?: string;
  'public-base-url'?: string;
  yes?: boolean;
  json?: boolean;
}

/** The CLI's streams, its client builder and its error for a usage mistake. */
export interface MoneyIo {
  stdin: () => Promise<string>;
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  client: (currency: string) => HaiPayClient;
  usage: (message: string) => Error;
}

/** A one-line account of a refund or payout for people. */
function describe(t: TransferRecord): string {
  const what =
    t.kind === 'refund' ? `refund of ${t.paymentOrderId ?? '?'}` : `payout to ${t.details.name ?? '?'}`;
  const tail =
    t.status === 'failed'
      ? `: ${t.failureReason ?? 'failed'}`
      : t.status === 'unknown'
        ? ": HaiPay's answer is not known yet; run the same command again to ask"
        : '';
  return `${t.kind} ${t.transferId} (${what}, ${t.amount} ${t.currency}) is ${t.status}${t.gatewayNo ? ` at HaiPay as ${t.gatewayNo}` : ''}${tail}\n`;
}

/** Asks on stderr and reads the answer from stdin; true only for y or yes. */
async function confirmed(io: MoneyIo, question: string): Promise<boolean> {
  io.stderr(`${question} [y/N] `);
  const answer = (await io.stdin()).trim().split('\n')[0]?.trim().toLowerCase();
  return answer === 'y' || answer === 'yes';
}

/** A checkout over the store file, for the one call (no router, no reconciler). */
function checkoutFor(io: MoneyIo, flags: MoneyFlags, currency: string, store: PaymentStore) {
  return new HaiPayCheckout({
    client: io.client(currency),
    store,
    logger: silentLogger,
    hooks: {},
    publicBaseUrl: (flags['public-base-url'] ?? '').replace(/\/+$/, ''),
    returnUrl: 'https://invalid.example/',
    expiresAfterMs: {},
    refreshAfterMs: 0,
    unknownGraceMs: 120_000,
    hookLeaseMs: 60_000,
    hookWaitMs: 0,
    confirmByQuery: 'on-mismatch',
  });
}

/** Runs `refund`, `payout` or `balance`; resolves with the exit code (1 when it failed or was declined). */
export async function runMoneyCommand(command: string, flags: MoneyFlags, io: MoneyIo): Promise<number> {
  const print = (value: unknown, text: string) =>
    io.stdout(flags.json ? `${JSON.stringify(value, null, 2)}\n` : text);
  if (command === 'balance') {
    const currency = (flags.currency ?? '').toUpperCase();
    if (!currency) throw io.usage('--currency is required, e.g. --currency THB.');
    // A balance is only read: nothing is stored.
    const b = await checkoutFor(io, flags, currency, new MemoryPaymentStore()).balance(currency);
    print(
      b,
      `${b.currency}: total ${b.total}, available ${b.available}, frozen ${b.frozen}, unsettled ${b.unsettled}\n`,
    );
    return 0;
  }
  if (!flags.store) throw io.usage('--store <file> is required: the SQLite store the router uses.');
  if (!flags.key)
    throw io.usage('--key is required: the idempotency key (the same key never moves money twice).');
  const store = new SqlitePaymentStore({ filename: flags.store });
  try {
    let question: string;
    let run: (c: HaiPayCheckout) => Promise<TransferRecord>;
    let currency: string;
    if (command === 'refund') {
      const orderId = flags['order-id'];
      if (!orderId) throw io.usage('--order-id is required: the paid order to refund.');
      const order = await store.get(orderId);
      currency = order?.merchant ?? 'USD';
      question = `Refund ${order ? `${order.amount} ${order.currency}` : 'the whole amount'} of order ${orderId}?`;
      run = (c) =>
        c.refund(orderId, { idempotencyKey: flags.key!, ...(flags.reason ? { reason: flags.reason } : {}) });
    } else {
      if (!flags['public-base-url'])
        throw io.usage(
          '--public-base-url is required: where your router is mounted (its /notify gets the result).',
        );
      let request: PayoutRequest;
      try {
        request = JSON.parse(flags.payout ?? '') as PayoutRequest;
      } catch {
        throw io.usage('--payout must be the payout as JSON, e.g. {"currency":"THB","amount":"250.00",…}.');
      }
      currency = String(request.currency ?? '').toUpperCase();
      question = `Pay out ${request.amount} ${currency} to ${request.name} (${request.bankCode} ****${String(request.accountNo).slice(-4)})?`;
      run = (c) => c.payout(request, { idempotencyKey: flags.key! });
    }
    if (!flags.yes && !(await confirmed(io, question))) {
      io.stderr('Nothing was done.\n');
      return 1;
    }
    const t = await run(checkoutFor(io, flags, currency, store));
    print(t, describe(t));
    return t.status === 'failed' ? 1 : 0;
  } finally {
    await store.close();
  }
}
