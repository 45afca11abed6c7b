/**
 * `haipay orders --url`, run as a process against a running admin API (createHaiPayAdminRouter over
 * loopback HTTP, a real SQLite file, the sandbox): the same lines and JSON as `--store` on the same
 * file, pages followed through the opaque cursor (the admin router's maxPageSize is 3), the credential
 * the merchant's `authorize` checks sent from `--header` or `HAIPAY_ADMIN_HEADER`, clear text refused
 * beyond loopback, redirects not followed, and no credential in any message.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { Request } from 'express';
import { createSandbox, type Sandbox } from '@haipay-kit/sandbox';
import { startHarness, idem, BUYER, CARD, type Harness } from '@haipay-kit/test-support';
import { createHaiPayAdminRouter, type AdminAction } from '../src/admin/index.js';
import { SqlitePaymentStore } from '../src/store/sqlite.js';

const TOKEN = 'tok_4f9c2e7a1b';
const root = join(import.meta.dirname, '../../..');
let sandbox: Sandbox;
let dir: string;
let db: string;
let h: Harness;
/** Every authorize call: `${action} ${authorization header}`. */
const asked: string[] = [];

function authorize(req: Request, action: AdminAction) {
  asked.push(`${action} ${req.get('authorization') ?? '-'}`);
  return req.get('authorization') === `Bearer ${TOKEN}` && action === 'orders.list' ? 'ops-cli' : false;
}

before(async () => {
  sandbox = await createSandbox();
  dir = mkdtempSync(join(tmpdir(), 'haipay-cli-admin-'));
  db = join(dir, 'shop.db');
  h = await startHarness({ sandbox, store: new SqlitePaymentStore({ filename: db }) });
  h.app.use('/admin/haipay', createHaiPayAdminRouter({ checkout: h.router, authorize, maxPageSize: 3 }));
  h.app.get('/moved/orders', (_req, res) => res.redirect(302, `${h.url}/admin/haipay/orders`));
  // Seven orders: five PromptPay (two searchable), one paid card, one more PromptPay.
  for (const subject of ['Beans A', 'Beans B', 'Mug #CLI-URL', 'Filter #cli-url', 'Beans C']) {
    h.order = { amount: '100.00', currency: 'THB', subject, buyerId: 'u-1001' };
    const res = await h.post('/haipay/payments', { method: 'promptpay', ...BUYER }, idem());
    assert.equal(res.status, 201, JSON.stringify(res.json));
  }
  h.order = { amount: '25.00', currency: 'USD', subject: 'Card order', buyerId: 'u-1001' };
  const card = await h.post('/haipay/payments', { method: 'card', ...BUYER, ...CARD }, idem());
  assert.equal(card.status, 201, JSON.stringify(card.json));
  await sandbox.idle();
});
after(async () => {
  await h.close();
  await sandbox.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Runs the CLI as a process; `env` adds to the environment. */
function cli(
  args: string[],
  env: Record<string, string> = {},
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(
    process.execPath,
    ['--conditions=@haipay-kit/source', '--import', 'tsx', 'packages/express/src/cli.ts', ...args],
    { cwd: root, env: { ...process.env, HAIPAY_ADMIN_HEADER: '', ...env } },
  );
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  child.stdin.end();
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
}

const admin = () => `${h.url}/admin/haipay`;
const withToken = { HAIPAY_ADMIN_HEADER: `Authorization: Bearer ${TOKEN}` };

describe('haipay orders --url (a process, a running admin API)', () => {
  it('prints what --store prints for the same file, as JSON and as lines, following the cursor', async () => {
    const before = asked.length;
    const fromFile = await cli(['orders', '--store', db, '--json']);
    const fromApi = await cli(['orders', '--url', admin(), '--json'], withToken);
    assert.equal(fromApi.code, 0, fromApi.stderr);
    const orders = JSON.parse(fromApi.stdout) as { orderId: string; final?: boolean }[];
    assert.equal(orders.length, 6);
    assert.deepEqual(JSON.parse(fromApi.stdout), JSON.parse(fromFile.stdout));
    assert.ok(
      orders.every((o) => o.final === undefined),
      'the stored record, as --store prints it',
    );
    const pages = asked.slice(before).filter((a) => a === `orders.list Bearer ${TOKEN}`).length;
    assert.ok(pages >= 3, `six orders at most three a page take several pages (${pages} requests)`);

    const lines = await cli(['orders', '--url', `${admin()}/`], withToken);
    assert.equal(lines.code, 0, lines.stderr);
    assert.equal(lines.stdout, (await cli(['orders', '--store', db])).stdout);
  });

  it('applies the same filters and --limit as --store', async () => {
    const filters = [
      ['--text', 'cli-url'],
      ['--method', 'promptpay', '--status', 'pending', '--limit', '4'],
      ['--kind', 'payment', '--status', 'succeeded'],
      ['--from', '2000-01-01', '--before', '2001-01-01'],
    ];
    for (const f of filters) {
      const fromApi = await cli(['orders', '--url', admin(), ...f], withToken);
      assert.equal(fromApi.code, 0, `${f.join(' ')}: ${fromApi.stderr}`);
      assert.equal(fromApi.stdout, (await cli(['orders', '--store', db, ...f])).stdout, f.join(' '));
    }
    const searched = await cli(['orders', '--url', admin(), '--text', 'CLI-URL'], withToken);
    assert.equal(searched.stdout.trim().split('\n').length, 2);
    const limited = await cli(['orders', '--url', admin(), '--limit', '4', '--json'], withToken);
    assert.equal((JSON.parse(limited.stdout) as unknown[]).length, 4);
    const none = await cli(
      ['orders', '--url', admin(), '--from', '2000-01-01', '--before', '2001-01-01'],
      withToken,
    );
    assert.equal(none.stdout, 'No orders match.\n');
  });

  it('sends --header (repeatable), which wins over HAIPAY_ADMIN_HEADER', async () => {
    const res = await cli(
      ['orders', '--url', admin(), '--header', `Authorization: Bearer ${TOKEN}`, '--header', 'X-Staff: u_7'],
      { HAIPAY_ADMIN_HEADER: 'Authorization: Bearer stale' },
    );
    assert.equal(res.code, 0, res.stderr);
    assert.equal(res.stdout.trim().split('\n').length, 6);
  });

  it('a refusal by authorize exits 1 naming the fix, and never prints the credential', async () => {
    for (const env of [{}, { HAIPAY_ADMIN_HEADER: 'Authorization: Bearer wrong-secret-99' }] as Record<
      string,
      string
    >[]) {
      const res = await cli(['orders', '--url', admin()], env);
      assert.equal(res.code, 1, res.stderr);
      assert.match(
        res.stderr,
        /admin API refused: 403 forbidden: Not allowed\..*--header "Authorization: Bearer …"/,
      );
      assert.ok(!res.stderr.includes('wrong-secret-99'));
      assert.equal(res.stdout, '');
    }
  });

  it('refuses http:// beyond loopback unless --allow-http, before any request', async () => {
    const before = asked.length;
    const port = new URL(h.url).port;
    const plain = `http://0.0.0.0:${port}/admin/haipay`; // reaches this computer, but is not a loopback name
    const refused = await cli(['orders', '--url', plain], withToken);
    assert.equal(refused.code, 2);
    assert.match(
      refused.stderr,
      /http:\/\/ to 0\.0\.0\.0: the credential would cross the network in clear text/,
    );
    assert.match(refused.stderr, /--allow-http/);
    assert.equal(asked.length, before, 'nothing was sent');
    const allowed = await cli(['orders', '--url', plain, '--allow-http'], withToken);
    assert.equal(allowed.code, 0, allowed.stderr);
    assert.equal(allowed.stdout.trim().split('\n').length, 6);
  });

  it('does not follow a redirect (the credential stays where --url points)', async () => {
    const before = asked.length;
    const res = await cli(['orders', '--url', `${h.url}/moved`], withToken);
    assert.equal(res.code, 1);
    assert.match(res.stderr, /answered 302, a redirect, which is not followed/);
    assert.equal(asked.length, before, 'the admin API was never asked');
  });

  it('reports what the admin API refuses, what is not an admin API, and what cannot be reached', async () => {
    const long = await cli(['orders', '--url', admin(), '--text', 'x'.repeat(101)], withToken);
    assert.equal(long.code, 1);
    assert.match(
      long.stderr,
      /400 validation_error: Some fields are invalid\. \(q: q must be text of at most 100/,
    );
    const notAdmin = await cli(['orders', '--url', `${h.url}/haipay`], withToken);
    assert.equal(notAdmin.code, 1);
    assert.match(notAdmin.stderr, /haipay: the admin API answered 404|did not answer as the admin API does/);
    const server = createServer().listen(0, '127.0.0.1');
    await once(server, 'listening');
    const port = (server.address() as AddressInfo).port;
    await new Promise((resolve) => server.close(resolve)); // nothing listens there now
    const closed = await cli(['orders', '--url', `http://127.0.0.1:${port}/admin`], withToken);
    assert.equal(closed.code, 1);
    assert.match(
      closed.stderr,
      new RegExp(`could not reach the admin API at http://127.0.0.1:${port} \\(ECONNREFUSED\\)`),
    );
  });

  it('bad flags exit 2 with the fix, never echoing a header value', async () => {
    const cases: [string[], Record<string, string>, RegExp][] = [
      [['--url', 'ftp://shop.example/admin'], {}, /--url must be an https:\/\/ address/],
      [['--url', 'not a url'], {}, /--url must be the admin API’s address/],
      [['--url', `https://ops:pw@shop.example/admin`], {}, /must not hold a user or password/],
      [['--url', admin(), '--store', db], {}, /not both/],
      [['--store', db, '--header', 'X-A: b'], {}, /go with --url/],
      [['--url', admin(), '--header', 'Bearer secret-in-flag'], {}, /--header must be "Name: value"/],
      [
        ['--url', admin()],
        { HAIPAY_ADMIN_HEADER: 'Authorization Bearer secret-in-env' },
        /HAIPAY_ADMIN_HEADER must be/,
      ],
      [['--url', admin(), '--status', 'paid'], withToken, /--status: unknown paid/],
      [[], {}, /--store <file> .* or --url <admin API address> is required/],
    ];
    for (const [args, env, message] of cases) {
      const res = await cli(['orders', ...args], env);
      assert.equal(res.code, 2, `${args.join(' ')}: ${res.stderr}`);
      assert.match(res.stderr, message);
      assert.ok(!/secret-in|pw@/.test(res.stderr), res.stderr);
    }
  });
});
