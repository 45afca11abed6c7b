#!/usr/bin/env node
/**
 * `pnpm sandbox [--port <port>] [--host <host>] [--config <file.json>] [--manual-clock]`
 *
 * Starts the sandbox gateway in the foreground. Without `--config` it generates a platform key pair
 * and one merchant per currency, writes them to a new JSON file (mode 0600) and prints where, so a
 * companion or the demo can be pointed at it.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { createSandbox, generateSandboxConfig, type SandboxConfig } from './index.js';

const USAGE = `Usage: pnpm sandbox [--port <port>] [--host <host>] [--config <file.json>] [--manual-clock]

  --port          TCP port (default 4010; 0 = any free port)
  --host          interface (default 127.0.0.1)
  --config        JSON config { platform: {privateKey, publicKey}, merchants: [...] };
                  without it, keys are generated and written to a new file whose path is printed
  --manual-clock  virtual time moves only via POST /_sandbox/clock/advance (default: real time)
`;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: '4010' },
      host: { type: 'string', default: '127.0.0.1' },
      config: { type: 'string' },
      'manual-clock': { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(USAGE);
    return;
  }
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new Error(`--port must be 0–65535, got ${values.port}`);
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
  const sandbox = await createSandbox({
    config,
    port,
    host: values.host,
    clock: values['manual-clock'] ? 'manual' : 'real',
  });
  const lines = [
    `HaiPay sandbox listening on ${sandbox.url}`,
    `${values.config ? 'Config' : 'Generated config (keys + merchant secrets) written to'}: ${configPath}`,
    'Merchants:',
    ...sandbox.config.merchants.map((m) => `  ${m.currency.padEnd(7)} appId ${m.appId}`),
    `Bank app: ${sandbox.url}/bank-app   Control API: ${sandbox.url}/_sandbox/orders`,
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
  process.stderr.write(`haipay-sandbox: ${err instanceof Error ? err.message : String(err)}\n\n${USAGE}`);
  process.exit(1);
});
