/**
 * The machine's reference figures, measured in the same run as the router's figures and interleaved
 * with them:
 *
 * - the bare webhook: an Express 5 app in a process of its own whose one route is `express.json()` and
 *   one SQLite insert (WAL, `synchronous = FULL`: one fsync per commit) into a file on the same disk as
 *   the router's database — what any webhook that stores what it receives costs here;
 * - the disk's fsync latency: a 4 KB append followed by fsync, on the same directory, in a loop.
 *
 * (The RSA reference is measured inside the router process: see bench/server.ts, `rsa`.)
 */
import express from 'express';
import { closeSync, fsyncSync, openSync, writeSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { SqlitePaymentStore } from '@haipay-kit/express/sqlite';
import { CHILD_FLAG, serveChild, startChild, usage, type Child } from './children.js';

/** Starts the bare webhook process with its database at `dbFile`; `url` is its route. */
export async function startWebhookReference(
  dbFile: string,
  straceFile?: string,
): Promise<{ child: Child; url: string; eventsBase: string }> {
  const child = await startChild(fileURLToPath(import.meta.url), {
    init: { dbFile },
    ...(straceFile ? { straceFile } : {}),
  });
  const url = String(child.ready.url);
  return { child, url, eventsBase: url.replace(/\/notify$/, '/events') };
}

/**
 * Times `samples` rounds of "append 4 KB, fsync" on `file`; returns each round's time in ms.
 * A SQLite commit in WAL mode is about this: a page or two appended to the log, then one fsync.
 */
export function fsyncLatencies(file: string, samples: number): number[] {
  const fd = openSync(file, 'a');
  const page = Buffer.alloc(4096, 0x61);
  const out: number[] = [];
  try {
    for (let i = 0; i < samples; i++) {
      const t0 = performance.now();
      writeSync(fd, page);
      fsyncSync(fd);
      out.push(performance.now() - t0);
    }
  } finally {
    closeSync(fd);
  }
  return out;
}

if (process.argv.includes(CHILD_FLAG)) {
  await serveChild<{ dbFile: string }>(async ({ dbFile }) => {
    // The kit's SQLite driver and file handling, through the store's own handle; the reference writes
    // only to a table of its own, with the journal settings stated here whatever the store's are.
    const store = new SqlitePaymentStore({ filename: dbFile });
    const db = store.db;
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.exec(
      'CREATE TABLE IF NOT EXISTS received (id INTEGER PRIMARY KEY, order_id TEXT, received_at TEXT, body TEXT)',
    );
    const insert = db.prepare('INSERT INTO received (order_id, received_at, body) VALUES (?, ?, ?)');
    const app = express();
    app.post('/notify', express.json(), (req, res) => {
      const body = req.body as { orderId?: unknown };
      insert.run(String(body.orderId), new Date().toISOString(), JSON.stringify(body));
      res.type('text/plain').send('SUCCESS');
    });
    // The bare status stream: the smallest Express route that keeps a server-sent-events response open.
    const open = new Set<express.Response>();
    app.get('/events/:id', (req, res) => {
      res.set({ 'Content-Type': 'text/event-stream; charset=utf-8', 'Cache-Control': 'no-store' });
      res.flushHeaders();
      res.write(`event: status\nid: 1\ndata: {"orderId":${JSON.stringify(req.params.id)}}\n\n`);
      open.add(res);
      res.on('close', () => open.delete(res));
    });
    const server = app.listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    return {
      ready: { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/notify` },
      handlers: {
        usage,
        gcHeap: () => {
          (globalThis as { gc?: () => void }).gc?.();
          return usage();
        },
      },
      async close() {
        for (const res of open) res.end();
        server.closeAllConnections();
        await new Promise((r) => server.close(r));
        await store.close();
      },
    };
  });
}
