/**
 * The machine's reference figures, measured in the same run as the kit's figures so that each kit
 * figure can be read as a ratio: RSA-2048 signatures per second on one core, and a bare Express JSON
 * route's requests per second through the same load generator the router figures use.
 */
import { sign, generateKeyPairSync } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { closedLoop, request, type Figure } from './lib.js';

/** RSA-2048 SHA256WithRSA signs per second, one core, KeyObject built once (the signer's path). */
export function rsaSignPerSecond(durationMs = 2000): Figure {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const payload = Buffer.from('amount=100.00&appId=1054&orderId=M1&key=secret');
  for (let i = 0; i < 50; i++) sign('sha256', payload, privateKey);
  let n = 0;
  const start = performance.now();
  while (performance.now() - start < durationMs) {
    sign('sha256', payload, privateKey);
    n++;
  }
  return {
    name: 'reference.rsaSign.perSecond',
    value: n / ((performance.now() - start) / 1000),
    unit: 'signs/s',
    note: 'node:crypto sign, RSA-2048, one core',
  };
}

/** A bare Express 5 app with express.json() echoing a small body: requests per second. */
export async function expressJsonPerSecond(durationMs = 3000): Promise<Figure> {
  const app = express();
  app.use(express.json());
  app.post('/echo', (req, res) => {
    res.json({ ok: true, got: (req.body as { orderRef?: string }).orderRef });
  });
  const server = app.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/echo`;
  const body = JSON.stringify({ method: 'promptpay', orderRef: 'cart-1', name: 'Somchai Jaidee' });
  const r = await closedLoop(async () => (await request({ method: 'POST', url, body })).status === 200, {
    concurrency: 16,
    durationMs,
  });
  server.close();
  return {
    name: 'reference.expressJson.perSecond',
    value: r.perSecond,
    unit: 'req/s',
    note: 'bare express.json() route, same process and load generator as the router figures',
  };
}
