#!/usr/bin/env node
/**
 * `pnpm sandbox [--port <port>] [--host <host>] [--config <file.json>] [--manual-clock]
 * [--notify-retry-ms <ms>]`
 *
 * Starts the sandbox gateway in the foreground, by default on port 4020 (the demo takes 4010). Without
 * `--config` it generates a platform key pair and one merchant per currency, writes them to a new JSON
 * file (mode 0600) and prints where, so a companion or the demo can be pointed at it — and the same
 * keys reused next time with `--config`. With a `--host` beyond loopback the control API and the bank
 * app's Pay button need an admin token (`HAIPAY_ADMIN_TOKEN`, or one generated and printed). Refuses to
 * start under `NODE_ENV=production`.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { checkSandboxConfig, createSandbox, generateSandboxConfig, type SandboxConfig } from './index.js';

/** The CLI's port when `--port` is left out: not the demo's 4010, so both can run side by side. */
const DEFAULT_PORT = 4020;

const USAGE = `Usage: pnpm sandbox [--port <port>] [--host <host>] [--config <file.json>] [--manual-clock]
                    [--notify-retry-ms <ms>]

  --port             TCP port (default ${DEFAULT_PORT}; the demo uses 4010; 0 = any free port)
  --host             interface (default 127.0.0.1); beyond loopback (e.g. 0.0.0.0) the control API
                     and the bank app's Pay button need an admin token: HAIPAY_ADMIN_TOKEN, or a
                     random one printed at start
  --config           a JSON config file { "platform": { "privateKey", "publicKey" }, "merchants":
                     [{ "appId", "currency", "secretKey", "publicKey", ... }] } (README "Config
                     format"); without it, keys are generated and written to a new file whose path
                     is printed — pass that file to --config to keep the same keys next time
  --manual-clock     virtual time moves only via POST /_sandbox/clock/advance (default: real time)
  --notify-retry-ms  virtual ms between notification attempts (default 300000: HaiPay's 5 minutes)
`;

/** An error about the command line: printed with the usage text. */
class UsageError extends Error {}

/** Reads and checks a `--config` file; every failure names the file and the fix. */
function loadConfig(file: string): SandboxConfig {
  const path = resolve(file);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') {
      throw new Error(
        `--config ${file}: no such file (${path}). Leave out --config once: the sandbox generates keys, ` +
          'writes them to a new config file and prints its path; copy that file and pass it to --config.',
        { cause: err },
      );
    }
    throw new Error(`--config ${file}: cannot read ${path} (${(err as Error).message}).`, { cause: err });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new Error(`--config ${path} is not valid JSON: ${(err as Error).message}`, { cause: err });
  }
  try {
    return checkSandboxConfig(json);
  } catch (err) {
    throw new Error(`--config ${path}: ${(err as Error).message} (README "Config format").`, { cause: err });
  }
}

/** A non-negative integer option, or a usage error naming it. */
function integerOption(name: string, text: string, max: number): number {
  const n = Number(text);
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(n) || n > max)
    throw new UsageError(`--${name} must be a whole number from 0 to ${max}, got ${text}`);
  return n;
}

async function main(): Promise<void> {
  // Before anything is generated or written: the sandbox marks orders paid on request.
  if (process.env.NODE_ENV?.trim().toLowerCase() === 'production') {
    throw new Error(
      'refusing to start with NODE_ENV=production. The sandbox is a fake HaiPay gateway that marks ' +
        'orders paid on request; never run it (or the demo) in production.',
    );
  }
  let parsed;
  try {
    parsed = parseArgs({
      options: {
        port: { type: 'string', default: String(DEFAULT_PORT) },
        host: { type: 'string', default: '127.0.0.1' },
        config: { type: 'string' },
        'manual-clock': { type: 'boolean', default: false },
        'notify-retry-ms': { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (err) {
    throw new UsageError((err as Error).message, { cause: err });
  }
  const { values } = parsed;
  if (values.help) {
    process.stdout.write(USAGE);
    return;
  }
  const port = integerOption('port', values.port, 65535);
  const retryText = values['notify-retry-ms'];
  const notifyRetryMs =
    retryText === undefined ? undefined : integerOption('notify-retry-ms', retryText, 365 * 86_400_000);
  let config: SandboxConfig;
  let configPath: string;
  if (values.config !== undefined) {
    configPath = resolve(values.config);
    config = loadConfig(values.config);
  } else {
    config = generateSandboxConfig();
    configPath = join(tmpdir(), `haipay-sandbox-config-${Date.now()}.json`);
    writeFileSync(configPath, `${JSON.stringify(config, null, 2)}\n`, { mode: 0o600 });
  }
  const envToken = process.env.HAIPAY_ADMIN_TOKEN || undefined;
  let sandbox;
  try {
    sandbox = await createSandbox({
      config,
      port,
      host: values.host,
      clock: values['manual-clock'] ? 'manual' : 'real',
      ...(notifyRetryMs !== undefined ? { notifyRetryMs } : {}),
      ...(envToken ? { adminToken: envToken } : {}),
    });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      throw new Error(
        `port ${port} is already in use on ${values.host}: pass --port <another port>, or --port 0 for any free port.`,
        { cause: err },
      );
    }
    throw err;
  }
  const token = sandbox.adminToken;
  // A generated token is printed once, here; one from the environment is not echoed.
  const shown = token === undefined ? '' : envToken ? '$HAIPAY_ADMIN_TOKEN' : token;
  const retry = notifyRetryMs ?? 300_000;
  const lines = [
    `HaiPay sandbox listening on ${sandbox.url}${sandbox.url.includes(`//${values.host}:`) ? '' : ` (interface ${values.host})`}`,
    `${values.config !== undefined ? 'Config' : 'Generated config (keys + merchant secrets) written to'}: ${configPath}`,
    ...(values.config !== undefined
      ? []
      : [`  (to keep these keys, copy that file and start with --config <copy>)`]),
    'Merchants:',
    ...sandbox.config.merchants.map((m) => `  ${m.currency.padEnd(7)} appId ${m.appId}`),
    `Clock: ${values['manual-clock'] ? 'manual (POST /_sandbox/clock/advance {"ms":…})' : 'real time'}; notification retries every ${retry} virtual ms`,
    `Bank app: ${sandbox.url}/bank-app   Control API: ${sandbox.url}/_sandbox/orders`,
    ...(token === undefined
      ? []
      : [
          'The control API and bank-app payments need the admin token (the host is beyond loopback or HAIPAY_ADMIN_TOKEN is set):',
          `  Admin token: ${shown}`,
          `  Bank app, signed in: ${sandbox.url}/bank-app?token=${envToken ? shown : encodeURIComponent(shown)}`,
          `  Control API: send "Authorization: Bearer <token>"`,
        ]),
    'Press Ctrl+C to stop.',
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  const stop = () => {
    void sandbox.close().then(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((err: unknown) => {
  const usage = err instanceof UsageError ? `\n${USAGE}` : '';
  process.stderr.write(`haipay-sandbox: ${err instanceof Error ? err.message : String(err)}\n${usage}`);
  process.exit(1);
});
