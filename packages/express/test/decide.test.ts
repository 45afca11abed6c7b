/**
 * The money decision as a table: every row is one (stored, reported, source) case and what the kit must
 * do. No HTTP, no store — `decide()` is a pure function, so a wrong branch shows here first.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { decide, type Decision, type ReportedPayment, type StoredPayment } from '../src/checkout/decide.js';

const NOW = Date.parse('2026-11-28T12:00:00Z');
const open: StoredPayment = {
  status: 'pending',
  amount: '100.00',
  currency: 'THB',
  orderNo: '6026112812000001',
  expiresAt: new Date(NOW + 60_000).toISOString(),
  failureReason: null,
};
const paid = (extra: ReportedPayment = {}): ReportedPayment => ({
  status: 2,
  orderNo: '6026112812000001',
  amount: '100.00',
  currency: 'THB',
  ...extra,
});

type Row = [
  name: string,
  stored: Partial<StoredPayment>,
  reported: ReportedPayment,
  source: 'notification' | 'query',
  expected: Decision | Decision['action'],
  extra?: { confirmSuccess?: boolean },
];

const rows: Row[] = [
  // Money arrives.
  [
    'paid, matching, pending → succeeded',
    {},
    paid(),
    'notification',
    { action: 'move', to: 'succeeded', patch: {} },
  ],
  ['paid by query → succeeded', {}, paid(), 'query', { action: 'move', to: 'succeeded', patch: {} }],
  [
    'paid on an unknown order (no orderNo yet) → succeeded',
    { status: 'unknown', orderNo: null },
    paid(),
    'query',
    { action: 'move', to: 'succeeded', patch: {} },
  ],
  [
    'excess (5) with the full amount → succeeded',
    {},
    paid({ status: 5 }),
    'query',
    { action: 'move', to: 'succeeded', patch: {} },
  ],
  [
    'duplicate success → duplicate',
    { status: 'succeeded' },
    paid(),
    'notification',
    { action: 'ignore', outcome: 'duplicate' },
  ],
  [
    'success while in review → duplicate',
    { status: 'review' },
    paid(),
    'notification',
    { action: 'ignore', outcome: 'duplicate' },
  ],
  ['always-confirm mode asks HaiPay first', {}, paid(), 'notification', 'confirm', { confirmSuccess: true }],
  [
    'always-confirm mode believes a query',
    {},
    paid(),
    'query',
    { action: 'move', to: 'succeeded', patch: {} },
    { confirmSuccess: true },
  ],
  // Disagreements.
  ['amount differs (notification) → confirm', {}, paid({ amount: '1.00' }), 'notification', 'confirm'],
  ['amount differs (query) → hold', {}, paid({ amount: '1.00' }), 'query', 'hold'],
  ['currency differs (query) → hold', {}, paid({ currency: 'USD' }), 'query', 'hold'],
  ['no amount (query) → hold', {}, paid({ amount: undefined }), 'query', 'hold'],
  [
    'orderNo of another order (notification) → confirm',
    {},
    paid({ orderNo: '999' }),
    'notification',
    'confirm',
  ],
  ['orderNo of another order (query) → hold', {}, paid({ orderNo: '999' }), 'query', 'hold'],
  ['actualAmount is what counts on a query', {}, paid({ actualAmount: '50.00' }), 'query', 'hold'],
  [
    'actualAmount 0.00 means not filled in',
    {},
    paid({ actualAmount: '0.00' }),
    'query',
    { action: 'move', to: 'succeeded', patch: {} },
  ],
  ['partial (4) → hold, never confirmed into success', {}, paid({ status: 4 }), 'notification', 'hold'],
  // Late money.
  ['paid after the kit expired it → late', { status: 'expired' }, paid(), 'notification', 'late'],
  ['paid after it failed → late', { status: 'failed' }, paid(), 'query', 'late'],
  ['late and mismatching (query) → late', { status: 'expired' }, paid({ amount: '5.00' }), 'query', 'late'],
  [
    'late and mismatching (notification) → confirm first',
    { status: 'expired' },
    paid({ amount: '5.00' }),
    'notification',
    'confirm',
  ],
  [
    'late in always-confirm mode → confirm first',
    { status: 'expired' },
    paid(),
    'notification',
    'confirm',
    { confirmSuccess: true },
  ],
  ['partial after expiry → late', { status: 'expired' }, paid({ status: 4 }), 'notification', 'late'],
  [
    'mismatch on a succeeded order → stale',
    { status: 'succeeded' },
    paid({ amount: '5.00' }),
    'query',
    { action: 'ignore', outcome: 'stale' },
  ],
  // Failures.
  [
    'failed → failed with the reason',
    {},
    { status: 3, orderNo: '6026112812000001', errorMsg: 'declined' },
    'notification',
    { action: 'move', to: 'failed', patch: { failureReason: 'declined' } },
  ],
  [
    'failed with an expiry message → expired',
    {},
    { status: 3, errorMsg: 'order expired' },
    'notification',
    { action: 'move', to: 'expired', patch: { failureReason: 'order expired' } },
  ],
  [
    'failed without a message → failed',
    {},
    { status: 3 },
    'query',
    { action: 'move', to: 'failed', patch: { failureReason: 'failed' } },
  ],
  [
    'failure after success → stale',
    { status: 'succeeded' },
    { status: 3 },
    'notification',
    { action: 'ignore', outcome: 'stale' },
  ],
  [
    'failure twice → duplicate',
    { status: 'failed' },
    { status: 3 },
    'notification',
    { action: 'ignore', outcome: 'duplicate' },
  ],
  [
    'failure naming another orderNo → ignored',
    {},
    { status: 3, orderNo: '999' },
    'notification',
    { action: 'ignore', outcome: 'identity_mismatch' },
  ],
  // Still open.
  [
    'not started → pending (no change from pending)',
    {},
    { status: 0 },
    'query',
    { action: 'ignore', outcome: 'duplicate' },
  ],
  [
    'not started on an unknown order → pending',
    { status: 'unknown' },
    { status: 0 },
    'query',
    { action: 'move', to: 'pending', patch: {} },
  ],
  ['processing → processing', {}, { status: 1 }, 'query', { action: 'move', to: 'processing', patch: {} }],
  [
    'exception (-1) → processing',
    {},
    { status: -1 },
    'query',
    { action: 'move', to: 'processing', patch: {} },
  ],
  [
    'processing never goes back to pending',
    { status: 'processing' },
    { status: 0 },
    'query',
    { action: 'ignore', outcome: 'duplicate' },
  ],
  [
    'not started past the window (query) → expired',
    { expiresAt: new Date(NOW - 10_000).toISOString() },
    { status: 0 },
    'query',
    { action: 'move', to: 'expired', patch: { failureReason: 'expired' } },
  ],
  [
    'not started inside the grace period → no change',
    { expiresAt: new Date(NOW - 1_000).toISOString() },
    { status: 0 },
    'query',
    { action: 'ignore', outcome: 'duplicate' },
  ],
  [
    'only a query can expire an order',
    { expiresAt: new Date(NOW - 10_000).toISOString() },
    { status: 0 },
    'notification',
    { action: 'ignore', outcome: 'duplicate' },
  ],
  [
    'open status on a final order → stale',
    { status: 'expired' },
    { status: 1 },
    'query',
    { action: 'ignore', outcome: 'stale' },
  ],
  [
    'open status naming another orderNo → ignored',
    {},
    { status: 1, orderNo: '999' },
    'query',
    { action: 'ignore', outcome: 'identity_mismatch' },
  ],
  // Edges (each row pins one boundary or reason a mutation test once found unchecked).
  [
    'a blank status is no status',
    {},
    { status: '  ' },
    'query',
    { action: 'ignore', outcome: 'ignored_status' },
  ],
  [
    'actualAmount counts only on status 2 (excess reports its own amount)',
    {},
    paid({ status: 5, actualAmount: '50.00' }),
    'query',
    { action: 'move', to: 'succeeded', patch: {} },
  ],
  [
    'late money from a query is believed even in always-confirm mode',
    { status: 'expired' },
    paid(),
    'query',
    'late',
    { confirmSuccess: true },
  ],
  [
    'processing past the window is not expired (only "not started" is)',
    { expiresAt: new Date(NOW - 10_000).toISOString() },
    { status: 1 },
    'query',
    { action: 'move', to: 'processing', patch: {} },
  ],
  [
    'exactly at window + grace → not yet expired',
    { expiresAt: new Date(NOW - 5_000).toISOString() },
    { status: 0 },
    'query',
    { action: 'ignore', outcome: 'duplicate' },
  ],
  [
    'one millisecond past window + grace → expired',
    { expiresAt: new Date(NOW - 5_001).toISOString() },
    { status: 0 },
    'query',
    { action: 'move', to: 'expired', patch: { failureReason: 'expired' } },
  ],
  // Nonsense.
  [
    'undocumented status → ignored',
    {},
    { status: 9 },
    'notification',
    { action: 'ignore', outcome: 'ignored_status' },
  ],
  ['status missing → ignored', {}, {}, 'notification', { action: 'ignore', outcome: 'ignored_status' }],
  [
    'status as a string "2" counts as 2',
    {},
    paid({ status: '2' }),
    'query',
    { action: 'move', to: 'succeeded', patch: {} },
  ],
];

describe('decide(): what a reported status does to a stored payment', () => {
  for (const [name, stored, reported, source, expected, extra] of rows) {
    it(name, () => {
      const got = decide({ ...open, ...stored }, reported, { source, now: NOW, ...extra });
      if (typeof expected === 'string') assert.equal(got.action, expected, JSON.stringify(got));
      else assert.deepEqual(got, expected);
    });
  }

  it('gives each disagreement its own reason', () => {
    const reason = (stored: Partial<StoredPayment>, reported: ReportedPayment, extra = {}) =>
      (
        decide({ ...open, ...stored }, reported, { source: 'query', now: NOW, ...extra }) as {
          reason?: string;
        }
      ).reason;
    assert.equal(reason({}, paid({ amount: null })), 'no amount reported');
    assert.equal(reason({}, paid({ amount: 'abc' })), 'amount abc is not a decimal');
    assert.equal(reason({}, paid({ currency: 'usd' })), "currency usd does not match the order's THB");
    assert.equal(reason({}, paid({ orderNo: '999' })), "orderNo 999 is not the order's 6026112812000001");
    assert.equal(reason({}, paid({ status: 4 })), 'partial collection');
    assert.equal(
      reason({ status: 'failed' }, paid()),
      'paid after the order was failed; HaiPay reports it paid (status 2)',
    );
    const confirm = (stored: Partial<StoredPayment>) =>
      decide({ ...open, ...stored }, paid(), { source: 'notification', now: NOW, confirmSuccess: true });
    assert.deepEqual(confirm({}), { action: 'confirm', reason: 'query does not confirm the notification' });
    assert.deepEqual(confirm({ status: 'expired' }), {
      action: 'confirm',
      reason: 'query does not confirm the notification',
    });
  });

  it('names the disagreement in the reason', () => {
    const d = decide(open, paid({ amount: '1.00' }), { source: 'query', now: NOW });
    assert.deepEqual(d, { action: 'hold', reason: "amount 1.00 does not match the order's 100.00" });
    const late = decide({ ...open, status: 'expired' }, paid(), { source: 'query', now: NOW });
    assert.equal(late.action, 'late');
    assert.match((late as { reason: string }).reason, /^paid after the order was expired/);
  });
});
