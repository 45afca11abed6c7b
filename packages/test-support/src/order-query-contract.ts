/**
 * The `listOrders` part of the store contract: filters, text search, order and keyset pages mean the
 * same in every store (the admin API's order list relies on it). Run by `runPaymentStoreContract`.
 */
import { it } from 'node:test';
import assert from 'node:assert/strict';
import type { OrderQuery, PaymentStore } from '@haipay-kit/express/store';
import { sampleRecord } from './store-contract.js';

const at = (minute: number) => new Date(Date.UTC(2026, 0, 1, 0, minute)).toISOString();

/** Eight orders over eight minutes (two at minute 3), of several kinds, methods, statuses and texts. */
async function seed(store: PaymentStore): Promise<string[]> {
  const rows = [
    {
      orderId: 'hp_list_aaaaaaaaa1',
      createdAt: at(0),
      method: 'promptpay',
      status: 'succeeded',
      subject: 'Flat white',
    },
    {
      orderId: 'hp_list_aaaaaaaaa2',
      createdAt: at(1),
      method: 'card',
      status: 'failed',
      subject: 'Latte 100%',
    },
    {
      orderId: 'hp_list_aaaaaaaaa3',
      createdAt: at(2),
      method: 'card',
      status: 'succeeded',
      subject: 'Mocha',
    },
    {
      orderId: 'hp_list_aaaaaaaaa4',
      createdAt: at(3),
      method: 'truemoney',
      status: 'pending',
      subject: 'Beans_1kg',
    },
    {
      orderId: 'hp_list_aaaaaaaaa5',
      createdAt: at(3),
      method: 'promptpay',
      status: 'expired',
      subject: 'Beans 1kg',
    },
    {
      orderId: 'hps_list_aaaaaaaa6',
      createdAt: at(4),
      method: 'card',
      status: 'active',
      subject: 'Monthly plan',
      kind: 'subscription' as const,
    },
    {
      orderId: 'hp_list_aaaaaaaaa7',
      createdAt: at(5),
      method: 'card',
      status: 'succeeded',
      subject: "O'Brien; DROP TABLE x",
    },
    {
      orderId: 'hp_list_aaaaaaaaa8',
      createdAt: at(6),
      method: 'promptpay',
      status: 'succeeded',
      subject: 'Espresso',
      buyerId: 'VIP-Buyer-9',
    },
  ] as const;
  for (const r of rows) await store.create(sampleRecord(r));
  return rows.map((r) => r.orderId);
}

/** The `listOrders` contract tests, inside the store contract's `describe` (its store per test). */
export function orderQueryContract(current: () => PaymentStore): void {
  const ids = async (q: Partial<OrderQuery>) => {
    const store = current();
    assert.equal(typeof store.listOrders, 'function', 'the bundled stores implement listOrders');
    return (await store.listOrders!({ limit: 100, ...q })).map((r) => r.orderId.slice(-1));
  };

  it('listOrders: newest first (same instant: orderId descending), limited, every field read back', async () => {
    await seed(current());
    assert.deepEqual(await ids({}), ['8', '7', '6', '5', '4', '3', '2', '1']);
    assert.deepEqual(await ids({ limit: 3 }), ['8', '7', '6']);
    const [first] = await current().listOrders!({ limit: 1 });
    assert.equal(first?.subject, 'Espresso');
    assert.equal(first?.createdAt, at(6));
    assert.deepEqual(first?.metadata, { cart: '1' });
  });

  it('listOrders: filters by status, method, kind and creation time, all together', async () => {
    await seed(current());
    assert.deepEqual(await ids({ status: ['succeeded'] }), ['8', '7', '3', '1']);
    assert.deepEqual(await ids({ status: ['failed', 'expired'] }), ['5', '2']);
    assert.deepEqual(await ids({ method: ['card'] }), ['7', '6', '3', '2']);
    assert.deepEqual(await ids({ kind: 'subscription' }), ['6']);
    assert.deepEqual(await ids({ kind: 'payment', method: ['card'], status: ['succeeded'] }), ['7', '3']);
    // From inclusive, before exclusive.
    assert.deepEqual(await ids({ createdFrom: at(3), createdBefore: at(5) }), ['6', '5', '4']);
    assert.deepEqual(await ids({ status: [] }), []);
  });

  it('listOrders: text matches ids, orderRef, subject and buyer, ignoring case, literally', async () => {
    await seed(current());
    assert.deepEqual(await ids({ text: 'MOCHA' }), ['3']);
    assert.deepEqual(await ids({ text: 'vip-buyer' }), ['8']);
    assert.deepEqual(await ids({ text: 'aaaaaaa6' }), ['6']);
    // `%` and `_` are characters, not wildcards; quotes and SQL are just text.
    assert.deepEqual(await ids({ text: '100%' }), ['2']);
    assert.deepEqual(await ids({ text: 'Beans_' }), ['4']);
    assert.deepEqual(await ids({ text: '%' }), ['2']);
    assert.deepEqual(await ids({ text: "O'Brien; DROP" }), ['7']);
    assert.deepEqual(await ids({ text: "' OR 1=1 --" }), []);
    assert.equal((await ids({})).length, 8, 'nothing was dropped');
  });

  it('listOrders: keyset pages after the last order cover every order once, whatever is created meanwhile', async () => {
    const store = current();
    await seed(store);
    const seen: string[] = [];
    let after: OrderQuery['after'];
    for (let page = 0; page < 10; page++) {
      const rows = await store.listOrders!({ limit: 3, ...(after ? { after } : {}) });
      if (page === 0) await store.create(sampleRecord({ orderId: 'hp_list_aaaaaaaaa9', createdAt: at(7) }));
      seen.push(...rows.map((r) => r.orderId.slice(-1)));
      const last = rows.at(-1);
      if (rows.length < 3 || !last) break;
      after = { createdAt: last.createdAt, orderId: last.orderId };
    }
    assert.deepEqual(seen, ['8', '7', '6', '5', '4', '3', '2', '1']);
    // The page after the two orders of minute 3 that share an instant: split between them.
    const split = await store.listOrders!({
      limit: 10,
      after: { createdAt: at(3), orderId: 'hp_list_aaaaaaaaa5' },
    });
    assert.deepEqual(
      split.map((r) => r.orderId.slice(-1)),
      ['4', '3', '2', '1'],
    );
  });
}
