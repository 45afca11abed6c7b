/**
 * The `listRecheckDue` / `endRecheck` part of the store contract: which closed payments the reconciler
 * asks HaiPay about again for late money, and when. Run by `runPaymentStoreContract` on the same store
 * and clock; skipped for a store without the (optional) methods.
 */
import { it, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import type { PaymentStore, RecheckQuery } from '@haipay-kit/express/store';
import { sampleRecord } from './store-contract.js';

const MINUTE = 60_000;
const WINDOW = 72 * 60 * MINUTE;

/**
 * The recheck cases; `store()` is the test's store, `now()` its clock and `advance(ms)` moves it.
 */
export function recheckContract(
  store: () => PaymentStore,
  now: () => number,
  advance: (ms: number) => void,
): void {
  /** The store, or null (test skipped) when it has not the optional methods. */
  const withRecheck = (t: TestContext) => {
    const s = store();
    if (s.listRecheckDue && s.endRecheck)
      return s as Required<Pick<PaymentStore, 'listRecheckDue'>> & PaymentStore;
    t.skip('listRecheckDue is optional and this store has not got it');
    return null;
  };
  const due = async (s: PaymentStore, extra: Partial<RecheckQuery> = {}) =>
    (await s.listRecheckDue!({ now: now(), windowMs: WINDOW, minGapMs: MINUTE, ...extra })).map(
      (r) => r.orderId,
    );
  const closed = async (s: PaymentStore, to: 'expired' | 'failed' = 'expired') => {
    const { orderId } = await s.create(sampleRecord({ status: 'pending' }));
    assert.equal((await s.transition(orderId, to, { failureReason: to })).changed, true);
    return orderId;
  };

  it('recheck: a payment moved to expired or failed is listed; other closes and records are not', async (t) => {
    const s = withRecheck(t);
    if (!s) return;
    const expired = await closed(s, 'expired');
    const failed = await closed(s, 'failed');
    const paid = await s.create(sampleRecord({ status: 'pending' }));
    await s.transition(paid.orderId, 'succeeded');
    const sub = await s.create(sampleRecord({ kind: 'subscription', status: 'pending' }));
    await s.transition(sub.orderId, 'failed');
    await s.create(sampleRecord({ status: 'failed' })); // written closed, never moved there
    await s.create(sampleRecord({ status: 'pending' }));
    assert.deepEqual((await due(s)).sort(), [expired, failed].sort());
  });

  it('recheck: due when never checked, then after gaps that double with age, never past the window', async (t) => {
    const s = withRecheck(t);
    if (!s) return;
    const closedAt = now();
    const id = await closed(s);
    await s.markChecked(id, closedAt); // the query that closed it
    advance(MINUTE - 1);
    assert.deepEqual(await due(s), [], 'not before the shortest gap');
    advance(1);
    assert.deepEqual(await due(s), [id]);
    await s.markChecked(id, now()); // age 1 minute at this check
    advance(MINUTE - 1);
    assert.deepEqual(await due(s), []);
    advance(1);
    assert.deepEqual(await due(s), [id], 'a gap as long as its age at the last check');
    advance(8 * MINUTE);
    await s.markChecked(id, now()); // age 10 minutes
    advance(10 * MINUTE - 1);
    assert.deepEqual(await due(s), []);
    advance(1);
    assert.deepEqual(await due(s), [id]);
    advance(closedAt + WINDOW - now());
    assert.deepEqual(await due(s), [id], 'the last moment of the window');
    advance(1);
    assert.deepEqual(await due(s), [], 'never after it');
    assert.deepEqual(await due(s, { windowMs: 2 * WINDOW }), [id], 'a wider window still has it');
  });

  it('recheck: least recently checked first, then the earliest closed; at most `limit`', async (t) => {
    const s = withRecheck(t);
    if (!s) return;
    const a = await closed(s);
    advance(1000);
    const b = await closed(s);
    advance(1000);
    const c = await closed(s);
    await s.markChecked(a, now());
    advance(10 * MINUTE);
    assert.deepEqual(await due(s), [b, c, a]);
    assert.deepEqual(await due(s, { limit: 2 }), [b, c]);
  });

  it('recheck: orders due alike (same check, same close) come in order of their ids, byte by byte', async (t) => {
    const s = withRecheck(t);
    if (!s) return;
    // Ids that a locale's collation orders differently (a A b B) from their bytes (A B a b).
    const stem = `hp_tie_${Math.random().toString(36).slice(2)}_`;
    for (const c of ['b', 'A', 'a', 'B']) {
      const { orderId } = await s.create(sampleRecord({ orderId: stem + c, status: 'pending' }));
      await s.transition(orderId, 'expired');
    }
    assert.deepEqual(
      await due(s),
      ['A', 'B', 'a', 'b'].map((c) => stem + c),
    );
  });

  it('recheck: endRecheck and a move to review end it for good', async (t) => {
    const s = withRecheck(t);
    if (!s) return;
    const ended = await closed(s);
    const late = await closed(s, 'failed');
    const kept = await closed(s);
    await s.endRecheck!(ended);
    assert.equal((await s.transition(late, 'review', { failureReason: 'late payment' })).changed, true);
    assert.deepEqual(await due(s), [kept]);
    advance(WINDOW / 2);
    assert.deepEqual(await due(s), [kept]);
    assert.equal((await s.get(ended))?.status, 'expired', 'ending the re-check changes nothing else');
  });
}
