/** HaiPayClient against the sandbox: signing, verification, typed errors, retries, eager option checks. */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createSandbox, type Sandbox } from '@haipay-kit/sandbox';
import { LosslessNumber } from '@haipay-kit/protocol';
import { HaiPayClient } from '../src/client.js';
import {
  HaiPayApiError,
  HaiPayConfigError,
  HaiPayOutcomeUnknownError,
  HaiPayTimeoutError,
} from '../src/errors.js';
import { generateTestNotification } from '../src/testing.js';
import { clientOptionsFor } from '@haipay-kit/test-support';
import { thbQrApply } from './fixtures/collect-apply.js';
import { SqlitePaymentStore } from '../src/store/sqlite.js';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

let sandbox: Sandbox;
let client: HaiPayClient;
before(async () => {
  sandbox = await createSandbox();
  client = new HaiPayClient(clientOptionsFor(sandbox));
});
after(() => sandbox.close());

const apply = (orderId: string) => client.collectApply('THB', thbQrApply(orderId));

describe('HaiPayClient', () => {
  it('signs requests and verifies answers (apply, query, ledger)', async () => {
    const data = await apply('M-client-1');
    assert.equal(data.orderId, 'M-client-1');
    assert.match(data.orderNo, /^\d+$/);
    assert.equal(data.sign, undefined, 'sign is stripped from returned data');
    const q = await client.collectQuery('THB', { orderId: 'M-client-1', orderNo: data.orderNo });
    assert.equal(q.status, 0);
    const ledger = await client.accountLedger('THB');
    assert.equal(typeof ledger.availableBal, 'string');
  });

  it('sendAfter: the apply goes out only once it resolves; a rejected one sends nothing', async () => {
    const turn = () => new Promise((r) => setImmediate(r));
    const count = (id: string) => sandbox.orders().filter((o) => o.orderId === id).length;
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const call = client.collectApply('THB', thbQrApply('M-client-gate'), { sendAfter: gate });
    for (let i = 0; i < 5; i++) await turn();
    assert.equal(count('M-client-gate'), 0, 'held until sendAfter resolves');
    release();
    assert.equal((await call).orderId, 'M-client-gate');
    assert.equal(count('M-client-gate'), 1);

    const failed = new Error('fsync failed');
    await assert.rejects(
      client.collectApply('THB', thbQrApply('M-client-gate-2'), { sendAfter: Promise.reject(failed) }),
      (err: unknown) => err === failed,
    );
    await turn();
    assert.equal(count('M-client-gate-2'), 0, 'nothing sent when sendAfter rejects');
    // As the README shows it: the store's sync as the gate.
    const store = new SqlitePaymentStore({
      filename: join(mkdtempSync(join(tmpdir(), 'haipay-gate-')), 'h.db'),
    });
    try {
      const params = thbQrApply('M-client-gate-4');
      assert.equal(
        (await client.collectApply('THB', params, { sendAfter: store.sync() })).orderId,
        params.orderId,
      );
    } finally {
      await store.close();
    }
    // Checked and signed at once: a value unsafe to sign is refused without waiting for the gate.
    await assert.rejects(
      client.collectApply(
        'THB',
        { ...thbQrApply('M-client-gate-3'), subject: 'a&b' },
        { sendAfter: new Promise(() => {}) },
      ),
      { name: 'HaiPayValidationError' },
    );
  });

  it('maps status "0" to HaiPayApiError with code and msg', async () => {
    await assert.rejects(client.collectQuery('THB', { orderId: 'M-nope' }), (err: unknown) => {
      assert.ok(err instanceof HaiPayApiError);
      assert.equal(err.gatewayCode, '4013');
      assert.equal(err.msg, 'order not exit');
      return true;
    });
    sandbox.injectFault({ mode: 'error', code: '4012', endpoint: 'thb/collect/apply' });
    await assert.rejects(apply('M-client-4012'), {
      name: 'HaiPayApiError',
      code: 'gateway_error',
      gatewayCode: '4012',
    });
  });

  it('never re-sends an apply: 1003 → HaiPayOutcomeUnknownError, one order at the gateway', async () => {
    sandbox.injectFault({ mode: '1003', endpoint: 'thb/collect/apply', count: 5 });
    await assert.rejects(apply('M-client-1003'), (err: unknown) => {
      assert.ok(err instanceof HaiPayOutcomeUnknownError);
      assert.equal(err.orderId, 'M-client-1003');
      assert.ok(err.cause instanceof HaiPayApiError);
      return true;
    });
    assert.equal(sandbox.orders().filter((o) => o.orderId === 'M-client-1003').length, 1);
    sandbox.clearFaults();
    const q = await client.collectQuery('THB', { orderId: 'M-client-1003' });
    assert.equal(q.orderId, 'M-client-1003');
  });

  it('retries queries after HTTP 500 and malformed answers; times out with a typed error', async () => {
    await apply('M-client-retry');
    sandbox.injectFault({ mode: 'http500', endpoint: 'thb/collect/query', count: 1 });
    sandbox.injectFault({ mode: 'malformedJson', endpoint: 'thb/collect/query', count: 1 });
    const q = await client.collectQuery('THB', { orderId: 'M-client-retry' });
    assert.equal(q.orderId, 'M-client-retry');
    const impatient = new HaiPayClient(clientOptionsFor(sandbox, { timeoutMs: 100, queryRetries: 0 }));
    sandbox.injectFault({ mode: 'latency', ms: 400, endpoint: 'thb/collect/query', count: 1 });
    await assert.rejects(
      impatient.collectQuery('THB', { orderId: 'M-client-retry' }),
      (e: unknown) => e instanceof HaiPayTimeoutError,
    );
    sandbox.clearFaults();
  });

  it('verifies notifications on the raw text, numbers as their source text', () => {
    const thb = sandbox.merchant('THB');
    const body = generateTestNotification({
      payload: {
        appId: thb.appId,
        currency: 'THB',
        orderId: 'M1',
        amount: new LosslessNumber('0.50000000'),
        status: 2,
      },
      platformPrivateKey: sandbox.config.platform.privateKey,
      secretKey: thb.secretKey,
    });
    assert.match(body, /"amount":0\.50000000/);
    const v = client.verifyNotification(body);
    assert.equal(v.merchant, 'THB');
    assert.ok(v.raw.amount instanceof LosslessNumber, 'the amount keeps its source text');
    assert.equal(String(v.raw.amount), '0.50000000');
    assert.throws(() => client.verifyNotification(body.replace('0.50000000', '0.5')), {
      name: 'HaiPaySignatureError',
      message: /signature does not verify/,
    });
    assert.throws(() => client.verifyNotification('not json'), { name: 'HaiPaySignatureError' });
  });

  it('finds the merchant of a notification by appId, else by currency; refuses a body that names none or is not an object', () => {
    const thb = sandbox.merchant('THB');
    const usd = sandbox.merchant('USD');
    assert.equal(client.merchantForNotification({ appId: usd.appId, currency: 'THB' }), 'USD', 'appId first');
    assert.equal(client.merchantForNotification({ appId: String(thb.appId) }), 'THB');
    assert.equal(client.merchantForNotification({ currency: 'usd' }), 'USD', 'currency in any case');
    assert.equal(client.merchantForNotification({ appId: '', currency: 'THB' }), 'THB');
    assert.equal(client.merchantForNotification({ currency: 'EUR' }), undefined);
    assert.equal(client.merchantForNotification({ currency: 840 }), undefined);
    assert.equal(client.merchantForNotification({}), undefined);

    const v = client.verifyNotification(
      generateTestNotification({
        payload: { currency: 'usd', orderId: 'M2', amount: '9.99', status: 2 },
        platformPrivateKey: sandbox.config.platform.privateKey,
        secretKey: usd.secretKey,
      }),
    );
    assert.equal(v.merchant, 'USD', 'a body without appId is the merchant of its currency');
    assert.deepEqual(v.data, {
      currency: 'usd',
      orderId: 'M2',
      amount: '9.99',
      status: 2,
      sign: v.data.sign,
    });
    assert.throws(
      () =>
        client.verifyNotification(
          generateTestNotification({
            payload: { appId: 999_999, currency: 'EUR', orderId: 'M3', status: 2 },
            platformPrivateKey: sandbox.config.platform.privateKey,
            secretKey: thb.secretKey,
          }),
        ),
      { name: 'HaiPaySignatureError', message: /appId\/currency that is not configured/ },
    );
    for (const [body, kind] of [
      ['[]', 'an array'],
      ['null', 'null'],
      ['"SUCCESS"', 'a string'],
      ['42', 'a number'],
      ['0.50000000', 'a number'],
      ['true', 'a boolean'],
    ])
      assert.throws(() => client.verifyNotification(body!), {
        name: 'HaiPaySignatureError',
        // The fix is named: a merchant who passes a parsed body (re-serialised) is told to pass the raw text.
        message: new RegExp(
          `^Notification body is JSON ${kind}, not the JSON object HaiPay posts; refusing it \\(pass the raw request body text, as received\\)\\.$`,
        ),
      });
    assert.throws(() => client.verifyNotification('{"appId":'), {
      name: 'HaiPaySignatureError',
      message: /not JSON;/,
    });
  });

  it('validates options eagerly, with errors that name the fix', async () => {
    const ok = clientOptionsFor(sandbox);
    assert.throws(
      () => new HaiPayClient({ ...ok, merchants: {} }),
      (e: unknown) => e instanceof HaiPayConfigError && /merchants/.test(e.message),
    );
    assert.throws(() => new HaiPayClient({ ...ok, baseUrl: 'not a url' }), /baseUrl/);
    assert.throws(
      () => new HaiPayClient({ ...ok, platformPublicKey: sandbox.config.platform.privateKey }),
      (e: unknown) => e instanceof HaiPayConfigError && /platformPublicKey.*swap/.test(e.message),
    );
    const thb = sandbox.merchant('THB');
    assert.throws(
      () =>
        new HaiPayClient({
          ...ok,
          merchants: { THB: { appId: thb.appId, secretKey: thb.secretKey, privateKey: thb.publicKey } },
        }),
      (e: unknown) => /merchants\.THB\.privateKey.*public key/.test((e as Error).message),
    );
    assert.throws(
      () =>
        new HaiPayClient({
          ...ok,
          merchants: { THB: { appId: '', secretKey: 'x', privateKey: thb.privateKey! } },
        }),
      /appId/,
    );
    await assert.rejects(client.collectQuery('PHP', { orderId: 'x' }), /merchants\.PHP/);
  });
});
