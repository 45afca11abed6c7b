/**
 * The demo's admin token. On loopback (the default) the demo is reachable from this computer only and
 * nothing asks for it. Bound beyond loopback (`HOST=0.0.0.0`, a LAN address…) — or whenever
 * `HAIPAY_ADMIN_TOKEN` is set — the back office (`/admin` and `/api/admin/…`), the sandbox control
 * API (`/_sandbox/…`) and the bank app's Pay/Decline (`POST /bank-app`) need it, because each of them
 * reads buyers' details or moves (sandbox) money. The shop, the HaiPay router's browser API and the
 * hosted pages a shopper's browser opens (3-D Secure, cashier, wallets, the bank-app page itself) stay
 * open.
 *
 * The token travels as an HttpOnly, SameSite=Strict cookie set by the start-up banner's
 * `/admin?token=…` (or `/bank-app?token=…`) link, or as `Authorization: Bearer <token>`. It is
 * compared in constant time (SHA-256 of both sides, then `timingSafeEqual`).
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { NextFunction, Request, RequestHandler, Response } from 'express';

const COOKIE = 'haipay_demo_admin';
const TOKEN_RE = /^[\x21-\x7e]{32,512}$/;

/** True for hosts only this computer reaches: `127.0.0.0/8`, `::1`, `localhost`. */
export function isLoopbackHost(host: string): boolean {
  const h = host
    .trim()
    .toLowerCase()
    .replace(/^\[(.*)\]$/, '$1');
  return (
    h === 'localhost' || h === '::1' || /^127(\.\d{1,3}){3}$/.test(h) || /^::ffff:127(\.\d{1,3}){3}$/.test(h)
  );
}

/** The token to require: the given one (checked), a new random one beyond loopback, else none. */
export function adminTokenFor(host: string, given: string | undefined): string | undefined {
  if (given !== undefined) {
    if (!TOKEN_RE.test(given)) {
      throw Object.assign(
        new Error(
          'HAIPAY_ADMIN_TOKEN must be 32–512 printable ASCII characters without spaces ' +
            '(e.g. the output of `openssl rand -hex 32`).',
        ),
        { code: 'ERR_DEMO_ADMIN_TOKEN' },
      );
    }
    return given;
  }
  return isLoopbackHost(host) ? undefined : randomBytes(32).toString('base64url');
}

const SIGN_IN_PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>Sign-in needed — Saeng Coffee demo</title>
<style>body{margin:0;font:16px/1.5 system-ui,sans-serif;color:#1a1a1a;background:#f4f5f7}
main{max-width:32rem;margin:3rem auto;padding:1.5rem;background:#fff;border-radius:12px;box-shadow:0 1px 4px rgba(0,0,0,.12)}
h1{font-size:1.4rem;margin:0 0 1rem}code{overflow-wrap:anywhere}</style>
</head>
<body>
<main>
<h1>Sign-in needed</h1>
<p>This demo is reachable from other computers, so its back office, the sandbox bank app's Pay button
and the sandbox control API need the admin token.</p>
<p>Open the back-office link printed when the demo started (it ends in <code>/admin?token=…</code>) once
in this browser. API clients send <code>Authorization: Bearer &lt;token&gt;</code>.</p>
<p><a href="/">Back to the shop</a></p>
</main>
</body>
</html>
`;

const API_MESSAGE =
  'This demo is reachable from other computers: the back office and the sandbox control API need the ' +
  'admin token printed at start (Authorization: Bearer <token>, or open the /admin?token=… link once).';

export interface AdminGate {
  /** For pages: a valid `GET …?token=` sets the cookie and redirects to the URL without it; else passes. */
  signIn: RequestHandler;
  /** For JSON APIs: passes with the token, else 401 JSON. */
  api: RequestHandler;
  /** For pages and forms: passes with the token (or signs in from `?token=`), else the 401 sign-in page. */
  page: RequestHandler;
  /** Who is asking, for the admin API's `authorize`: the token holder, or false without the token. */
  actor: (req: Request) => 'admin-token' | false;
}

export function adminGate(token: string, options: { secureCookie: boolean }): AdminGate {
  const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest();
  const expected = digest(token);
  const matches = (given: string | undefined): boolean =>
    given !== undefined && given !== '' && timingSafeEqual(digest(given), expected);

  const fromCookie = (req: Request): string | undefined => {
    for (const part of (req.get('cookie') ?? '').split(';')) {
      const eq = part.indexOf('=');
      if (eq <= 0 || part.slice(0, eq).trim() !== COOKIE) continue;
      try {
        return decodeURIComponent(part.slice(eq + 1).trim());
      } catch {
        return undefined;
      }
    }
    return undefined;
  };
  const fromHeader = (req: Request): string | undefined =>
    /^Bearer\s+(\S+)\s*$/i.exec(req.get('authorization') ?? '')?.[1];
  const authorized = (req: Request) => matches(fromHeader(req)) || matches(fromCookie(req));

  const unauthorized = (res: Response) =>
    res.status(401).set({ 'Cache-Control': 'no-store', 'WWW-Authenticate': 'Bearer realm="haipay-demo"' });
  const denyPage = (res: Response) => void unauthorized(res).type('html').send(SIGN_IN_PAGE);
  const denyApi = (res: Response) =>
    void unauthorized(res).json({ error: { type: 'authentication_error', message: API_MESSAGE } });

  const signIn: RequestHandler = (req: Request, res: Response, next: NextFunction) => {
    const given = (req.query as Record<string, unknown>).token;
    if ((req.method !== 'GET' && req.method !== 'HEAD') || given === undefined) return next();
    if (typeof given !== 'string' || !matches(given)) return denyPage(res);
    // Relative target, so the Host header never decides where the browser goes; the token leaves the URL
    // (history, Referer) as soon as the cookie holds it.
    const target = new URL(req.originalUrl, 'http://demo.invalid');
    target.searchParams.delete('token');
    res.set('Cache-Control', 'no-store');
    res.cookie(COOKIE, token, {
      httpOnly: true,
      sameSite: 'strict',
      secure: options.secureCookie,
      path: '/',
    });
    res.redirect(303, `${target.pathname.replace(/^\/+/, '/')}${target.search}`);
  };

  return {
    signIn,
    api: (req, res, next) => (authorized(req) ? next() : denyApi(res)),
    page: (req, res, next) => (authorized(req) ? next() : signIn(req, res, () => denyPage(res))),
    actor: (req) => (authorized(req) ? 'admin-token' : false),
  };
}
