/** The `haipay` CLI: keygen/sign/verify round trip (real processes), notify and query (in process). */
import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runCli, type CliIo } from '../src/cli.js';
import { startHarness, idem, BUYER } from './helpers.js';

const root = fileURLToPath(new URL('../../..', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'haipay-cli-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function cli(args: string[], input = '') {
  const r = spawnSync(
    process.execPath,
    ['--conditions=@haipay-kit/source', '--import', 'tsx', 'packages/express/src/cli.ts', ...args],
    {
      cwd: root,
      input,
      encoding: 'utf8',
      env: { ...process.env, HAIPAY_SECRET: '' },
    },
  );
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function io(stdin = ''): CliIo & { out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  return {
    out,
    err,
    stdin: async () => stdin,
    stdout: (t) => void out.push(t),
    stderr: (t) => void err.push(t),
    env: {},
  };
}

describe('haipay CLI', () => {
  it('keygen → sign → verify round trip; a changed field fails verification', () => {
    const gen = cli(['keygen', '--out', dir]);
    assert.equal(gen.code, 0, gen.stderr);
    const pair = JSON.parse(gen.stdout) as { privateKey: string; publicKey: string };
    assert.match(pair.privateKey, /^MII[A-Za-z0-9+/=]+$/);
    assert.match(pair.publicKey, /^MIIBIjAN[A-Za-z0-9+/=]+$/);
    const pem = join(dir, 'haipay-private.pem');
    assert.match(readFileSync(pem, 'utf8'), /BEGIN PRIVATE KEY/);
    assert.equal(statSync(pem).mode & 0o777, 0o600);
    const params = '{"appId":1054,"orderId":"M1","amount":"100.00","body":""}';
    const signed = cli(['sign', '--private-key', pem, '--secret', 'S3cret'], params);
    assert.equal(signed.code, 0, signed.stderr);
    const sign = signed.stdout.trim();
    const body = JSON.stringify({ ...JSON.parse(params), sign });
    const ok = cli(['verify', '--public-key', join(dir, 'haipay-public.pem'), '--secret', 'S3cret'], body);
    assert.equal(ok.code, 0, ok.stderr);
    const tampered = cli(
      ['verify', '--public-key', pair.publicKey, '--secret', 'S3cret'],
      body.replace('100.00', '100.01'),
    );
    assert.equal(tampered.code, 1);
    const wrongSecret = cli(['verify', '--public-key', pair.publicKey, '--secret', 'other'], body);
    assert.equal(wrongSecret.code, 1);
    const missing = cli(['sign', '--private-key', pem], params);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /--secret/);
  });

  it('notify sends a signed test notification; query looks the order up', async () => {
    const h = await startHarness();
    try {
      h.order = { amount: '100.00', currency: 'THB', subject: 'Order #1', buyerId: 'u-1001' };
      const p = (await h.post('/haipay/payments', { method: 'promptpay', ...BUYER }, idem())).json;
      const thb = h.sandbox.merchant('THB');
      const payload = JSON.stringify({
        appId: thb.appId,
        currency: 'THB',
        orderId: p.orderId,
        orderNo: p.orderNo,
        amount: '100.00',
        fee: '1.50',
        status: 2,
      });
      const n = io(payload);
      const code = await runCli(
        [
          'notify',
          '--url',
          `${h.url}/haipay/notify`,
          '--platform-private-key',
          h.sandbox.config.platform.privateKey,
          '--secret',
          thb.secretKey,
        ],
        n,
      );
      assert.equal(code, 0, n.err.join(''));
      assert.equal(n.out.join('').trim(), '200 SUCCESS');
      assert.equal((await h.store.get(p.orderId))?.status, 'succeeded');

      const q = io();
      q.env = {
        HAIPAY_SECRET: thb.secretKey,
        HAIPAY_PRIVATE_KEY: thb.privateKey!,
        HAIPAY_PLATFORM_PUBLIC_KEY: h.sandbox.config.platform.publicKey,
      };
      const qc = await runCli(
        [
          'query',
          '--base-url',
          h.sandbox.url,
          '--app-id',
          String(thb.appId),
          '--currency',
          'THB',
          '--order-id',
          p.orderId,
        ],
        q,
      );
      assert.equal(qc, 0);
      assert.equal(JSON.parse(q.out.join('')).orderNo, p.orderNo);
    } finally {
      await h.close();
    }
  });
});
