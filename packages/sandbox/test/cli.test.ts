/**
 * The command line, run as a user runs it (`pnpm sandbox …` = node + tsx on src/cli.ts) and driven
 * over HTTP only: a manual clock moved with `POST /_sandbox/clock/advance`, the notification retry
 * interval from `--notify-retry-ms`, generated keys reused with `--config`, and the errors a user
 * meets (missing or broken config file, bad flag, port in use).
 */
import assert from 'node:assert/strict';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { checkSandboxConfig, type Sandbox, type SandboxConfig } from '../src/index.js';
import {
  call,
  cliTempDir,
  ok,
  receiver,
  removeCliDirs,
  runCli,
  sharedConfig,
  thbCollect,
} from './helpers.js';

/** The `Sandbox` fields `call()` needs, for a sandbox running in another process. */
const remote = (url: string, config: SandboxConfig) => ({ url, config }) as Sandbox;

const post = (url: string, body: unknown) =>
  fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

/** Starts the CLI and returns its URL once the banner is printed. */
async function started(args: string[]): Promise<{ url: string; cli: ReturnType<typeof runCli> }> {
  const cli = runCli(args);
  const { started: ok } = await cli.ready;
  assert.ok(ok, `the CLI started:\n${cli.output()}`);
  const url = /listening on (http:\/\/\S+)/.exec(cli.output())?.[1];
  assert.ok(url, cli.output());
  return { url, cli };
}

describe('sandbox CLI', () => {
  after(removeCliDirs);

  test('--manual-clock --notify-retry-ms 1000: retries and QR expiry happen only through POST /_sandbox/clock/advance', async () => {
    const { url, cli } = await started([
      '--port',
      '0',
      '--manual-clock',
      '--notify-retry-ms',
      '1000',
      '--config',
      writeConfig(),
    ]);
    const rx = await receiver(['NOT YET', 'NOT YET']);
    try {
      assert.match(cli.output(), /Clock: manual .*notification retries every 1000 virtual ms/);
      const sb = remote(url, sharedConfig());
      const thb = sharedConfig().merchants.find((m) => m.currency === 'THB')!;
      const d = ok(await call(sb, thb, '/thb/collect/apply', thbCollect({ notifyUrl: rx.url })));
      const done = await post(`${url}/_sandbox/orders/${String(d.orderNo)}/complete`, { outcome: 'success' });
      assert.equal(done.status, 200);
      // The first push is on the clock at "now": a zero advance runs it and waits for the answer.
      assert.equal((await post(`${url}/_sandbox/clock/advance`, { ms: 0 })).status, 200);
      assert.equal(rx.received.length, 1);
      assert.equal((await post(`${url}/_sandbox/clock/advance`, { ms: 999 })).status, 200);
      assert.equal(rx.received.length, 1, 'no retry before 1000 virtual ms');
      const moved = await post(`${url}/_sandbox/clock/advance`, { ms: 1 });
      assert.equal(moved.status, 200);
      assert.equal(rx.received.length, 2, 'the retry, 1000 virtual ms after the first push');
      await post(`${url}/_sandbox/clock/advance`, { ms: 1000 });
      assert.equal(rx.received.length, 3);
      const log = (await (
        await fetch(`${url}/_sandbox/notifications?orderNo=${String(d.orderNo)}`)
      ).json()) as {
        notifications: { state: string }[];
        attempts: { at: string; delivered: boolean }[];
      };
      assert.deepEqual(
        log.attempts.map((a) => a.delivered),
        [false, false, true],
      );
      assert.equal(log.notifications[0]!.state, 'delivered');
      const at = log.attempts.map((a) => Date.parse(a.at));
      assert.deepEqual([at[1]! - at[0]!, at[2]! - at[1]!], [1000, 1000]);

      // A PromptPay QR expires after 15 virtual minutes, and only then.
      const qr = ok(await call(sb, thb, '/thb/collect/apply', thbCollect()));
      const view = async () =>
        (await (await fetch(`${url}/_sandbox/orders/${String(qr.orderNo)}`)).json()) as Record<
          string,
          unknown
        >;
      await post(`${url}/_sandbox/clock/advance`, { ms: 899_999 });
      assert.equal((await view()).status, 0);
      await post(`${url}/_sandbox/clock/advance`, { ms: 1 });
      const expired = await view();
      assert.deepEqual([expired.status, expired.errorMsg, expired.amount], [3, 'Order expired', '100.00']);
    } finally {
      await cli.stop();
      await rx.close();
    }
  });

  test('without --config: keys are generated into a new 0600 file whose path is printed; --config reuses them', async () => {
    const first = await started(['--port', '0']);
    let path: string;
    let config: SandboxConfig;
    try {
      path = /written to: (\S+)/.exec(first.cli.output())?.[1] ?? '';
      assert.ok(path.startsWith(first.cli.tmp), first.cli.output());
      assert.equal(statSync(path).mode & 0o777, 0o600);
      config = checkSandboxConfig(JSON.parse(readFileSync(path, 'utf8')));
      assert.deepEqual(
        config.merchants.map((m) => [m.currency, m.appId]),
        [
          ['THB', 1054],
          ['TWD', 1055],
          ['USD', 1056],
          ['VND', 1057],
          ['CASHIER', 1058],
        ],
      );
      assert.match(first.cli.output(), /Clock: real time; notification retries every 300000 virtual ms/);
    } finally {
      await first.cli.stop();
    }
    const again = await started(['--port', '0', '--config', path]);
    try {
      assert.match(again.cli.output(), new RegExp(`Config: ${path}`));
      // The generated merchant keys sign requests the restarted sandbox accepts.
      const usd = config.merchants.find((m) => m.currency === 'USD')!;
      const ledger = ok(await call(remote(again.url, config), usd, '/usd/account/ledger', {}));
      assert.equal(ledger.availableBal, '0.00');
    } finally {
      await again.cli.stop();
    }
  });

  test('a --config file that is missing, not JSON or not a config: exit 1 with a message naming the file and the fix', async () => {
    const help = runCli(['--help']);
    assert.equal((await help.ready).code, 0);
    assert.match(help.output(), /--notify-retry-ms/);
    assert.match(help.output(), /default 4020; the demo uses 4010/);
    const dir = cliTempDir();
    const cases: [string, string, RegExp][] = [
      [
        'missing.json',
        '',
        /--config \S*missing\.json: no such file \(.*missing\.json\)\. Leave out --config once/,
      ],
      ['broken.json', '{"platform":', /is not valid JSON/],
      ['empty.json', '{}', /sandbox config: `platform` \{ privateKey, publicKey \} is missing/],
    ];
    const good = sharedConfig();
    const badBalance = structuredClone(good);
    badBalance.merchants[0]!.openingBalance = '1000';
    cases.push([
      'balance.json',
      JSON.stringify(badBalance),
      /merchants\[0\]\.openingBalance must be a THB amount string like "1000\.00"/,
    ]);
    for (const [name, content, message] of cases) {
      const file = join(dir, name);
      if (content) writeFileSync(file, content);
      const cli = runCli(['--port', '0', '--config', file]);
      const { code, started: up } = await cli.ready;
      assert.equal(up, false, cli.output());
      assert.equal(code, 1, cli.output());
      assert.match(cli.output(), message);
      assert.match(cli.output(), /^haipay-sandbox: /);
    }
    const flag = runCli(['--notify-retry-ms', 'soon']);
    assert.equal((await flag.ready).code, 1);
    assert.match(flag.output(), /--notify-retry-ms must be a whole number/);
    assert.match(flag.output(), /Usage: pnpm sandbox/);
  });

  test('a port in use: exit 1 and say which port and what to pass instead', async () => {
    const blocker = createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
    const port = (blocker.address() as { port: number }).port;
    try {
      const cli = runCli(['--port', String(port), '--config', writeConfig()]);
      const { code } = await cli.ready;
      assert.equal(code, 1, cli.output());
      assert.match(
        cli.output(),
        new RegExp(`port ${port} is already in use on 127\\.0\\.0\\.1: pass --port`),
      );
    } finally {
      blocker.close();
    }
  });
});

/** Writes the shared test config to a file of its own and returns the path. */
function writeConfig(): string {
  const file = join(cliTempDir(), 'sandbox.json');
  writeFileSync(file, JSON.stringify(sharedConfig()));
  return file;
}
