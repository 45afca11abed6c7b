/**
 * `npm run demo` (scripts/demo.sh) starts this: the Saeng Coffee demo shop with the HaiPay router and
 * the sandbox gateway on one port. `PORT` (default 4010), `HOST` (default 127.0.0.1), `PUBLIC_URL`,
 * `DEMO_DATA_DIR`, `DEMO_CARD_MODE` (`direct`, the default, or `hosted`: cards on the sandbox's card
 * page) and `HAIPAY_ADMIN_TOKEN` are honoured; `--dev` serves the storefront through Vite
 * with hot reload. Bound beyond loopback, the back office, the sandbox control API and bank-app
 * payments need the admin token printed in the banner. Refuses to start under NODE_ENV=production.
 */
import { networkInterfaces } from 'node:os';
import { startDemoServer } from './server/app.js';
import { isLoopbackHost } from './server/admin-auth.js';

const port = process.env.PORT ? Number(process.env.PORT) : 4010;
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`[demo] PORT must be a port number, not "${process.env.PORT}".`);
  process.exit(1);
}

/** `DEMO_CARD_MODE`: `hosted` or `direct`; anything else stops the demo with the fix. */
function cardModeFrom(value: string): 'hosted' | 'direct' {
  if (value === 'hosted' || value === 'direct') return value;
  console.error(`[demo] DEMO_CARD_MODE must be "hosted" or "direct", not "${value}".`);
  process.exit(1);
}

/** This computer's first non-loopback IPv4 address, for the "from another device" hint. */
function lanAddress(): string | undefined {
  for (const list of Object.values(networkInterfaces()))
    for (const a of list ?? []) if (a.family === 'IPv4' && !a.internal) return a.address;
  return undefined;
}

try {
  const envToken = process.env.HAIPAY_ADMIN_TOKEN || undefined;
  const demo = await startDemoServer({
    port,
    ...(process.env.HOST ? { host: process.env.HOST } : {}),
    ...(envToken ? { adminToken: envToken } : {}),
    ...(process.env.PUBLIC_URL ? { publicUrl: process.env.PUBLIC_URL } : {}),
    ...(process.env.DEMO_DATA_DIR ? { dataDir: process.env.DEMO_DATA_DIR } : {}),
    ...(process.env.DEMO_CARD_MODE ? { cardMode: cardModeFrom(process.env.DEMO_CARD_MODE) } : {}),
    dev: process.argv.includes('--dev'),
  });
  // A generated token is printed once, here, inside the sign-in links; one from the environment is not echoed.
  const signIn = demo.adminToken
    ? `?token=${envToken ? '$HAIPAY_ADMIN_TOKEN' : encodeURIComponent(demo.adminToken)}`
    : '';
  const lan = lanAddress();
  const wide = !isLoopbackHost(demo.host);
  const notes = [
    ...(demo.adminToken
      ? [
          `  ${wide ? `Listening on ${demo.host}, reachable from other computers` : 'HAIPAY_ADMIN_TOKEN is set'}: the back office,`,
          "  the sandbox control API (/_sandbox/…) and the bank app's Pay button need the admin token. Each link",
          '  above signs its browser in (HttpOnly cookie); API clients send "Authorization: Bearer <token>".',
          '  Keep the links private.',
        ]
      : []),
    ...(wide && !process.env.PUBLIC_URL && lan && ['0.0.0.0', '::'].includes(demo.host)
      ? [`  From another device: http://${lan}:${demo.port}/ (set PUBLIC_URL to it to check out there).`]
      : []),
  ];
  console.log(`
  Saeng Coffee Roasters — HaiPay checkout kit demo

    Shop          ${demo.url}/
    Back office   ${demo.url}/admin${signIn}
    Bank app      ${demo.url}/bank-app${signIn}   (pays a PromptPay QR or a virtual account)
${notes.length ? `\n${notes.join('\n')}\n` : ''}
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
  else if (e.code?.startsWith('ERR_DEMO_') || e.code === 'ERR_SANDBOX_IN_PRODUCTION')
    console.error(`[demo] ${e.message}`);
  else console.error('[demo] could not start:', e);
  process.exit(1);
}
