/**
 * The refund and payout half of the `PaymentStore` contract, run inside `runPaymentStoreContract` on
 * the same store and clock: keys decide once, one live refund per order, forward-only transitions that
 * add their hook event in the same write, the unsettled list for the reconciler.
 */
import { it } from 'node:test';
import assert from 'node:assert/strict';
import type { NewTransferRecord, PaymentStore } from '@haipay-kit/express/store';

/** A refund as the checkout records it before calling HaiPay. */
function sampleTransfer(overrides: Partial<NewTransferRecord> = {}): NewTransferRecord {
  const id = Math.random().toString(36).slice(2);
  return {
    transferId: `hpr_test_${id}`,
    kind: 'refund',
    merchant: 'USD',
    currency: 'USD',
    amount: '25.00',
    paymentOrderId: `hp_paid_${id}`,
    gatewayNo: null,
    status: 'unknown',
    reason: 'customer asked',
    failureReason: null,
    fee: null,
    details: {},
    idempotencyKey: `key-${id}`,
    requestHash: 'hash-1',
    ...overrides,
  };
}

/** The transfer cases; `store()` is the test's store, `advance(ms)` moves its clock. */
export function transferContract(store: () => PaymentStore, advance: (ms: number) => void): void {
  it('transfers: creates once per kind and key; the same key replays, another body conflicts', async () => {
    const input = sampleTransfer({ details: { note: 'a' } });
    const first = await store().createTransfer(input);
    assert.equal(first.outcome, 'created');
    assert.equal(first.record.status, 'unknown');
    assert.equal(first.record.checkedAt, null);
    assert.deepEqual(first.record.details, { note: 'a' });
    assert.deepEqual(await store().getTransfer(input.transferId), first.record);
    const again = await store().createTransfer({ ...input, transferId: 'hpr_other_id_000' });
    assert.equal(again.outcome, 'replay');
    assert.equal(again.record.transferId, input.transferId);
    const other = await store().createTransfer({
      ...input,
      transferId: 'hpr_other_id_001',
      requestHash: 'h2',
    });
    assert.equal(other.outcome, 'conflict');
    assert.equal(await store().getTransfer('hpr_other_id_000'), null, 'nothing written for a replay');
    // The same key for a payout is another key.
    const payout = sampleTransfer({
      kind: 'payout',
      paymentOrderId: null,
      idempotencyKey: input.idempotencyKey,
    });
    assert.equal((await store().createTransfer(payout)).outcome, 'created');
    assert.equal(await store().getTransfer('hpr_missing'), null);
  });

  it('transfers: one refund per order until it fails, whoever races', async () => {
    const first = sampleTransfer();
    const racers = [first, ...[1, 2, 3].map(() => sampleTransfer({ paymentOrderId: first.paymentOrderId }))];
    const results = await Promise.all(racers.map((r) => store().createTransfer(r)));
    assert.equal(results.filter((r) => r.outcome === 'created').length, 1);
    const winner = results.find((r) => r.outcome === 'created')!.record;
    for (const r of results.filter((x) => x.outcome !== 'created')) {
      assert.equal(r.outcome, 'active_refund');
      assert.equal(r.record.transferId, winner.transferId);
    }
    await store().transitionTransfer(winner.transferId, 'pending', { gatewayNo: '8001' });
    const blocked = await store().createTransfer(sampleTransfer({ paymentOrderId: first.paymentOrderId }));
    assert.equal(blocked.outcome, 'active_refund', 'a pending refund blocks another');
    await store().transitionTransfer(winner.transferId, 'failed', { failureReason: 'bank said no' });
    const retry = await store().createTransfer(sampleTransfer({ paymentOrderId: first.paymentOrderId }));
    assert.equal(retry.outcome, 'created', 'after a failed refund the order may be refunded again');
    // Payouts are never "refunds of an order".
    const p1 = sampleTransfer({ kind: 'payout', paymentOrderId: null });
    const p2 = sampleTransfer({ kind: 'payout', paymentOrderId: null });
    assert.equal((await store().createTransfer(p1)).outcome, 'created');
    assert.equal((await store().createTransfer(p2)).outcome, 'created');
  });

  it('transfers: move forward only, once, with their patch and hook event in the same write', async () => {
    const { record } = await store().createTransfer(sampleTransfer());
    const id = record.transferId;
    advance(1000);
    const accepted = await store().transitionTransfer(id, 'pending', { gatewayNo: '8002' });
    assert.equal(accepted.changed, true);
    assert.equal(accepted.record?.gatewayNo, '8002');
    assert.notEqual(accepted.record?.updatedAt, record.updatedAt);
    assert.equal((await store().transitionTransfer(id, 'unknown')).changed, false, 'no move backwards');
    assert.equal((await store().transitionTransfer(id, 'pending')).changed, false, 'same status is no move');
    const event = { orderId: id, key: 'refund:succeeded', kind: 'refund', payload: { a: 1 } };
    const tries = await Promise.all([
      store().transitionTransfer(id, 'succeeded', { fee: '0.00' }, event),
      store().transitionTransfer(id, 'failed', { failureReason: 'x' }, { ...event, key: 'refund:failed' }),
      store().transitionTransfer(id, 'succeeded', {}, event),
    ]);
    assert.equal(tries.filter((t) => t.changed).length, 1, 'exactly one caller moves it');
    const final = (await store().getTransfer(id))!;
    const pending = (await store().listPendingHookEvents()).filter((e) => e.orderId === id);
    assert.equal(pending.length, 1, 'one hook event, the winner’s');
    assert.equal(pending[0]?.key, `refund:${final.status}`);
    assert.equal(
      final.status === 'succeeded' ? final.fee : final.failureReason,
      final.status === 'succeeded' ? '0.00' : 'x',
    );
    // A final transfer never moves again, and a refused move adds no event.
    const late = await store().transitionTransfer(
      id,
      final.status === 'succeeded' ? 'failed' : 'succeeded',
      {},
      {
        ...event,
        key: 'late',
      },
    );
    assert.equal(late.changed, false);
    assert.equal(late.record?.status, final.status);
    assert.equal((await store().listPendingHookEvents()).filter((e) => e.orderId === id).length, 1);
    assert.deepEqual(await store().transitionTransfer('hpr_missing', 'pending'), {
      changed: false,
      record: null,
    });
  });

  it('transfers: unsettled ones are listed least recently checked first; final ones never', async () => {
    const a = (await store().createTransfer(sampleTransfer())).record.transferId;
    advance(10);
    const b = (await store().createTransfer(sampleTransfer({ kind: 'payout', paymentOrderId: null }))).record
      .transferId;
    advance(10);
    const c = (await store().createTransfer(sampleTransfer())).record.transferId;
    await store().transitionTransfer(c, 'succeeded', {});
    await store().markTransferChecked(a, 5_000);
    const due = await store().listUnsettledTransfers();
    assert.deepEqual(
      due.map((t) => t.transferId),
      [b, a],
    );
    assert.equal(due[1]?.checkedAt, 5_000);
    assert.equal((await store().listUnsettledTransfers({ limit: 1 })).length, 1);
    const refunds = await store().listTransfers({ kind: 'refund' });
    assert.deepEqual(
      refunds.map((t) => t.transferId),
      [c, a],
      'newest first',
    );
    const ofOrder = await store().listTransfers({
      paymentOrderId: (await store().getTransfer(a))!.paymentOrderId!,
    });
    assert.deepEqual(
      ofOrder.map((t) => t.transferId),
      [a],
    );
    assert.equal((await store().listTransfers({ limit: 2 })).length, 2);
  });
}
