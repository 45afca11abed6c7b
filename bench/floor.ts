/**
 * The floor of a checkout: the least a careful hand-written checkout route can do for one PromptPay
 * payment, in a process of its own, measured interleaved with the router's checkouts at the same
 * concurrency. It is what the router's CPU per checkout is compared with, besides one RSA signature.
 *
 * One Express 5 route with `express.json()`: the order id minted, the reserved order inserted into
 * SQLite (WAL, `synchronous = NORMAL`) and the -wal file fdatasync'd before HaiPay hears of it (a retry
 * after a crash must find it), the collect apply signed (HaiPay's string to sign, RSA-2048, keys
 * parsed once), sent over a keep-alive `node:http` agent, the answer's envelope checked and its
 * signature verified, HaiPay's number and the status written in one UPDATE, and the answer sent.
 * Nothing else: no validation of the buyer's fields, no idempotency key, no browser guard, no log, no
 * hook, no status stream, no metrics — which is what the router adds on top.
 */
import express from 'express';
import { randomBytes } from 'node:crypto';
import { closeSync, fdatasyncSync, openSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { parseJsonLossless, scalarText, toPlain, type LosslessObject } from '@haipay-kit/protocol';
import { createSigner, createVerifier } from '@haipay-kit/protocol/node';
import { SqlitePaymentStore } from '@haipay-kit/express/sqlite';
import { CHILD_FLAG, serveChild, startChild, usage, type Child } from './children.js';

/** What the floor process is started with. */
export interface FloorInit {
  sandboxUrl: string;
  appId: number;
  privateKey: string;
  secretKey: string;
  platformPublicKey: string;
  dbFile: string;
}

/** Starts the floor process; `base` takes `POST /payments` like the router's mount point. */
export async function startFloorReference(init: FloorInit): Promise<{ child: Child; base: string }> {
  const child = await startChild(fileURLToPath(import.meta.url), { init });
  return { child, base: String(child.ready.base) };
}

if (process.argv.includes(CHILD_FLAG)) {
  await serveChild<FloorInit>(async (init) => {
    const store = new SqlitePaymentStore({ filename: init.dbFile });
    const db = store.db;
    db.exec(
      `CREATE TABLE IF NOT EXISTS floor_orders (order_id TEXT PRIMARY KEY, status TEXT NOT NULL,
         order_no TEXT, created_at TEXT NOT NULL)`,
    );
    const insert = db.prepare("INSERT INTO floor_orders VALUES (?, 'unknown', NULL, ?)");
    const update = db.prepare("UPDATE floor_orders SET status = 'pending', order_no = ? WHERE order_id = ?");
    const wal = openSync(`${init.dbFile}-wal`, 'r');
    const signer = createSigner({ privateKey: init.privateKey, secretKey: init.secretKey });
    const verifier = createVerifier({ publicKey: init.platformPublicKey, secretKey: init.secretKey });
    const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
    const target = new URL(`${init.sandboxUrl}/thb/collect/apply`);

    const post = (body: string) =>
      new Promise<string>((resolve, reject) => {
        const req = http.request(
          target,
          { method: 'POST', agent, headers: { 'content-type': 'application/json' } },
          (res) => {
            const chunks: Buffer[] = [];
            res.on('data', (c: Buffer) => chunks.push(c));
            res.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
            res.on('error', reject);
          },
        );
        req.on('error', reject);
        req.end(body);
      });

    const app = express();
    app.post('/floor/payments', express.json(), async (req, res) => {
      try {
        const orderId = `fl_${randomBytes(12).toString('base64url')}`;
        insert.run(orderId, new Date().toISOString());
        fdatasyncSync(wal);
        const b = req.body as { name: string; email: string; phone: string };
        const body = signer.signParams({
          appId: init.appId,
          orderId,
          name: b.name,
          phone: b.phone,
          email: b.email,
          amount: '100.00',
          payType: 'QR',
          inBankCode: 'QR',
          callBackUrl: 'https://shop.example/thanks',
          callBackFailUrl: 'https://shop.example/thanks',
          notifyUrl: 'https://shop.example/haipay/notify',
          subject: 'Bench order',
          partnerUserId: 'u-bench',
        });
        const rawAnswer = await post(JSON.stringify(body));
        const answer = parseJsonLossless(rawAnswer) as LosslessObject;
        const data = answer.data as LosslessObject | undefined;
        if (scalarText(answer.status) !== '1' || !data || !verifier.verify(data))
          throw new Error('HaiPay refused or the answer did not verify');
        const orderNo = String((toPlain(data) as { orderNo?: unknown }).orderNo);
        update.run(orderNo, orderId);
        res.status(201).json({ orderId, orderNo, status: 'pending' });
      } catch (err) {
        res.status(502).json({ error: (err as Error).message });
      }
    });
    const server = app.listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    return {
      ready: { base: `http://127.0.0.1:${(server.address() as AddressInfo).port}/floor` },
      handlers: { usage },
      async close() {
        server.closeAllConnections();
        await new Promise((r) => server.close(r));
        agent.destroy();
        closeSync(wal);
        await store.close();
      },
    };
  });
}
