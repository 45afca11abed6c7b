/**
 * The client's default transport, `createNodeHttpTransport()`, against real loopback servers: one
 * keep-alive connection for sequential calls, the whole-call timeout, answers cut off mid-body, a
 * UTF-8 character split between two packets, compressed answers, `https:` URLs over TLS (a
 * certificate made for the test by `openssl`), and the client end to end against the sandbox.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import { createServer as createTcpServer, type AddressInfo, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliCompressSync, deflateSync, gzipSync } from 'node:zlib';
import { after, before, describe, it } from 'node:test';
import { createSandbox, type Sandbox } from '@haipay-kit/sandbox';
import { HaiPayClient, type HaiPayClientOptions } from '../src/client.js';
import { HaiPayConfigError, HaiPayConnectionError, HaiPayTimeoutError } from '../src/errors.js';
import {
  createNodeHttpTransport,
  type NodeHttpTransportOptions,
  type TransportRequest,
} from '../src/transport.js';
import { thbQrApply } from './fixtures/collect-apply.js';

type Handler = (req: IncomingMessage, res: ServerResponse, body: string) => void;

/** A loopback HTTP server whose answer each test sets; it also tells which connection served each call. */
async function loopback(handler: Handler) {
  const sockets: Socket[] = [];
  const served: number[] = [];
  const server: Server = createServer((req, res) => {
    served.push(sockets.indexOf(req.socket));
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => handler(req, res, Buffer.concat(chunks).toString('utf8')));
  });
  server.on('connection', (s: Socket) => sockets.push(s));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/x`,
    /** For each call so far, the number of the connection it came on (0 = the first one opened). */
    served,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

const post = (url: string, extra: Partial<TransportRequest> = {}): TransportRequest => ({
  url,
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: '{"appId":1054}',
  timeoutMs: 2000,
  ...extra,
});

describe('createNodeHttpTransport', () => {
  it('sends the body and its headers, and returns any status with its body text', async () => {
    const seen: unknown[] = [];
    const server = await loopback((req, res, body) => {
      seen.push({
        method: req.method,
        type: req.headers['content-type'],
        length: req.headers['content-length'],
        body,
      });
      res.writeHead(503, { 'content-type': 'text/plain' }).end('busy');
    });
    try {
      const body = '{"name":"สมชาย ใจดี"}';
      assert.deepEqual(await createNodeHttpTransport().request(post(server.url, { body })), {
        status: 503,
        body: 'busy',
      });
      assert.deepEqual(seen, [
        { method: 'POST', type: 'application/json', length: String(Buffer.byteLength(body)), body },
      ]);
    } finally {
      await server.close();
    }
  });

  it('reuses one keep-alive connection for sequential calls', async () => {
    const server = await loopback((_req, res) => res.end('{"status":"1"}'));
    const transport = createNodeHttpTransport();
    try {
      for (let i = 0; i < 5; i++) await transport.request(post(server.url));
      assert.deepEqual(server.served, [0, 0, 0, 0, 0]);
      // Concurrent calls open more connections, up to maxSockets; later calls reuse them.
      const two = createNodeHttpTransport({ maxSockets: 2 });
      const other = await loopback((_req, res) => setTimeout(() => res.end('late'), 20));
      try {
        await Promise.all(Array.from({ length: 6 }, () => two.request(post(other.url))));
        assert.deepEqual([...new Set(other.served)].sort(), [0, 1]);
      } finally {
        await other.close();
      }
    } finally {
      await server.close();
    }
  });

  it('times out with HaiPayTimeoutError when no complete answer arrives in time', async () => {
    // One server never answers; the other sends its headers and half its body, then stalls.
    const silent = await loopback(() => undefined);
    const stalled = await loopback((_req, res) => {
      res.writeHead(200, { 'content-length': '20' });
      res.write('{"status":');
    });
    const transport = createNodeHttpTransport();
    try {
      for (const url of [silent.url, stalled.url]) {
        await assert.rejects(transport.request(post(url, { timeoutMs: 150 })), (err: unknown) => {
          assert.ok(err instanceof HaiPayTimeoutError, String(err));
          assert.match(err.message, /No answer from http:\/\/127\.0\.0\.1:\d+ within 150 ms/);
          return true;
        });
      }
    } finally {
      await silent.close();
      await stalled.close();
    }
  });

  it('is a HaiPayConnectionError when the connection closes mid-body or cannot be made', async () => {
    // Fewer bytes than Content-Length, then the connection closes.
    const short = await loopback((_req, res) => {
      res.writeHead(200, { 'content-length': '100', 'content-type': 'application/json' });
      res.write('{"status":"1","data":', () => res.socket?.destroy());
    });
    // A chunked body that never gets its last chunk.
    const chunked = await loopback((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"status":"1",', () => res.socket?.destroy());
    });
    // Headers only, then the connection closes.
    const headless = await loopback((req) => req.socket.destroy());
    const transport = createNodeHttpTransport();
    try {
      for (const url of [short.url, chunked.url]) {
        await assert.rejects(transport.request(post(url)), (err: unknown) => {
          assert.ok(err instanceof HaiPayConnectionError, String(err));
          assert.match(err.message, /The answer from http:\/\/127\.0\.0\.1:\d+ was cut off/);
          return true;
        });
      }
      await assert.rejects(transport.request(post(headless.url)), HaiPayConnectionError);
    } finally {
      await short.close();
      await chunked.close();
      await headless.close();
    }
    // Nobody listens on a closed port.
    const gone = await loopback(() => undefined);
    await gone.close();
    await assert.rejects(transport.request(post(gone.url)), (err: unknown) => {
      assert.ok(err instanceof HaiPayConnectionError);
      assert.match(err.message, /^Could not reach http:\/\/127\.0\.0\.1:\d+: ECONNREFUSED$/);
      return true;
    });
  });

  it('decodes the body once, whole: a character split between two packets arrives intact', async () => {
    const text = '{"name":"สมชาย","note":"ผ่าน ✓ 😀"}';
    const bytes = Buffer.from(text, 'utf8');
    // Split inside the first Thai character (three bytes) and inside the emoji (four bytes).
    const cuts = [bytes.indexOf(0xe0) + 1, bytes.length - 4];
    const server = await loopback((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' });
      const parts = [bytes.subarray(0, cuts[0]), bytes.subarray(cuts[0], cuts[1]), bytes.subarray(cuts[1])];
      // Each part is flushed and given time to arrive on its own before the next one.
      const next = () => {
        const part = parts.shift();
        if (!part) return void res.end();
        res.write(part, () => setTimeout(next, 30));
      };
      next();
    });
    try {
      const { body } = await createNodeHttpTransport().request(post(server.url));
      assert.equal(body, text);
    } finally {
      await server.close();
    }
  });

  it('decodes gzip, deflate and brotli answers, and refuses an unknown encoding', async () => {
    const text = '{"status":"1","msg":"ยินดี"}';
    const encoders: Record<string, (b: string) => Buffer> = {
      gzip: (b) => gzipSync(b),
      deflate: (b) => deflateSync(b),
      br: (b) => brotliCompressSync(b),
      zstd: (b) => Buffer.from(b),
    };
    const server = await loopback((req, res) => {
      const coding = req.url!.split('/').pop()!;
      res.writeHead(200, { 'content-encoding': coding }).end(encoders[coding]!(text));
    });
    const transport = createNodeHttpTransport();
    try {
      for (const coding of ['gzip', 'deflate', 'br'])
        assert.equal((await transport.request(post(`${server.url}/${coding}`))).body, text, coding);
      await assert.rejects(transport.request(post(`${server.url}/zstd`)), (err: unknown) => {
        assert.ok(err instanceof HaiPayConnectionError);
        assert.match(err.message, /could not be decoded/);
        return true;
      });
    } finally {
      await server.close();
    }
  });

  it('speaks TLS to https: URLs and plain HTTP to http: URLs', async () => {
    // A raw TCP server shows what arrives first: a TLS handshake record (0x16) or an HTTP request line.
    const first: number[] = [];
    const raw = createTcpServer((s) => s.once('data', (d: Buffer) => (first.push(d[0]!), s.destroy())));
    await new Promise<void>((r) => raw.listen(0, '127.0.0.1', r));
    const { port } = raw.address() as AddressInfo;
    const transport = createNodeHttpTransport();
    try {
      await assert.rejects(transport.request(post(`http://127.0.0.1:${port}/`)), HaiPayConnectionError);
      await assert.rejects(transport.request(post(`https://127.0.0.1:${port}/`)), HaiPayConnectionError);
      assert.deepEqual(first, ['P'.charCodeAt(0), 0x16]);
    } finally {
      raw.close();
    }
  });

  it('verifies an https server against the tls.ca given, over one kept-alive connection', async (t) => {
    let dir: string | undefined;
    try {
      dir = mkdtempSync(join(tmpdir(), 'haipay-tls-'));
      execFileSync(
        'openssl',
        [
          'req',
          '-x509',
          '-newkey',
          'rsa:2048',
          '-nodes',
          '-days',
          '1',
          '-subj',
          '/CN=127.0.0.1',
          '-addext',
          'subjectAltName=IP:127.0.0.1',
          '-keyout',
          join(dir, 'key.pem'),
          '-out',
          join(dir, 'cert.pem'),
        ],
        { stdio: 'ignore' },
      );
    } catch {
      if (dir) rmSync(dir, { recursive: true, force: true });
      t.skip('openssl is not installed: no certificate for a TLS server');
      return;
    }
    const cert = readFileSync(join(dir, 'cert.pem'));
    const key = readFileSync(join(dir, 'key.pem'));
    rmSync(dir, { recursive: true, force: true });
    const sockets: Socket[] = [];
    const served: number[] = [];
    const server = createTlsServer({ cert, key }, (req, res) => {
      served.push(sockets.indexOf(req.socket));
      res.end('secure');
    });
    server.on('secureConnection', (s: Socket) => sockets.push(s));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const url = `https://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    try {
      const trusting = createNodeHttpTransport({ tls: { ca: cert } });
      for (let i = 0; i < 3; i++) assert.equal((await trusting.request(post(url))).body, 'secure');
      assert.deepEqual(served, [0, 0, 0]);
      // Without the CA, the self-signed certificate is refused: nothing is sent. Verification cannot be
      // switched off through `tls` either.
      const unverified = { rejectUnauthorized: false } as NodeHttpTransportOptions['tls'];
      for (const t of [createNodeHttpTransport(), createNodeHttpTransport({ tls: unverified })]) {
        await assert.rejects(t.request(post(url)), (err: unknown) => {
          assert.ok(err instanceof HaiPayConnectionError);
          assert.match(err.message, /DEPTH_ZERO_SELF_SIGNED_CERT|self.signed/i);
          return true;
        });
      }
      assert.equal(served.length, 3);
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });

  it('refuses options it cannot use', () => {
    assert.throws(() => createNodeHttpTransport({ maxSockets: 0 }), HaiPayConfigError);
    assert.throws(() => createNodeHttpTransport({ maxSockets: 1.5 }), HaiPayConfigError);
    assert.throws(() => createNodeHttpTransport({ idleTimeoutMs: -1 }), HaiPayConfigError);
  });
});

describe('HaiPayClient on its default transport', () => {
  let sandbox: Sandbox;
  let options: HaiPayClientOptions;
  before(async () => {
    sandbox = await createSandbox();
    const merchants: HaiPayClientOptions['merchants'] = {};
    for (const m of sandbox.config.merchants) {
      merchants[m.currency] = { appId: m.appId, secretKey: m.secretKey, privateKey: m.privateKey! };
    }
    options = {
      baseUrl: sandbox.url,
      merchants,
      platformPublicKey: sandbox.config.platform.publicKey,
      timeoutMs: 3000,
      retryDelayMs: 10,
    };
  });
  after(() => sandbox.close());

  it('applies and queries against the sandbox', async () => {
    const client = new HaiPayClient(options);
    const applied = await client.collectApply('THB', thbQrApply('M-transport-1'));
    const queried = await client.collectQuery('THB', { orderId: 'M-transport-1' });
    assert.equal(queried.orderNo, applied.orderNo);
    assert.equal(queried.status, 0);
    assert.equal((await client.accountLedger('THB')).availableBal, '0.00');
  });

  it('is the node:http transport: an answer cut off mid-body says so', async () => {
    const short = await loopback((_req, res) => {
      res.writeHead(200, { 'content-length': '100', 'content-type': 'application/json' });
      res.write('{"status":"1"', () => res.socket?.destroy());
    });
    try {
      const client = new HaiPayClient({
        ...options,
        baseUrl: short.url.replace(/\/x$/, ''),
        queryRetries: 0,
      });
      await assert.rejects(client.collectQuery('THB', { orderId: 'M-transport-2' }), (err: unknown) => {
        assert.ok(err instanceof HaiPayConnectionError, String(err));
        assert.match(err.message, /was cut off/);
        return true;
      });
    } finally {
      await short.close();
    }
  });
});
