/**
 * Transport figure: the client process's CPU per HTTP call with `createFetchTransport()` (undici) and
 * with `createNodeHttpTransport()` (node:http, keep-alive), sequential calls over loopback.
 *
 * The server runs in a child process, so only the caller's side is counted: building the request,
 * writing it, parsing the answer and decoding its body. It answers every POST with a body the size of
 * a HaiPay answer. The two transports take turns, five rounds of 1,000 calls each after a warm-up; the
 * figure is each one's median round.
 *
 * `pnpm exec tsx bench/transport-cpu.ts` prints the figures.
 */
import { fork } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { createFetchTransport, createNodeHttpTransport, type HttpTransport } from '@haipay-kit/express';

const CHILD_FLAG = '--transport-server';
const ROUNDS = 5;
const CALLS = 1000;

/** CPU ms per call of each transport, and fetch / node:http. */
export interface TransportCpuFigures {
  fetchCpuMs: number;
  nodeHttpCpuMs: number;
  ratio: number;
}

/** The child: a loopback server answering like HaiPay (about 600 bytes of signed JSON). */
function runServer(): void {
  const answer = JSON.stringify({
    status: '1',
    error: '00000000',
    msg: '',
    data: {
      orderId: 'M-1',
      orderNo: '62611281000001',
      payUrl: '',
      sign: 'x'.repeat(344),
      qrCode: 'y'.repeat(120),
    },
  });
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => res.writeHead(200, { 'content-type': 'application/json' }).end(answer));
  });
  server.listen(0, '127.0.0.1', () => process.send?.({ port: (server.address() as AddressInfo).port }));
  process.on('disconnect', () => server.close(() => process.exit(0)));
}

/** Measures both transports against a server in a child process. */
export async function transportCpuFigures(): Promise<TransportCpuFigures> {
  const child = fork(fileURLToPath(import.meta.url), [CHILD_FLAG], {
    execArgv: ['--conditions=@haipay-kit/source', '--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const { port } = await new Promise<{ port: number }>((resolve) =>
    child.once('message', (m) => resolve(m as { port: number })),
  );
  const url = `http://127.0.0.1:${port}/thb/collect/query`;
  const body = JSON.stringify({ appId: 1054, orderId: 'M-1', sign: 'z'.repeat(344) });
  const call = (t: HttpTransport) =>
    t.request({
      url,
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body,
      timeoutMs: 5000,
    });
  const round = async (t: HttpTransport, calls: number) => {
    const before = process.cpuUsage();
    for (let i = 0; i < calls; i++) await call(t);
    const used = process.cpuUsage(before);
    return (used.user + used.system) / 1000 / calls;
  };
  const transports = { fetch: createFetchTransport(), nodeHttp: createNodeHttpTransport() };
  const rounds: Record<keyof typeof transports, number[]> = { fetch: [], nodeHttp: [] };
  try {
    for (const t of Object.values(transports)) await round(t, 500);
    for (let r = 0; r < ROUNDS; r++) {
      for (const [name, t] of Object.entries(transports)) {
        rounds[name as keyof typeof transports].push(await round(t, CALLS));
      }
    }
  } finally {
    child.disconnect();
  }
  const median = (xs: number[]) => xs.sort((a, b) => a - b)[xs.length >> 1]!;
  const fetchCpuMs = median(rounds.fetch);
  const nodeHttpCpuMs = median(rounds.nodeHttp);
  return { fetchCpuMs, nodeHttpCpuMs, ratio: fetchCpuMs / nodeHttpCpuMs };
}

if (process.argv.includes(CHILD_FLAG)) {
  runServer();
} else if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const f = await transportCpuFigures();
  console.log(`transport.fetch.cpuMsPerCall     ${f.fetchCpuMs.toFixed(3)} ms`);
  console.log(`transport.nodeHttp.cpuMsPerCall  ${f.nodeHttpCpuMs.toFixed(3)} ms`);
  console.log(`fetch / node:http                ${f.ratio.toFixed(2)}`);
  process.exit(0);
}
