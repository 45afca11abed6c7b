/**
 * `npm run demo` (scripts/demo.sh) starts this: the Saeng Coffee demo shop with the HaiPay router and
 * the sandbox gateway on one port. `PORT` (default 4010), `HOST`, `PUBLIC_URL` and `DEMO_DATA_DIR` are
 * honoured; `--dev` serves the storefront through Vite with hot reload.
 */
import { startDemoServer } from './server/app.js';

const port = process.env.PORT ? Number(process.env.PORT) : 4010;
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`[demo] PORT must be a port number, not "${process.env.PORT}".`);
  process.exit(1);
}

try {
  const demo = await startDemoServer({
    port,
    ...(process.env.HOST ? { host: process.env.HOST } : {}),
    ...(process.env.PUBLIC_URL ? { publicUrl: process.env.PUBLIC_URL } : {}),
    ...(process.env.DEMO_DATA_DIR ? { dataDir: process.env.DEMO_DATA_DIR } : {}),
    dev: process.argv.includes('--dev'),
  });
  console.log(`
  Saeng Coffee Roasters — HaiPay checkout kit demo

    Shop          ${demo.url}/
    Back office   ${demo.url}/admin
    Bank app      ${demo.url}/bank-app   (pays a PromptPay QR or a virtual account)

  Test cards: 4242 4242 4242 4242 pays · 4000 0566 5566 5556 asks for 3-D Secure · 4000 0000 0000 9995 is declined
  Everything runs against the local HaiPay sandbox; no real money moves. Ctrl+C to stop.
`);
  const stop = () => {
    void demo.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
} catch (err) {
  const e = err as NodeJS.ErrnoException;
  if (e.code === 'EADDRINUSE') console.error(`[demo] Port ${port} is in use. Try PORT=4011 npm run demo`);
  else console.error('[demo] could not start:', e);
  process.exit(1);
}
