/**
 * Who may drive the sandbox, attacked over real HTTP. Bound beyond loopback, the control API
 * (`/_sandbox/…`) and the bank app's Pay/Decline mark orders paid for anyone who asks, so they need the
 * admin token; HaiPay's signed API paths and the hosted pages a shopper opens do not. Under
 * NODE_ENV=production neither the factory nor the CLI starts.
 */
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { networkInterfaces } from 'node:os';
import { after, describe, test } from 'node:test';
import { createSandbox, type Sandbox } from '../src/index.js';
import { call, ok, postForm, removeCliDirs, runCli, sharedConfig, thbCollect } from './helpers.js';

/** The machine's first non-loopback IPv4 address: where a stranger on the LAN connects. */
function lanAddress(): string | undefined {
  for (const list of Object.values(networkInterfaces()))
    for (const a of list ?? []) if (a.family === 'IPv4' && !a.internal) return a.address;
  return undefined;
}

const get = (url: string, headers: Record<string, string> = {}) =>
  fetch(url, { headers, redirect: 'manual' });
const post = (url: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
    redirect: 'manual',
  });

/** A shopper's PromptPay order, created with a signed collect/apply call and no token. */
async function qrOrder(sb: Sandbox, base: string): Promise<{ orderNo: string; qrCode: string }> {
  const d = ok(await call({ ...sb, url: base }, sb.merchant('THB'), '/thb/collect/apply', thbCollect()));
  return { orderNo: String(d.orderNo), qrCode: String(d.qrCode) };
}

/** Every control route and the bank app's Pay refuse a caller without the token (and change nothing). */
async function assertLockedOut(
  sb: Sandbox,
  base: string,
  headers: Record<string, string> = {},
): Promise<void> {
  const { orderNo, qrCode } = await qrOrder(sb, base);
  const clockBefore = sb.clock.now();
  for (const path of [
    '/_sandbox/orders',
    `/_sandbox/orders/${orderNo}`,
    '/_sandbox/notifications',
    '/_sandbox/clock',
    '/_sandbox/faults',
    '/_sandbox/ledger/1054',
    '/_SANDBOX/orders',
    '/_sandbox/orders/',
  ]) {
    const res = await get(`${base}${path}`, headers);
    assert.equal(res.status, 401, `GET ${path} must answer 401`);
    assert.match(((await res.json()) as { error: string }).error, /admin token/);
  }
  for (const [path, body] of [
    [`/_sandbox/orders/${orderNo}/complete`, { outcome: 'success' }],
    ['/_sandbox/clock/advance', { ms: 86_400_000 }],
    ['/_sandbox/faults', { endpoint: '*', mode: 'http500', count: 5 }],
  ] as const) {
    assert.equal((await post(`${base}${path}`, body, headers)).status, 401, `POST ${path} must answer 401`);
  }
  assert.equal((await fetch(`${base}/_sandbox/faults`, { method: 'DELETE', headers })).status, 401);
  const pay = await fetch(`${base}/bank-app`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body: new URLSearchParams({ payload: qrCode, action: 'approve' }).toString(),
  });
  assert.equal(pay.status, 401, 'paying in the bank app needs the token');
  assert.match(await pay.text(), /Sign-in needed/);
  assert.equal(sb.order(orderNo)?.status, 0, 'nothing was marked paid');
  assert.deepEqual(sb.notifications(orderNo), []);
  assert.ok(sb.clock.now() - clockBefore < 86_400_000, 'the clock was not moved');
}

describe('sandbox exposure (security)', () => {
  test('on loopback by default nothing needs a token (unchanged)', async () => {
    const sb = await createSandbox({ config: sharedConfig() });
    try {
      assert.equal(sb.adminToken, undefined);
      assert.equal((await get(`${sb.url}/_sandbox/orders`)).status, 200);
    } finally {
      await sb.close();
    }
  });

  test('host 0.0.0.0: control API and bank-app payments need the generated token; wire API and pages do not', async () => {
    const sb = await createSandbox({ config: sharedConfig(), host: '0.0.0.0' });
    try {
      const lan = lanAddress();
      const base = lan ? `http://${lan}:${sb.port}` : sb.url;

      // The attack, from the network address: no token, then a wrong one.
      await assertLockedOut(sb, base);
      await assertLockedOut(sb, base, { authorization: `Bearer ${'x'.repeat(43)}` });
      assert.equal((await get(`${base}/bank-app?token=${'x'.repeat(43)}`)).status, 401, 'wrong ?token= link');

      const token = sb.adminToken;
      assert.ok(token && token.length >= 32, 'a generated token of 32+ characters');
      assert.equal(sb.url, `http://127.0.0.1:${sb.port}`, 'the URL names an address a client can reach');

      // Signed wire endpoints and the hosted pages need no token.
      const { orderNo, qrCode } = await qrOrder(sb, base);
      const wallet = ok(
        await call({ ...sb, url: base }, sb.merchant('THB'), '/thb/collect/apply', {
          ...thbCollect(),
          payType: 'PAYMENT_GATEWAY',
          inBankCode: 'TM',
        }),
      );
      const payPath = new URL(String(wallet.payUrl)).pathname;
      assert.equal((await get(`${base}${payPath}`)).status, 200, 'the wallet page opens');
      assert.equal((await get(`${base}/bank-app`)).status, 200, 'the bank-app page opens');
      const paidOnPage = await postForm(`${base}${payPath}`, { action: 'approve' });
      assert.equal(paidOnPage.status, 303, "the shopper's own hosted page still works");

      // Bearer opens the control API.
      const bearer = { authorization: `Bearer ${token}` };
      const listed = await get(`${base}/_sandbox/orders`, bearer);
      assert.equal(listed.status, 200);
      assert.ok(
        ((await listed.json()) as { orders: { orderNo: string }[] }).orders.some(
          (o) => o.orderNo === orderNo,
        ),
      );
      // The bank app's `?token=` link sets an HttpOnly, SameSite=Strict cookie and drops the token.
      const link = await get(
        `${base}/bank-app?payload=${encodeURIComponent(qrCode)}&token=${encodeURIComponent(token)}`,
      );
      assert.equal(link.status, 303);
      const to = new URL(link.headers.get('location') ?? '', base);
      assert.equal(to.pathname, '/bank-app');
      assert.deepEqual([...to.searchParams], [['payload', qrCode]], 'the prefill stays, the token goes');
      const setCookie = link.headers.get('set-cookie') ?? '';
      assert.match(setCookie, /HttpOnly/i);
      assert.match(setCookie, /SameSite=Strict/i);
      const cookie = setCookie.split(';')[0]!;
      const paid = await fetch(`${base}/bank-app`, {
        method: 'POST',
        redirect: 'manual',
        headers: { 'content-type': 'application/x-www-form-urlencoded', cookie },
        body: new URLSearchParams({ payload: qrCode, action: 'approve' }).toString(),
      });
      assert.equal(paid.status, 303, 'paid in the bank app with the cookie');
      assert.equal(sb.order(orderNo)?.status, 2);
      assert.equal(
        (await get(`${base}/_sandbox/clock`, { cookie })).status,
        200,
        'the cookie opens the control API',
      );
    } finally {
      await sb.close();
    }
  });

  test('adminToken is enforced on loopback too; a short one is refused', async () => {
    const adminToken = 'a-token-set-by-the-operator-0123456789';
    const sb = await createSandbox({ config: sharedConfig(), adminToken });
    try {
      assert.equal(sb.adminToken, adminToken);
      await assertLockedOut(sb, sb.url);
      assert.equal(
        (await get(`${sb.url}/_sandbox/orders`, { authorization: `Bearer ${adminToken}` })).status,
        200,
      );
    } finally {
      await sb.close();
    }
    await assert.rejects(createSandbox({ config: sharedConfig(), adminToken: 'short' }), /32/);
  });

  test('NODE_ENV=production: createSandbox refuses to start and says why', async () => {
    const before = process.env.NODE_ENV;
    process.env.NODE_ENV = 'production';
    try {
      await assert.rejects(
        async () => {
          const sb = await createSandbox({ config: sharedConfig() });
          await sb.close();
        },
        (err: Error) => {
          assert.match(err.message, /NODE_ENV=production/);
          assert.match(err.message, /marks orders\s+paid/);
          return true;
        },
      );
    } finally {
      if (before === undefined) delete process.env.NODE_ENV;
      else process.env.NODE_ENV = before;
    }
  });
});

describe('sandbox CLI exposure (security)', () => {
  after(removeCliDirs);

  test('--host 0.0.0.0 generates and prints a token; the control API needs it', async () => {
    const cli = runCli(['--host', '0.0.0.0', '--port', '0'], {});
    try {
      const { started } = await cli.ready;
      const out = cli.output();
      assert.ok(started, `the CLI started:\n${out}`);
      const url = /listening on (http:\/\/\S+)/.exec(out)?.[1];
      assert.ok(url, out);
      const port = new URL(url).port;
      const lan = lanAddress();
      const base = lan ? `http://${lan}:${port}` : url;
      const res = await get(`${base}/_sandbox/orders`);
      assert.equal(res.status, 401, 'a stranger is refused the control API');
      const complete = await post(`${base}/_sandbox/clock/advance`, { ms: 60_000 });
      assert.equal(complete.status, 401);
      const token = /Admin token: (\S+)/.exec(out)?.[1];
      assert.ok(token && token.length >= 32, `the banner prints the token:\n${out}`);
      assert.match(out, new RegExp(`/bank-app\\?token=${token}`));
      assert.equal((await get(`${base}/_sandbox/orders`, { authorization: `Bearer ${token}` })).status, 200);
      assert.equal((await get(`${base}/bank-app`)).status, 200, 'the bank-app page stays open');
    } finally {
      await cli.stop();
    }
  });

  test('NODE_ENV=production: the CLI exits non-zero, says why and writes no keys', async () => {
    const cli = runCli(['--port', '0'], { NODE_ENV: 'production' });
    const { code, started } = await cli.ready;
    await cli.stop();
    const out = cli.output();
    assert.equal(started, false, `the CLI must not start:\n${out}`);
    assert.notEqual(code, 0);
    assert.notEqual(code, null);
    assert.match(out, /NODE_ENV=production/);
    assert.match(out, /marks orders paid/);
    assert.deepEqual(
      readdirSync(cli.tmp).filter((f) => f.startsWith('haipay-sandbox-config')),
      [],
      'no generated config file',
    );
  });
});
