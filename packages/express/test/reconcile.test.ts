/** Outcome-unknown applies (1003, timeout, bad signature), the reconciler, restart on one SQLite file, card data at rest. */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSandbox, type Sandbox } from '@haipay-kit/sandbox';
import { SqlitePaymentStore } from '../src/store/sqlite.js';
import { startHarness, idem, BUYER, CARD, type Harness } from '@haipay-kit/test-support';

let sandbox: Sandbox;
let dir: string;
before(async () => {
  sandbox = await createSandbox();
  dir = mkdtempSync(join(tmpdir(), 'haipay-reconcile-'));
});
after(async () => {
  await sandbox.close();
  rmSync(dir, { recursive: true, force: true });
});

const THB = { amount: '100.00', currency: 'THB', subject: 'Order #1', buyerId: 'u-1001' };
const ordersWithId = (orderId: string) => sandbox.orders().filter((o) => o.orderId === orderId);

async function withHarness(fn: (h: Harness) => Promise<void>, opts: Parameters<typeof startHarness>[0] = {}) {
  const h = await startHarness({ sandbox, ...opts });
  h.order = THB;
  try {
    await fn(h);
  } finally {
    sandbox.clearFaults();
    await h.close();
  }
}

describe('outcome unknown on apply → reconciled by query, never re-created', () => {
  it('1003 on apply: 202 unknown, then the reconciler finds the one order', () =>
    withHarness(async (h) => {
      sandbox.injectFault({ mode: '1003', endpoint: 'thb/collect/apply' });
      const res = await h.post('/haipay/payments', { method: 'promptpay', ...BUYER }, idem());
      assert.equal(res.status, 202);
      assert.equal(res.json.status, 'unknown');
      assert.deepEqual(res.json.next, { type: 'wait' });
      assert.equal(ordersWithId(res.json.orderId).length, 1, 'the sandbox recorded it before answering 1003');
      await h.router.reconciler.runOnce();
      const after = await h.store.get(res.json.orderId);
      assert.equal(after?.status, 'pending');
      assert.equal(after?.orderNo, ordersWithId(res.json.orderId)[0]!.orderNo);
      sandbox.complete(after.orderNo, 'success');
      await sandbox.idle();
      assert.equal((await h.store.get(res.json.orderId))?.status, 'succeeded');
      assert.equal(ordersWithId(res.json.orderId).length, 1, 'no second order');
      assert.deepEqual(h.calls, [`succeeded:${res.json.orderId}`]);
    }));

  it('1004 on apply, paid meanwhile: the reconciler settles it as succeeded, hook once', () =>
    withHarness(async (h) => {
      sandbox.injectFault({ mode: '1004', endpoint: 'collect/apply' });
      const res = await h.post('/haipay/payments', { method: 'truemoney', ...BUYER }, idem());
      assert.equal(res.status, 202);
      const no = ordersWithId(res.json.orderId)[0]!.orderNo;
      sandbox.complete(no, 'success');
      await sandbox.idle(); // the notification arrives too; either path may win
      await h.router.reconciler.runOnce();
      assert.equal((await h.store.get(res.json.orderId))?.status, 'succeeded');
      assert.deepEqual(h.calls, [`succeeded:${res.json.orderId}`]);
    }));

  it('timeout on apply (gateway hangs): 202 unknown, reconciled by query, no second order', () =>
    withHarness(
      async (h) => {
        sandbox.injectFault({ mode: 'hang', endpoint: 'collect/apply', ms: 5000 });
        const res = await h.post('/haipay/payments', { method: 'promptpay', ...BUYER }, idem());
        assert.equal(res.status, 202);
        assert.equal(res.json.status, 'unknown');
        assert.equal(ordersWithId(res.json.orderId).length, 1);
        await h.router.reconciler.runOnce();
        assert.equal((await h.store.get(res.json.orderId))?.status, 'pending');
        assert.equal(ordersWithId(res.json.orderId).length, 1, 'never re-sent');
      },
      { client: { timeoutMs: 300 } },
    ));

  it('a response with a bad signature → typed error, nothing stored as paid', () =>
    withHarness(async (h) => {
      sandbox.injectFault({ mode: 'badSignature', endpoint: 'collect/apply' });
      const res = await h.post('/haipay/payments', { method: 'promptpay', ...BUYER }, idem());
      assert.equal(res.status, 202, 'the order may exist, so it is reconciled, not failed');
      const record = await h.store.get(res.json.orderId);
      assert.equal(record?.status, 'unknown');
      assert.equal(record?.next?.type, 'wait', 'nothing from the unverified answer is used');
      assert.equal(record?.orderNo, null);
      assert.ok(h.logger.lines.some((l) => l.includes('HaiPaySignatureError')));
      // The client raises the typed error directly, too:
      sandbox.injectFault({ mode: 'badSignature', endpoint: 'thb/account/ledger', count: 3 });
      await assert.rejects(h.client.accountLedger('THB'), { name: 'HaiPaySignatureError' });
    }));

  it('an apply HaiPay never received (4013 on query) fails after the grace period', () =>
    withHarness(
      async (h) => {
        sandbox.injectFault({ mode: 'http500', endpoint: 'collect/apply' }); // answered before recording
        const res = await h.post('/haipay/payments', { method: 'promptpay', ...BUYER }, idem());
        assert.equal(res.status, 202);
        assert.equal(ordersWithId(res.json.orderId).length, 0);
        await h.router.reconciler.runOnce();
        const record = await h.store.get(res.json.orderId);
        assert.equal(record?.status, 'failed');
        assert.match(record?.failureReason ?? '', /not_created/);
      },
      { router: { unknownGraceMs: 0 } },
    ));
});

describe('restart on the same SQLite file', () => {
  it('keeps state, and pending reconciliation survives the restart', async () => {
    const filename = join(dir, 'restart.db');
    let paidId = '';
    let unknownId = '';
    await withHarness(
      async (h) => {
        const paid = (await h.post('/haipay/payments', { method: 'promptpay', ...BUYER }, idem())).json;
        sandbox.complete(paid.orderNo, 'success');
        await sandbox.idle();
        assert.equal((await h.store.get(paid.orderId))?.status, 'succeeded');
        paidId = paid.orderId;
        sandbox.injectFault({ mode: '1003', endpoint: 'collect/apply' });
        const unknown = await h.post('/haipay/payments', { method: 'promptpay', ...BUYER }, idem());
        assert.equal(unknown.status, 202);
        unknownId = unknown.json.orderId;
      },
      { store: new SqlitePaymentStore({ filename }) },
    );
    // "Process 2": a new store and router on the same file.
    await withHarness(
      async (h) => {
        assert.equal((await h.store.get(paidId))?.status, 'succeeded');
        assert.equal((await h.store.get(unknownId))?.status, 'unknown');
        await h.router.reconciler.runOnce();
        assert.equal((await h.store.get(unknownId))?.status, 'pending');
        // Paid meanwhile; its notification went to the old process's port, so the reconciler settles it.
        sandbox.complete((await h.store.get(unknownId))!.orderNo!, 'success');
        await sandbox.idle();
        await h.router.reconciler.runOnce();
        assert.equal((await h.store.get(unknownId))?.status, 'succeeded');
        assert.deepEqual(h.calls, [`succeeded:${unknownId}`], 'the paid order is not hooked again');
      },
      { store: new SqlitePaymentStore({ filename }) },
    );
  });
});

describe('card data at rest and in logs', () => {
  it('a card number never appears in captured logs or the database files', async () => {
    const filename = join(dir, 'card.db');
    const store = new SqlitePaymentStore({ filename });
    const pan = '4000002500003155';
    let logs: string[] = [];
    await withHarness(
      async (h) => {
        h.order = { amount: '25.00', currency: 'USD', subject: 'Order #5', buyerId: 'u-1001' };
        const ok = await h.post(
          '/haipay/payments',
          { method: 'card', ...BUYER, ...CARD, cardNumber: pan, cvv: '987' },
          idem(),
        );
        assert.equal(ok.status, 201);
        assert.ok(!JSON.stringify(ok.json).includes(pan));
        // a validation failure and an outcome-unknown card apply, both logged
        await h.post(
          '/haipay/payments',
          { method: 'card', ...BUYER, ...CARD, cardNumber: pan, cvv: 'x' },
          idem(),
        );
        sandbox.injectFault({ mode: '1003', endpoint: 'usd/collect/apply' });
        const unknown = await h.post(
          '/haipay/payments',
          { method: 'card', ...BUYER, ...CARD, cardNumber: pan },
          idem(),
        );
        assert.equal(unknown.status, 202);
        // replay of the same key/body must match without storing the card
        const key = idem();
        const a = await h.post(
          '/haipay/payments',
          { method: 'card', ...BUYER, ...CARD, cardNumber: pan },
          key,
        );
        const b = await h.post(
          '/haipay/payments',
          { method: 'card', ...BUYER, ...CARD, cardNumber: pan },
          key,
        );
        assert.equal(a.json.orderId, b.json.orderId);
        h.router.checkout.options.logger.info('a line with a stray pan', {
          body: { cardNumber: pan, cvv: '987' },
          note: `pan ${pan}`,
        });
        logs = h.logger.lines;
      },
      { store },
    );
    assert.ok(logs.length > 0, 'something was logged');
    const joined = logs.join('\n');
    assert.ok(!joined.includes(pan), 'no PAN in logs');
    assert.ok(!joined.includes('"cvv":"987"'), 'no CVV in logs');
    for (const file of [filename, `${filename}-wal`, `${filename}-shm`]) {
      if (!existsSync(file)) continue;
      const bytes = readFileSync(file);
      assert.ok(!bytes.includes(Buffer.from(pan)), `no PAN in ${file}`);
      assert.ok(!bytes.includes(Buffer.from(pan.slice(0, 12))), `no PAN prefix in ${file}`);
    }
  });
});
