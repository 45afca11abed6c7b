#!/usr/bin/env node
/**
 * `haipay` — the kit's command line (`pnpm haipay <command>` from the repository root).
 *
 *   keygen                                        new RSA-2048 pair as {"privateKey","publicKey"} (bare base64) on
 *                                                 stdout, for piping into a secret store (warns on stderr)
 *   keygen --out <dir> [--force]                  writes <dir>/haipay-private.pem (0600) and haipay-public.pem
 *                                                 (0644) atomically; prints only the public key and the paths.
 *                                                 Refuses to replace an existing file without --force, and a
 *                                                 symlink at either path always (cli-keygen.ts).
 *   sign --private-key <key|file> --secret <s>    JSON params on stdin → signature
 *   verify --public-key <key|file> --secret <s>   signed JSON on stdin → exit 0 only if it verifies
 *   notify --url <notifyUrl> --platform-private-key <key|file> --secret <s> [--payload <json>|stdin]
 *                                                 send a correctly signed test notification
 *   query --currency <THB|…> --order-id <id> [--order-no <no>]  look an order up (credentials from env/flags)
 *   refund --store <file> --order-id <id> --key <key> [--reason <text>] [--yes] [--json]
 *   payout --store <file> --public-base-url <url> --key <key> --payout <json> [--yes] [--json]
 *   balance --currency <THB|…> [--json]          (money commands: cli-money.ts; credentials as for query)
 *   orders --store <file> [--status s,…] [--method m,…] [--kind k] [--from t] [--before t] [--text t]
 *          [--limit n] [--json]                  list and search the store's orders (cli-orders.ts)
 *   orders --url <admin API> [--header 'Name: value']… [--allow-http] [filters as above]
 *                                                 the same from a running admin API (cli-admin.ts)
 *
 * Secrets may come from the environment instead of flags (keeps them out of shell history):
 * HAIPAY_SECRET, HAIPAY_PRIVATE_KEY, HAIPAY_PUBLIC_KEY, HAIPAY_PLATFORM_PUBLIC_KEY,
 * HAIPAY_PLATFORM_PRIVATE_KEY, HAIPAY_APP_ID, HAIPAY_BASE_URL, HAIPAY_ADMIN_HEADER (orders --url).
 */
import { existsSync, readFileSync, realpathSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { parseJsonLossless, type LosslessObject } from '@haipay-kit/protocol';
import { createSigner, createVerifier } from '@haipay-kit/protocol/node';
import { HaiPayClient } from './client.js';
import { HaiPayError } from './errors.js';
import { generateTestNotification, sendTestNotification } from './testing.js';
import { runKeygenCommand } from './cli-keygen.js';
import { runMoneyCommand } from './cli-money.js';
import { runOrdersCommand } from './cli-orders.js';

/** Streams the CLI writes to (replaceable in tests). */
export interface CliIo {
  stdin: () => Promise<string>;
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  env: NodeJS.ProcessEnv;
}

const USAGE = `Usage: haipay <command> [options]

  keygen                                                   key pair as JSON on stdout (contains the private key)
  keygen --out <dir> [--force]                             PEM files: haipay-private.pem (0600), haipay-public.pem;
                                                           --force replaces existing files (never a symlink)
  sign --private-key <key|file> --secret <secret>          < params.json
  verify --public-key <key|file> --secret <secret>         < signed.json
  notify --url <notifyUrl> --platform-private-key <key|file> --secret <secret> [--payload <json>] [< payload.json]
  query --currency <THB|TWD|USD|VND> --order-id <id> [--order-no <no>] [--base-url <url>]
        [--app-id <id>] [--secret <s>] [--private-key <key|file>] [--platform-public-key <key|file>]
  refund --store <file> --order-id <id> --key <idempotency-key> [--reason <text>] [--yes] [--json]
        full refund of a paid USD card order in the router's SQLite store; asks first unless --yes
  payout --store <file> --public-base-url <url> --key <idempotency-key> --payout <json> [--yes] [--json]
        pay out (THB, USD, VND); HaiPay notifies <url>/notify; asks first unless --yes
  balance --currency <THB|TWD|USD|VND> [--json]            the ledger: total, available, frozen, unsettled
  (refund, payout and balance take the credentials query takes; the same --key never moves money twice)
  orders --store <file> [--status succeeded,…] [--method card,…] [--kind payment|subscription]
         [--from <date>] [--before <date>] [--text <text>] [--limit <1-500>] [--json]
        the orders in the router's SQLite store, newest first (statuses: pending, succeeded, failed, …)
  orders --url <admin API> [--header "Authorization: Bearer <token>"]… [--allow-http] [the filters above]
        the same from a running admin router (createHaiPayAdminRouter), e.g. https://shop.example/admin/haipay;
        headers can come from HAIPAY_ADMIN_HEADER (one per line); http:// only to this computer unless --allow-http

Secrets can come from HAIPAY_SECRET, HAIPAY_PRIVATE_KEY, HAIPAY_PUBLIC_KEY, HAIPAY_PLATFORM_PUBLIC_KEY,
HAIPAY_PLATFORM_PRIVATE_KEY, HAIPAY_APP_ID, HAIPAY_BASE_URL and HAIPAY_ADMIN_HEADER instead of flags.
`;

class CliError extends Error {}

function readKey(value: string | undefined, flag: string): string {
  if (!value) throw new CliError(`${flag} is required (a bare base64 key, PEM text, or a file path).`);
  const looksLikeFile = !/^-----BEGIN/.test(value) && !/^[A-Za-z0-9+/=\s]{200,}$/.test(value);
  if (looksLikeFile) {
    const path = resolve(value);
    if (!existsSync(path)) throw new CliError(`${flag}: no such file ${path} (and the value is not a key).`);
    return readFileSync(path, 'utf8');
  }
  return value;
}

function parseJsonObject(text: string, what: string): LosslessObject {
  let parsed: unknown;
  try {
    parsed = parseJsonLossless(text.trim());
  } catch (err) {
    throw new CliError(`${what} is not valid JSON: ${(err as Error).message}`);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed))
    throw new CliError(`${what} must be a JSON object.`);
  return parsed as LosslessObject;
}

/** Runs the CLI with `argv` (without node and script); resolves with the exit code. */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const [command, ...rest] = argv;
  const { values } = parseArgs({
    args: rest,
    allowPositionals: false,
    strict: true,
    options: {
      out: { type: 'string' },
      force: { type: 'boolean' },
      'private-key': { type: 'string' },
      'public-key': { type: 'string' },
      'platform-private-key': { type: 'string' },
      'platform-public-key': { type: 'string' },
      secret: { type: 'string' },
      url: { type: 'string' },
      payload: { type: 'string' },
      currency: { type: 'string' },
      'order-id': { type: 'string' },
      'order-no': { type: 'string' },
      'base-url': { type: 'string' },
      'app-id': { type: 'string' },
      store: { type: 'string' },
      key: { type: 'string' },
      reason: { type: 'string' },
      payout: { type: 'string' },
      'public-base-url': { type: 'string' },
      status: { type: 'string' },
      method: { type: 'string' },
      kind: { type: 'string' },
      from: { type: 'string' },
      before: { type: 'string' },
      text: { type: 'string' },
      limit: { type: 'string' },
      header: { type: 'string', multiple: true },
      'allow-http': { type: 'boolean' },
      yes: { type: 'boolean', short: 'y' },
      json: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const env = io.env;
  const secret = () => {
    const s = values.secret ?? env.HAIPAY_SECRET;
    if (!s) throw new CliError('--secret (or HAIPAY_SECRET) is required: the merchant secret key.');
    return s;
  };
  /** A client for one merchant, from flags or the environment (query, refund, payout, balance). */
  const clientFor = (currency: string): HaiPayClient => {
    const appId = values['app-id'] ?? env.HAIPAY_APP_ID;
    if (!appId) throw new CliError('--app-id (or HAIPAY_APP_ID) is required.');
    const baseUrl = values['base-url'] ?? env.HAIPAY_BASE_URL;
    return new HaiPayClient({
      ...(baseUrl ? { baseUrl } : {}),
      merchants: {
        [currency]: {
          appId,
          secretKey: secret(),
          privateKey: readKey(values['private-key'] ?? env.HAIPAY_PRIVATE_KEY, '--private-key'),
        },
      },
      platformPublicKey: readKey(
        values['platform-public-key'] ?? env.HAIPAY_PLATFORM_PUBLIC_KEY,
        '--platform-public-key',
      ),
    });
  };
  if (!command || values.help || command === 'help') {
    io.stdout(USAGE);
    return command ? 0 : 2;
  }
  switch (command) {
    case 'keygen':
      return runKeygenCommand(values, { ...io, usage: (message) => new CliError(message) });
    case 'sign': {
      const signer = createSigner({
        privateKey: readKey(values['private-key'] ?? env.HAIPAY_PRIVATE_KEY, '--private-key'),
        secretKey: secret(),
      });
      io.stdout(`${signer.sign(parseJsonObject(await io.stdin(), 'stdin'))}\n`);
      return 0;
    }
    case 'verify': {
      const verifier = createVerifier({
        publicKey: readKey(
          values['public-key'] ?? env.HAIPAY_PUBLIC_KEY ?? env.HAIPAY_PLATFORM_PUBLIC_KEY,
          '--public-key',
        ),
        secretKey: secret(),
      });
      const ok = verifier.verify(parseJsonObject(await io.stdin(), 'stdin'));
      (ok ? io.stdout : io.stderr)(ok ? 'valid\n' : 'INVALID signature\n');
      return ok ? 0 : 1;
    }
    case 'notify': {
      if (!values.url)
        throw new CliError('--url is required: your notify URL, e.g. http://localhost:3000/haipay/notify');
      const payload = parseJsonObject(
        values.payload ?? (await io.stdin()),
        values.payload ? '--payload' : 'stdin',
      );
      const body = generateTestNotification({
        payload,
        platformPrivateKey: readKey(
          values['platform-private-key'] ?? env.HAIPAY_PLATFORM_PRIVATE_KEY,
          '--platform-private-key',
        ),
        secretKey: secret(),
      });
      const res = await sendTestNotification(values.url, body);
      io.stdout(`${res.status} ${res.body}\n`);
      return res.body === 'SUCCESS' ? 0 : 1;
    }
    case 'query': {
      const currency = (values.currency ?? '').toUpperCase();
      if (!currency || !values['order-id']) throw new CliError('--currency and --order-id are required.');
      const client = clientFor(currency);
      const data =
        currency === 'CASHIER'
          ? await client.cashierQuery({ orderId: values['order-id'], orderNo: values['order-no'] ?? null })
          : await client.collectQuery(currency, {
              orderId: values['order-id'],
              orderNo: values['order-no'] ?? null,
            });
      io.stdout(`${JSON.stringify(data, null, 2)}\n`);
      return 0;
    }
    case 'refund':
    case 'payout':
    case 'balance':
      return runMoneyCommand(command, values, {
        ...io,
        client: clientFor,
        usage: (message) => new CliError(message),
      });
    case 'orders':
      return runOrdersCommand(values, {
        stdout: io.stdout,
        env,
        usage: (message) => new CliError(message),
      });
    default:
      io.stderr(`Unknown command "${command}".\n\n${USAGE}`);
      return 2;
  }
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * True when this file is the program node was started with. `process.argv[1]` is the path as typed,
 * which for an installed bin is the `node_modules/.bin/haipay` symlink: compare real paths.
 */
function isMain(): boolean {
  if (!process.argv[1]) return false;
  try {
    return import.meta.url === pathToFileURL(realpathSync(resolve(process.argv[1]))).href;
  } catch {
    return false;
  }
}

if (isMain()) {
  runCli(process.argv.slice(2), {
    stdin: readStdin,
    stdout: (t) => process.stdout.write(t),
    stderr: (t) => process.stderr.write(t),
    env: process.env,
  }).then(
    (code) => (process.exitCode = code),
    (err: unknown) => {
      process.stderr.write(`haipay: ${(err as Error)?.message ?? String(err)}\n`);
      process.exitCode =
        err instanceof CliError || (err instanceof HaiPayError && err.code === 'key_error') ? 2 : 1;
    },
  );
}
