/**
 * Balances through the kit: `router.checkout.balance(currency)` answers the four ledger figures as
 * HaiPay's decimal text (never a float), against the real sandbox; a payout moves money from
 * available to frozen, as HaiPay reports it.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createSandbox, generateSandboxConfig, type Sandbox } from '@haipay-kit/sandbox';
import { startHarness, type Harness, THB_PAYOUT } from '@haipay-kit/test-support';
import { HaiPayConfigError, HaiPayProtocolError } from '../src/errors.js';

let sandbox: Sandbox;
let h: Harness;
before(async () => {
  const config = generateSandboxConfig();
  for (const m of config.merchants) {
    if (m.currency === 'THB') m.openingBalance = '1234567890123.45';
    if (m.currency === 'VND') m.openingBalance = '5000000';
  }
  sandbox = await createSandbox({ config });
  h = await startHarness({ sandbox });
});
after(async () => {
  await h.close();
  await sandbox.close();
});

describe('balance(currency)', () => {
  it('answers the ledger’s four figures as decimal strings, every digit kept', async () => {
    const thb = await h.router.checkout.balance('thb');
    assert.deepEqual(thb, {
      currency: 'THB',
      total: '1234567890123.45',
      available: '1234567890123.45',
      frozen: '0.00',
      unsettled: '0.00',
    });
    const vnd = await h.router.checkout.balance('VND');
    assert.equal(vnd.available, '5000000');
    for (const v of Object.values(vnd)) assert.equal(typeof v, 'string');
  });

  it('shows a payout’s money frozen while it is in progress, as HaiPay reports it', async () => {
    await h.router.checkout.payout(THB_PAYOUT, { idempotencyKey: `balance-${process.pid}` });
    const thb = await h.router.checkout.balance('THB');
    assert.equal(thb.frozen, '260.00', 'amount + the 10.00 fee');
    assert.equal(thb.available, '1234567889863.45');
    assert.equal(thb.total, '1234567890123.45');
  });

  it('refuses a currency without a merchant, and a ledger answer that is not decimal text', async () => {
    await assert.rejects(h.router.checkout.balance('EUR'), HaiPayConfigError);
    const call = h.client.accountLedger.bind(h.client);
    h.client.accountLedger = async (c) => ({ ...(await call(c)), bal: 1e21 });
    try {
      await assert.rejects(h.router.checkout.balance('THB'), HaiPayProtocolError);
    } finally {
      h.client.accountLedger = call;
    }
  });
});
