#!/usr/bin/env node
/**
 * `pnpm sandbox [--port <port>] [--host <host>] [--config <file.json>] [--manual-clock]`
 *
 * Starts the sandbox gateway in the foreground. Without `--config` it generates a platform key pair
 * and one merchant per currency, writes them to a new JSON file (mode 0600) and prints where, so a
 * companion or the demo can be pointed at it. With a `--host` beyond loopback the control API and the
 * bank app's Pay button need an admin token (`HAIPAY_ADMIN_TOKEN`, or one generated and printed).
 * Refuses to start under `NODE_ENV=production`.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { createSandbox, generateSandboxConfig, type SandboxConfig } from './index.js';

const USAGE = `Usage: pnpm sandbox [--port <port>] [--host <host>] [--config <file.json>] [--manual-clock]

  --port          TCP port (default 4010; 0 = any free port)
  --host          interface (default 127.0.0.1); beyond loopback (e.g. 0.0.0.0) the control API
                  and the bank app's Pay button need an admin token: HAIPAY_ADMIN_TOKEN, or a
                  random one printed at start
  --config        JSON config { platform: {privateKey, publicKey}, merchants: [...] };
                  without it, keys are generated and written to a new file whose path is printed
  --manual-clock  virtual time moves only via POST /_sandbox/clock/advance (default: real time)
`;

/** An error about the command line: printed with the usage text. */
class UsageError extends Error {}

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
        port: { type: 'string', default: '4010' },
        host: { type: 'string', default: '127.0.0.1' },
        config: { type: 'string' },
        'manual-clock': { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const { values } = parsed;
  if (values.help) {
    process.stdout.write(USAGE);
    return;
  }
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new UsageError(`--port must be 0–65535, got ${values.port}`);
  let config: SandboxConfig;
  let configPath: string;
  if (values.config) {
    configPath = resolve(values.config);
    config = JSON.parse(readFileSync(configPath, 'utf8')) as SandboxConfig;
  } else {
    config = generateSandboxConfig();
    configPath = join(tmpdir(), `haipay-sandbox-config-${Date.now()}.json`);
    writeFileSync(configPath, `${JSON.stringify(config, null, 2)}\n`, { mode: 0o600 });
  }
  const envToken = process.env.HAIPAY_ADMIN_TOKEN || undefined;
  const sandbox = await createSandbox({
    config,
    port,
    host: values.host,
    clock: values['manual-clock'] ? 'manual' : 'real',
    ...(envToken ? { adminToken: envToken } : {}),
  });
  const token = sandbox.adminToken;
  // A generated token is printed once, here; one from the environment is not echoed.
  const shown = token === undefined ? '' : envToken ? '$HAIPAY_ADMIN_TOKEN' : token;
  const lines = [
    `HaiPay sandbox listening on ${sandbox.url}${sandbox.url.includes(`//${values.host}:`) ? '' : ` (interface ${values.host})`}`,
    `${values.config ? 'Config' : 'Generated config (keys + merchant secrets) written to'}: ${configPath}`,
    'Merchants:',
    ...sandbox.config.merchants.map((m) => `  ${m.currency.padEnd(7)} appId ${m.appId}`),
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
