/**
 * Test helpers: a signing HaiPay client over real HTTP that verifies every success response's
 * signature with the protocol verifier (over the lossless parse of the raw body), a tiny
 * notification receiver, and a runner for the command line as a user starts it.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseJsonLossless, toPlain, type LosslessObject } from '@haipay-kit/protocol';
import { createSigner, createVerifier } from '@haipay-kit/protocol/node';
import {
  generateSandboxConfig,
  type MerchantConfig,
  type Sandbox,
  type SandboxConfig,
} from '../src/index.js';

let shared: SandboxConfig | undefined;
/** One generated config per test process (RSA key generation is the slow part). */
export function sharedConfig(): SandboxConfig {
  shared ??= generateSandboxConfig();
  return shared;
}

/** A parsed API answer. */
export interface Answer {
  http: number;
  text: string;
  body: Record<string, unknown>;
  data: Record<string, unknown>;
  /** Whether `data.sign` verified (only meaningful when `status === "1"`). */
  verified: boolean;
}

/** Options of {@link call}. */
export interface CallOptions {
  /** Sign with this merchant's key and secret (default the merchant whose appId is in the body). */
  signAs?: MerchantConfig;
  /** Leave the body unsigned. */
  unsigned?: boolean;
  /** Replace the signature. */
  sign?: string;
  /** Do not assert the response signature (fault tests). */
  skipVerify?: boolean;
  /** Raw text to send instead of a JSON body. */
  raw?: string;
}

/** Signs `body` as the merchant, POSTs it, parses the answer and checks its signature. */
export async function call(
  sb: Sandbox,
  merchant: MerchantConfig,
  path: string,
  fields: Record<string, unknown>,
  opts: CallOptions = {},
): Promise<Answer> {
  const signer = opts.signAs ?? merchant;
  let body: Record<string, unknown> = { appId: merchant.appId, ...fields };
  if (!opts.unsigned) {
    body = createSigner({ privateKey: signer.privateKey!, secretKey: signer.secretKey }).signParams(body);
  }
  if (opts.sign !== undefined) body.sign = opts.sign;
  const res = await fetch(`${sb.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: opts.raw ?? JSON.stringify(body),
  });
  const text = await res.text();
  if (opts.skipVerify) return { http: res.status, text, body: {}, data: {}, verified: false };
  const parsed = parseJsonLossless(text) as LosslessObject;
  const data = (parsed.data ?? {}) as LosslessObject;
  const verifier = createVerifier({ publicKey: sb.config.platform.publicKey, secretKey: merchant.secretKey });
  const verified = parsed.status === '1' ? verifier.verify(data) : false;
  if (parsed.status === '1') assert.equal(verified, true, `response data signature must verify: ${text}`);
  return {
    http: res.status,
    text,
    body: toPlain(parsed) as Record<string, unknown>,
    data: toPlain(data) as Record<string, unknown>,
    verified,
  };
}

/** Asserts a HaiPay error envelope. */
export function assertError(a: Answer, code: string, msg?: string): void {
  assert.equal(a.http, 200);
  assert.equal(a.body.status, '0', a.text);
  assert.equal(a.body.error, code, a.text);
  if (msg !== undefined) assert.equal(a.body.msg, msg);
  assert.equal(a.body.data, undefined);
}

/** Asserts a success envelope and returns `data`. */
export function ok(a: Answer): Record<string, unknown> {
  assert.equal(a.body.status, '1', a.text);
  assert.equal(a.body.error, '00000000');
  assert.equal(a.body.msg, '');
  return a.data;
}

let seq = 0;
/** A unique merchant order id. */
export function oid(prefix = 'T'): string {
  return `${prefix}${Date.now().toString(36)}${++seq}`;
}

/** A valid THB collect body. */
export function thbCollect(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    orderId: oid('THB'),
    name: 'Somchai Jaidee',
    phone: '0812345678',
    email: 'somchai@example.com',
    amount: '100.00',
    payType: 'QR',
    inBankCode: 'QR',
    callBackUrl: 'https://merchant.example/ok',
    callBackFailUrl: 'https://merchant.example/fail',
    subject: 'Top-up',
    partnerUserId: 'u-1001',
    ...extra,
  };
}

/** A valid USD PCI-direct card collect body. */
export function cardCollect(pan: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    orderId: oid('USD'),
    name: 'Jon Smith',
    email: 'jon@example.com',
    amount: '25.00',
    payType: 'BANK_TRANSFER',
    inBankCode: 'CREDIT_CARD',
    callBackUrl: 'https://merchant.example/ok',
    // Required on the PCI card API (seed 001); nothing listens there, so deliveries fail and are retried.
    notifyUrl: 'http://127.0.0.1:9/notify',
    subject: 'Shoes',
    partnerUserId: '9527',
    clientType: 'WEB',
    accountNo: pan,
    expiryMonth: '11',
    expiryYear: '2030',
    cvv: '234',
    referer: 'https://merchant.example/checkout',
    userAgent: 'Mozilla/5.0 (test)',
    customerIp: '142.250.191.174',
    ...extra,
  };
}

/** A notification receiver answering from a script (then `SUCCESS` once the script is used up). */
export interface Receiver {
  url: string;
  received: { body: string; json: Record<string, unknown> }[];
  close(): Promise<void>;
}

/** Starts a receiver; `answers` are the bodies to answer, in order, then `SUCCESS`. */
export async function receiver(answers: string[] = []): Promise<Receiver> {
  const received: Receiver['received'] = [];
  const script = [...answers];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      received.push({ body, json: toPlain(parseJsonLossless(body)) as Record<string, unknown> });
      res.writeHead(200, { 'content-type': 'text/plain' }).end(script.shift() ?? 'SUCCESS');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : 0;
  return {
    url: `http://127.0.0.1:${port}/notify`,
    received,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

/** Verifies a notification body with the platform key and the merchant secret. */
export function verifyNotification(sb: Sandbox, merchant: MerchantConfig, body: string): boolean {
  const verifier = createVerifier({ publicKey: sb.config.platform.publicKey, secretKey: merchant.secretKey });
  return verifier.verify(parseJsonLossless(body) as LosslessObject);
}

/** Posts an HTML form without following redirects. */
export async function postForm(url: string, form: Record<string, string>): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(form).toString(),
  });
}

const CLI = new URL('../src/cli.ts', import.meta.url).pathname;
const ROOT = new URL('../../../', import.meta.url).pathname;
const cliDirs: string[] = [];

/** A CLI process started by {@link runCli}. */
export interface CliRun {
  /** Resolves at the banner's "Press Ctrl+C" line (`started`) or when the process exits (`code`). */
  ready: Promise<{ code: number | null; started: boolean }>;
  /** Everything printed so far (stdout and stderr). */
  output(): string;
  /** Stops the process (SIGTERM) and waits for it to exit. */
  stop(): Promise<void>;
  /** The process's own TMPDIR (where a generated config is written). */
  tmp: string;
}

/** A new temporary directory, removed by {@link removeCliDirs}. */
export function cliTempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'haipay-sandbox-cli-'));
  cliDirs.push(dir);
  return dir;
}

/**
 * Runs the sandbox CLI as `pnpm sandbox` does (node + tsx on src/cli.ts, from the repository root),
 * with its own TMPDIR and without NODE_ENV or HAIPAY_ADMIN_TOKEN unless `env` sets them.
 */
export function runCli(args: string[], env: Record<string, string> = {}): CliRun {
  const tmp = cliTempDir();
  const base = { ...process.env };
  for (const k of ['NODE_ENV', 'HAIPAY_ADMIN_TOKEN']) delete base[k];
  const child = spawn(
    process.execPath,
    ['--conditions=@haipay-kit/source', '--import', 'tsx', CLI, ...args],
    {
      cwd: ROOT,
      env: { ...base, TMPDIR: tmp, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let out = '';
  const ready = new Promise<{ code: number | null; started: boolean }>((resolve) => {
    // Not started in a minute: stop it, so that the failing test does not leave it running (the test
    // file's process would wait for it and never exit).
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      resolve({ code: null, started: false });
    }, 60_000);
    const onData = (c: Buffer) => {
      out += c.toString();
      if (out.includes('Press Ctrl+C to stop.')) {
        clearTimeout(timer);
        resolve({ code: null, started: true });
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, started: false });
    });
  });
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    await exited;
  };
  return { ready, output: () => out, stop, tmp };
}

/** Removes the TMPDIRs of every {@link runCli} process (call in `after`). */
export function removeCliDirs(): void {
  for (const d of cliDirs.splice(0)) rmSync(d, { recursive: true, force: true });
}
