/**
 * The `haipay` CLI: keygen/sign/verify round trip (real processes), notify and query (in process), and
 * keygen's key files attacked: leaked keys, overwrites, planted symlinks, a permissive umask.
 */
import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runCli, type CliIo } from '../src/cli.js';
import { startHarness, idem, BUYER } from '@haipay-kit/test-support';

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
    const pair = JSON.parse(gen.stdout) as { publicKey: string; privateKeyFile: string };
    assert.match(pair.publicKey, /^MIIBIjAN[A-Za-z0-9+/=]+$/);
    const pem = join(dir, 'haipay-private.pem');
    assert.equal(pair.privateKeyFile, pem);
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

/** The bare base64 body of a PEM file, and its lines as written. */
function pemBody(path: string): { base64: string; lines: string[] } {
  const lines = readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l !== '' && !l.startsWith('-----'));
  return { base64: lines.join(''), lines };
}

const mode = (path: string) => (statSync(path).mode & 0o777).toString(8);

/** A fresh directory for one attack. */
function scratch(name: string): string {
  const d = join(dir, name);
  mkdirSync(d, { recursive: true });
  return d;
}

/** Runs `fn` with the process umask set to `mask`, then puts the old one back. */
async function withUmask<T>(mask: number, fn: () => Promise<T>): Promise<T> {
  const previous = process.umask(mask);
  try {
    return await fn();
  } finally {
    process.umask(previous);
  }
}

/** The message `run` failed with ('' when it succeeded, which every caller then asserts against). */
async function failure(run: Promise<number>): Promise<string> {
  return run.then(
    () => '',
    (err: unknown) => String((err as Error)?.message ?? err),
  );
}

describe('haipay keygen --out: key files under attack', () => {
  it('prints no private key material: only the public key and the paths written', async () => {
    const out = join(scratch('leak'), 'keys');
    const run = io();
    assert.equal(await runCli(['keygen', '--out', out], run), 0);
    const printed = run.out.join('') + run.err.join('');
    const priv = pemBody(join(out, 'haipay-private.pem'));
    assert.ok(priv.base64.length > 1000, 'the private key file holds a key');
    assert.ok(!printed.includes(priv.base64), 'the bare base64 private key is not printed');
    for (const line of priv.lines)
      assert.ok(!printed.includes(line), 'no line of the private PEM is printed');
    assert.doesNotMatch(printed, /PRIVATE KEY/);
    const result = JSON.parse(run.out.join('')) as Record<string, string>;
    assert.deepEqual(Object.keys(result).sort(), ['privateKeyFile', 'publicKey', 'publicKeyFile']);
    assert.equal(result.publicKey, pemBody(join(out, 'haipay-public.pem')).base64);
    assert.equal(result.privateKeyFile, join(out, 'haipay-private.pem'));
    assert.equal(result.publicKeyFile, join(out, 'haipay-public.pem'));
    assert.match(run.err.join(''), /haipay-private\.pem/);
  });

  it('without --out, prints both keys as JSON (for a secret store) and warns on stderr', async () => {
    const run = io();
    assert.equal(await runCli(['keygen'], run), 0);
    const pair = JSON.parse(run.out.join('')) as { privateKey: string; publicKey: string };
    assert.match(pair.privateKey, /^MII[A-Za-z0-9+/=]+$/);
    assert.match(pair.publicKey, /^MIIBIjAN[A-Za-z0-9+/=]+$/);
    const warning = run.err.join('');
    assert.match(warning, /private key/i);
    assert.equal(warning.trimEnd().split('\n').length, 1, 'one line');
  });

  it('refuses to overwrite an existing key without --force; --force replaces it 0600 even if it was 0644', async () => {
    const out = scratch('existing');
    const privFile = join(out, 'haipay-private.pem');
    const pubFile = join(out, 'haipay-public.pem');
    writeFileSync(privFile, 'the key the merchant already uploaded\n');
    chmodSync(privFile, 0o644);
    writeFileSync(pubFile, 'old public\n');

    await assert.rejects(runCli(['keygen', '--out', out], io()), /--force/);
    const proc = cli(['keygen', '--out', out]);
    assert.notEqual(proc.code, 0);
    assert.match(proc.stderr, /--force/);
    assert.equal(proc.stdout, '');
    assert.equal(readFileSync(privFile, 'utf8'), 'the key the merchant already uploaded\n');
    assert.equal(readFileSync(pubFile, 'utf8'), 'old public\n');
    assert.equal(mode(privFile), '644', 'untouched, mode included');

    // Only one of the two present: still refused, and the missing one is not written either.
    rmSync(privFile);
    await assert.rejects(runCli(['keygen', '--out', out], io()), /--force/);
    assert.equal(existsSync(privFile), false, 'nothing written');
    writeFileSync(privFile, 'the key the merchant already uploaded\n');
    chmodSync(privFile, 0o644);

    const run = io();
    assert.equal(await runCli(['keygen', '--out', out, '--force'], run), 0);
    assert.match(readFileSync(privFile, 'utf8'), /^-----BEGIN PRIVATE KEY-----\n/);
    assert.match(readFileSync(pubFile, 'utf8'), /^-----BEGIN PUBLIC KEY-----\n/);
    assert.equal(mode(privFile), '600', 'the replaced private key is 0600, not the old 0644');
    assert.deepEqual(readdirSync(out).sort(), ['haipay-private.pem', 'haipay-public.pem'], 'no temp files');
  });

  it('never writes through a symlink planted at the private key path, even with --force', async () => {
    const out = scratch('symlink');
    const victim = join(scratch('elsewhere'), 'authorized_keys');
    writeFileSync(victim, 'ssh-ed25519 AAAA… admin@shop\n');
    chmodSync(victim, 0o644);
    const privFile = join(out, 'haipay-private.pem');
    symlinkSync(victim, privFile);

    for (const args of [[], ['--force']]) {
      const error = await failure(runCli(['keygen', '--out', out, ...args], io()));
      assert.equal(readFileSync(victim, 'utf8'), 'ssh-ed25519 AAAA… admin@shop\n', 'target unchanged');
      assert.equal(mode(victim), '644', "target's mode unchanged");
      assert.ok(lstatSync(privFile).isSymbolicLink(), 'the link is left for the owner to inspect');
      assert.deepEqual(readdirSync(out), ['haipay-private.pem'], 'nothing else written, no temp files');
      assert.match(error, /symbolic link/);
    }

    // A dangling link must not create its target either.
    rmSync(privFile);
    const planted = join(dir, 'elsewhere', 'would-be-created.pem');
    symlinkSync(planted, privFile);
    const error = await failure(runCli(['keygen', '--out', out, '--force'], io()));
    assert.equal(existsSync(planted), false);
    assert.match(error, /symbolic link/);
  });

  it('refuses a directory in the way of the public key: nothing written, no temp files', async () => {
    const out = scratch('blocked');
    mkdirSync(join(out, 'haipay-public.pem'));
    for (const args of [[], ['--force']]) {
      const error = await failure(runCli(['keygen', '--out', out, ...args], io()));
      assert.deepEqual(readdirSync(out), ['haipay-public.pem'], 'no private key written alone');
      assert.match(error, /not a regular file/);
    }
  });

  it('writes the private key 0600, the public key 0644 and a new directory 0700 under umask 000', async () => {
    await withUmask(0o000, async () => {
      const out = join(scratch('umask'), 'keys');
      assert.equal(await runCli(['keygen', '--out', out], io()), 0);
      assert.equal(mode(join(out, 'haipay-private.pem')), '600');
      assert.equal(mode(join(out, 'haipay-public.pem')), '644');
      assert.equal(mode(out), '700');
      assert.deepEqual(readdirSync(out).sort(), ['haipay-private.pem', 'haipay-public.pem'], 'no temp files');
      // --force over its own files keeps those modes.
      assert.equal(await runCli(['keygen', '--out', out, '--force'], io()), 0);
      assert.equal(mode(join(out, 'haipay-private.pem')), '600');
      assert.equal(mode(join(out, 'haipay-public.pem')), '644');
      assert.deepEqual(readdirSync(out).sort(), ['haipay-private.pem', 'haipay-public.pem'], 'no temp files');
    });
  });
});
