/**
 * Payout notifications on POST /notify (reference §3.3, §7.2): a payout the merchant made with
 * `client.payApply` (notifyUrl = the router's /notify) is told apart from an unknown collection by
 * asking HaiPay (collect query 4013, then pay query), checked against the query, recorded, acknowledged
 * and handed to `onPayoutSucceeded` / `onPayoutFailed` exactly once; a forged one is refused, one the
 * query contradicts never reaches those hooks.
 */
import { describe, it, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { scalarText } from '@haipay-kit/protocol';
import { createSandbox, generateSandboxConfig, type Sandbox } from '@haipay-kit/sandbox';
import { generateTestNotification } from '../src/testing.js';
import { SqlitePaymentStore } from '../src/store/sqlite.js';
import type { CheckoutHooks, PayoutEvent } from '../src/checkout/index.js';
import { startHarness, type Harness } from '@haipay-kit/test-support';

let sandbox: Sandbox;
let h: Harness;
/** Hook calls, in order: `${hook}:${orderId}`. */
const calls: string[] = [];
/** What each payout hook received, in order. */
const received: { hook: string; payout: PayoutEvent; details?: unknown }[] = [];
/** Set by a test to make the next payout hook throw. */
let throwNext = 0;

const hooks: CheckoutHooks = {
  onPaymentSucceeded: (p) => void calls.push(`succeeded:${p.orderId}`),
  onPayoutSucceeded(payout) {
    calls.push(`payout-succeeded:${payout.orderId}`);
    received.push({ hook: 'onPayoutSucceeded', payout });
    if (throwNext > 0 && throwNext--) throw new Error('ledger is down');
  },
  onPayoutFailed(payout) {
    calls.push(`payout-failed:${payout.orderId}`);
    received.push({ hook: 'onPayoutFailed', payout });
  },
  onPayoutMismatch(payout, details) {
    calls.push(`payout-mismatch:${payout.orderId}`);
    received.push({ hook: 'onPayoutMismatch', payout, details });
  },
};

before(async () => {
  const config = generateSandboxConfig();
  // Money to pay out: the THB business starts with a balance.
  for (const m of config.merchants) if (m.currency === 'THB') m.openingBalance = '100000.00';
  sandbox = await createSandbox({ config });
  h = await startHarness({ sandbox, router: { hooks } });
});
after(async () => {
  await h.close();
  await sandbox.close();
});
beforeEach(() => {
  sandbox.clearFaults();
  throwNext = 0;
});

let seq = 0;
/** A payout made the way a merchant's back office makes one: through the client, notifyUrl = /notify. */
async function payout(amount = '250.00', accountNo = '0123456789', notifyUrl = `${h.url}/haipay/notify`) {
  const orderId = `po_${process.pid}_${Date.now()}_${seq++}`;
  const d = await h.client.payApply('THB', {
    orderId,
    amount,
    accountType: 'BANK_ACCOUNT',
    bankCode: 'KBANK',
    accountNo,
    name: 'Saeng Coffee Co Ltd',
    phone: '0812345678',
    email: 'finance@saeng.example',
    partnerUserId: 'merchant',
    subject: 'Payout to the shop account',
    notifyUrl,
  });
  return { orderId, orderNo: scalarText(d.orderNo), amount };
}

/** A payout notification body signed as HaiPay signs one (the sandbox's platform key). */
function signed(payload: Record<string, unknown>, platformPrivateKey = sandbox.config.platform.privateKey) {
  return generateTestNotification({
    payload,
    platformPrivateKey,
    secretKey: sandbox.merchant('THB').secretKey,
  });
}

const payoutPayload = (
  p: { orderId: string; orderNo: string; amount: string },
  extra: Record<string, unknown> = {},
) => ({
  appId: sandbox.merchant('THB').appId,
  currency: 'THB',
  orderId: p.orderId,
  orderNo: p.orderNo,
  amount: p.amount,
  fee: '10.00',
  status: 2,
  payTime: '2026-01-01 12:00:05',
  ...extra,
});

async function notify(body: string) {
  const res = await fetch(`${h.url}/haipay/notify`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body,
  });
  return { status: res.status, text: await res.text() };
}

const callsFor = (orderId: string) => calls.filter((c) => c.endsWith(`:${orderId}`));

describe('payout notifications on POST /notify', () => {
  it('a payout made through the client is verified, confirmed by query, recorded, answered SUCCESS, hooked once across duplicate deliveries', async () => {
    sandbox.injectFault({ mode: 'duplicateNotification', endpoint: 'pay/apply', count: 1 });
    const p = await payout();
    assert.ok(sandbox.complete(p.orderNo, 'success'));
    await sandbox.idle();

    const [n] = sandbox.notifications(p.orderNo);
    assert.equal(n?.kind, 'payout');
    assert.equal(n?.state, 'delivered');
    assert.ok(n.attempts.length >= 2, 'the sandbox pushed the notification twice (duplicate fault)');
    for (const a of n.attempts) {
      assert.equal(a.httpStatus, 200, JSON.stringify(a));
      assert.equal(a.answer, 'SUCCESS');
      assert.equal(a.delivered, true);
    }
    // HaiPay's retry of the same bytes later: acknowledged, never hooked again.
    assert.deepEqual(await notify(n.body), { status: 200, text: 'SUCCESS' });

    assert.deepEqual(callsFor(p.orderId), [`payout-succeeded:${p.orderId}`]);
    const got = received.find((r) => r.payout.orderId === p.orderId)!.payout;
    assert.equal(got.orderNo, p.orderNo);
    assert.equal(got.merchant, 'THB');
    assert.equal(got.currency, 'THB');
    assert.equal(got.amount, '250.00');
    assert.equal(got.fee, '10.00');
    assert.equal(got.status, 'succeeded');
    assert.equal(got.errorMsg, null);
    assert.match(got.payTime ?? '', /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
    assert.equal(got.notified.orderId, p.orderId, 'the verified notification is passed on');
    assert.equal(got.notified.sign, undefined, 'without its signature');

    const log = await h.store.listNotifications(p.orderId);
    const outcomes = log.map((e) => e.outcome);
    assert.equal(outcomes.filter((o) => o === 'payout_succeeded').length, 1, outcomes.join(', '));
    assert.equal(outcomes.filter((o) => o === 'duplicate').length, log.length - 1, outcomes.join(', '));
    assert.ok(log.length >= 3 && log.every((e) => e.verified));
    assert.equal(await h.store.get(p.orderId), null, 'a payout is not a payment record');
    assert.deepEqual(
      (await h.store.listPendingHookEvents()).filter((e) => e.orderId === p.orderId),
      [],
      'its hook event is done',
    );
  });

  it('a failed payout (the virtual clock settles it) → onPayoutFailed once, with HaiPay’s reason', async () => {
    const p = await payout('120.00', '9990001111'); // the sandbox's bank refuses accounts starting 999
    await sandbox.clock.advance(61_000);
    await sandbox.idle();
    const [n] = sandbox.notifications(p.orderNo);
    assert.equal(n?.state, 'delivered');
    assert.equal(n?.attempts[0]?.answer, 'SUCCESS');
    assert.deepEqual(await notify(n.body), { status: 200, text: 'SUCCESS' });
    assert.deepEqual(callsFor(p.orderId), [`payout-failed:${p.orderId}`]);
    const got = received.find((r) => r.payout.orderId === p.orderId)!.payout;
    assert.equal(got.status, 'failed');
    assert.equal(got.errorMsg, 'Bank Account is not found');
    assert.deepEqual(
      (await h.store.listNotifications(p.orderId)).map((e) => e.outcome),
      ['payout_failed', 'duplicate'],
    );
  });

  it('a forged payout notification is refused: 400, nothing recorded, no hook', async () => {
    const p = await payout('75.00');
    // Signed with a key that is not HaiPay's platform key.
    const forged = signed(payoutPayload(p, { amount: '75.00' }), sandbox.merchant('THB').privateKey);
    assert.equal((await notify(forged)).status, 400);
    // Signed correctly, then altered.
    const tampered = signed(payoutPayload(p, { status: 3, errorMsg: 'x', fee: '0.00' })).replace(
      '"status":3',
      '"status":2',
    );
    const res = await notify(tampered);
    assert.equal(res.status, 400);
    assert.notEqual(res.text, 'SUCCESS');
    assert.deepEqual(callsFor(p.orderId), []);
    assert.deepEqual(await h.store.listNotifications(p.orderId), [], 'unverified bodies are never stored');
    assert.equal(h.router.checkout.rejectedNotifications.at(-1)?.reason, 'rejected_signature');
  });

  it('a verified notification HaiPay knows as neither a collection nor a payout → 404, logged, no hook', async () => {
    const ghost = { orderId: `po_ghost_${Date.now()}`, orderNo: '5000000000001', amount: '10.00' };
    const res = await notify(signed(payoutPayload(ghost)));
    assert.equal(res.status, 404);
    assert.notEqual(res.text, 'SUCCESS');
    const log = await h.store.listNotifications(ghost.orderId);
    assert.equal(log.length, 1);
    assert.match(log[0]!.outcome, /^unknown_order \(gateway_4013; payout gateway_4013\)$/);
    assert.deepEqual(callsFor(ghost.orderId), []);
  });

  it('an amount the query contradicts is never a success: recorded as payout_mismatch, onPayoutMismatch once, then the genuine notification runs onPayoutSucceeded', async () => {
    const p = await payout('300.00', '0123456789', ''); // no notifyUrl: only the bodies below arrive
    assert.ok(sandbox.complete(p.orderNo, 'success'));
    const wrong = signed(payoutPayload(p, { amount: '3000.00' }));
    const first = await notify(wrong);
    assert.deepEqual(first, { status: 200, text: 'SUCCESS' }, 'recorded durably; a retry changes nothing');
    assert.deepEqual(await notify(wrong), { status: 200, text: 'SUCCESS' });
    assert.deepEqual(callsFor(p.orderId), [`payout-mismatch:${p.orderId}`]);
    const mismatch = received.find((r) => r.payout.orderId === p.orderId)!;
    assert.equal(mismatch.payout.amount, '300.00', 'the payout as HaiPay’s query reports it');
    assert.equal(mismatch.payout.status, 'succeeded');
    const details = mismatch.details as { reason: string; notified: Record<string, unknown> };
    assert.match(details.reason, /amount 3000\.00 .*300\.00/);
    assert.equal(details.notified.amount, '3000.00');

    // The genuine notification (matching the query) is a success, once.
    assert.deepEqual(await notify(signed(payoutPayload(p))), { status: 200, text: 'SUCCESS' });
    assert.deepEqual(callsFor(p.orderId), [`payout-mismatch:${p.orderId}`, `payout-succeeded:${p.orderId}`]);
    assert.deepEqual(
      (await h.store.listNotifications(p.orderId)).map((e) => e.outcome),
      ['payout_mismatch', 'duplicate', 'payout_succeeded'],
    );
  });

  it('a final status the query does not confirm yet (payout still processing) is not acknowledged and not hooked', async () => {
    const p = await payout('40.00', '0123456789', '');
    const early = signed(payoutPayload(p, { amount: '40.00' }));
    const res = await notify(early);
    assert.equal(res.status, 409);
    assert.equal(res.text, 'FAIL', 'HaiPay delivers again later');
    assert.deepEqual(callsFor(p.orderId), []);
    // Once HaiPay's query agrees, the same delivery is believed.
    assert.ok(sandbox.complete(p.orderNo, 'success'));
    assert.deepEqual(await notify(early), { status: 200, text: 'SUCCESS' });
    assert.deepEqual(callsFor(p.orderId), [`payout-succeeded:${p.orderId}`]);
    assert.deepEqual(
      (await h.store.listNotifications(p.orderId)).map((e) => e.outcome),
      ['payout_unconfirmed (HaiPay says status 1)', 'payout_succeeded'],
    );
  });

  it('a verified payout notification outside the documented shape (status 4) → 400 rejected_schema, no hook', async () => {
    const p = await payout('55.00', '0123456789', '');
    assert.ok(sandbox.complete(p.orderNo, 'success'));
    const res = await notify(signed(payoutPayload(p, { amount: '55.00', status: 4 })));
    assert.equal(res.status, 400);
    assert.deepEqual(callsFor(p.orderId), []);
    assert.deepEqual(
      (await h.store.listNotifications(p.orderId)).map((e) => e.outcome),
      ['rejected_schema'],
    );
  });

  it('a payout hook that throws answers FAIL; the reconciler runs it again (no payment record needed), then never again', async () => {
    throwNext = 1;
    const p = await payout('60.00', '0123456789', '');
    assert.ok(sandbox.complete(p.orderNo, 'success'));
    const body = signed(payoutPayload(p, { amount: '60.00' }));
    assert.deepEqual(await notify(body), { status: 500, text: 'FAIL' });
    assert.deepEqual(callsFor(p.orderId), [`payout-succeeded:${p.orderId}`]);
    await h.router.reconciler.runOnce();
    assert.deepEqual(callsFor(p.orderId), [`payout-succeeded:${p.orderId}`, `payout-succeeded:${p.orderId}`]);
    assert.deepEqual(await notify(body), { status: 200, text: 'SUCCESS' });
    await h.router.reconciler.runOnce();
    assert.equal(callsFor(p.orderId).length, 2, 'completed: never run a third time');
  });
});

describe('payout notifications with the SQLite store', () => {
  it('the hook event survives a restart on the same file: a crash before the hook ran is made up by the next process', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'haipay-payout-'));
    const filename = join(dir, 'haipay.db');
    try {
      const p = await payout('80.00', '0123456789', '');
      assert.ok(sandbox.complete(p.orderNo, 'success'));
      const body = signed(payoutPayload(p, { amount: '80.00' }));
      // First process: the hook throws (as if it died mid-hook); the event stays pending in the file.
      const seen: string[] = [];
      const a = await startHarness({
        sandbox,
        store: new SqlitePaymentStore({ filename }),
        router: {
          hooks: {
            onPayoutSucceeded: () => {
              seen.push('a');
              throw new Error('crash');
            },
          },
        },
      });
      const res = await fetch(`${a.url}/haipay/notify`, { method: 'POST', body });
      assert.equal(res.status, 500);
      await a.close();
      // Second process on the same file: its reconciler runs the pending payout hook.
      const b = await startHarness({
        sandbox,
        store: new SqlitePaymentStore({ filename }),
        router: { hooks: { onPayoutSucceeded: (payout) => void seen.push(`b:${payout.orderId}`) } },
      });
      try {
        await b.router.reconciler.runOnce();
        await b.router.reconciler.runOnce();
        assert.deepEqual(seen, ['a', `b:${p.orderId}`]);
        const again = await fetch(`${b.url}/haipay/notify`, { method: 'POST', body });
        assert.equal(await again.text(), 'SUCCESS');
        assert.deepEqual(seen, ['a', `b:${p.orderId}`]);
      } finally {
        await b.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
