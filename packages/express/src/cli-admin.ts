/**
 * `haipay orders --url` — reads the orders from a running admin API (`createHaiPayAdminRouter`) instead
 * of a store file, with the same filters, following its opaque `nextCursor` page by page.
 *
 * The admin router's `authorize(req, action)` is the merchant's own, so the CLI sends whatever
 * credential it checks: `--header 'Authorization: Bearer …'` (repeatable) or `HAIPAY_ADMIN_HEADER`
 * (one header per line), which keeps the credential out of shell history. A credential never travels
 * in clear text beyond this computer: `http://` is refused for any host but loopback unless
 * `--allow-http`, and a redirect is never followed (it could carry the header elsewhere). No header
 * value ever appears in an error message.
 */
import type { OrderQuery } from './store/order-query.js';
import type { PaymentRecord } from './store/types.js';

/** Where `orders --url` reads from: the admin API's base URL and the headers every request carries. */
export interface AdminSource {
  base: URL;
  headers: Record<string, string>;
}

/** The flags and environment that name an admin API. */
export interface AdminSourceFlags {
  url?: string;
  header?: string[];
  'allow-http'?: boolean;
}

/** Orders asked per page; fewer when the admin router's `maxPageSize` is smaller. */
const PAGE_SIZE = 100;
/** How long one page may take. */
const TIMEOUT_MS = 30_000;
const TOKEN_RE = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
// eslint-disable-next-line no-control-regex -- control characters are what it refuses
const CONTROL_RE = /[\u0000-\u0008\u000a-\u001f\u007f]/;

/** True for a host name that can only be this computer. */
function isLoopback(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '[::1]' || /^127(?:\.\d{1,3}){3}$/.test(hostname);
}

/** Parses `Name: value` lines; the message of a bad one names where it came from, never its value. */
function parseHeaders(lines: readonly string[], from: string, usage: (m: string) => Error) {
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(':');
    const name = line.slice(0, colon).trim();
    const value = line.slice(colon + 1).trim();
    if (colon < 1 || !TOKEN_RE.test(name) || value === '' || CONTROL_RE.test(value))
      throw usage(`${from} must be "Name: value", e.g. "Authorization: Bearer <token>" (one header each).`);
    headers[name.toLowerCase()] = value;
  }
  return headers;
}

/** The admin API `--url` names, checked, with the headers of `--header` and `HAIPAY_ADMIN_HEADER`. */
export function adminSource(
  flags: AdminSourceFlags,
  env: NodeJS.ProcessEnv,
  usage: (message: string) => Error,
): AdminSource {
  let base: URL;
  try {
    base = new URL(flags.url ?? '');
  } catch {
    throw usage('--url must be the admin API’s address, e.g. https://shop.example/admin/haipay.');
  }
  if (base.protocol !== 'https:' && base.protocol !== 'http:')
    throw usage('--url must be an https:// address (http:// only on this computer).');
  if (base.username || base.password)
    throw usage('--url must not hold a user or password; send the credential with --header.');
  if (base.protocol === 'http:' && !isLoopback(base.hostname) && !flags['allow-http'])
    throw usage(
      `--url is http:// to ${base.hostname}: the credential would cross the network in clear text. ` +
        'Use https://, or pass --allow-http if the connection is protected another way.',
    );
  base.search = '';
  base.hash = '';
  const fromEnv = (env.HAIPAY_ADMIN_HEADER ?? '').split(/\r?\n/).filter((l) => l.trim() !== '');
  return {
    base,
    headers: {
      ...parseHeaders(fromEnv, 'HAIPAY_ADMIN_HEADER', usage),
      ...parseHeaders(flags.header ?? [], '--header', usage),
    },
  };
}

/** The `GET /orders` parameters of a query (the admin API's names), without `limit` and `cursor`. */
function listParams(query: OrderQuery): URLSearchParams {
  const params = new URLSearchParams();
  if (query.status?.length) params.set('status', query.status.join(','));
  if (query.method?.length) params.set('method', query.method.join(','));
  if (query.kind) params.set('kind', query.kind);
  if (query.createdFrom) params.set('createdFrom', query.createdFrom);
  if (query.createdBefore) params.set('createdBefore', query.createdBefore);
  if (query.text) params.set('q', query.text);
  return params;
}

interface ErrorEnvelope {
  error?: { type?: unknown; message?: unknown; fields?: { field?: unknown; message?: unknown }[] };
}

/** What went wrong, from the admin API's error envelope (its per-field messages included). */
function describe(status: number, body: ErrorEnvelope | null): string {
  const e = body?.error;
  const fields = Array.isArray(e?.fields)
    ? e.fields.map((f) => `${String(f.field)}: ${String(f.message)}`).join('; ')
    : '';
  const text = [e?.type, e?.message].filter((v) => typeof v === 'string' && v).join(': ');
  return `${status}${text ? ` ${text}` : ''}${fields ? ` (${fields})` : ''}`;
}

/** One `GET /orders` page as the admin API answers it. */
async function getPage(source: AdminSource, params: URLSearchParams): Promise<Response> {
  const url = new URL(`${source.base.pathname.replace(/\/+$/, '')}/orders`, source.base);
  url.search = params.toString();
  try {
    return await fetch(url, {
      headers: { accept: 'application/json', ...source.headers },
      redirect: 'manual',
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
  } catch (err) {
    const cause = (err as Error & { cause?: { code?: string; message?: string } }).cause;
    const why =
      (err as Error).name === 'TimeoutError' ? 'no answer within 30 s' : (cause?.code ?? cause?.message);
    throw new Error(
      `could not reach the admin API at ${source.base.origin} (${why ?? (err as Error).message}).`,
      { cause: err },
    );
  }
}

/**
 * Reads at most `query.limit` orders from the admin API, newest first, following `nextCursor`. Each
 * is the stored record, as `orders --store` prints it (the API's `final` flag is left out).
 */
export async function fetchOrders(source: AdminSource, query: OrderQuery): Promise<PaymentRecord[]> {
  const wanted = query.limit ?? 50;
  const orders: PaymentRecord[] = [];
  let cursor: string | null = null;
  let pageSize = PAGE_SIZE;
  while (orders.length < wanted) {
    const params = listParams(query);
    params.set('limit', String(Math.min(pageSize, wanted - orders.length)));
    if (cursor) params.set('cursor', cursor);
    const res = await getPage(source, params);
    const type = res.headers.get('content-type') ?? '';
    const body = (type.includes('json') ? await res.json().catch(() => null) : null) as
      (ErrorEnvelope & { data?: unknown; nextCursor?: unknown }) | null;
    if (res.status === 400 && body?.error?.fields?.every((f) => f.field === 'limit') && pageSize > 1) {
      pageSize = Math.ceil(pageSize / 2); // the admin router's maxPageSize is smaller: ask for less
      continue;
    }
    if (res.status >= 300 && res.status < 400)
      throw new Error(
        `the admin API answered ${res.status}, a redirect, which is not followed (it could take the ` +
          'credential elsewhere): give --url the address the admin router is mounted on.',
      );
    if (res.status === 401 || res.status === 403)
      throw new Error(
        `the admin API refused: ${describe(res.status, body)}. Send the credential your authorize() ` +
          'checks with --header "Authorization: Bearer …" or HAIPAY_ADMIN_HEADER.',
      );
    if (!res.ok) throw new Error(`the admin API answered ${describe(res.status, body)}.`);
    if (!body || !Array.isArray(body.data))
      throw new Error(
        `${source.base.href} did not answer as the admin API does (${res.status}, ${type || 'no content type'}): ` +
          '--url is the path the admin router is mounted on.',
      );
    for (const order of body.data as (PaymentRecord & { final?: boolean })[]) {
      const { final: _final, ...record } = order;
      orders.push(record);
    }
    cursor = typeof body.nextCursor === 'string' ? body.nextCursor : null;
    if (!cursor || body.data.length === 0) break;
  }
  return orders.slice(0, wanted);
}
