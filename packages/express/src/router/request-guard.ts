/**
 * What the router takes from a browser request before the checkout sees it, made safe: the buyer
 * context HaiPay's PCI-direct card API wants (IP, `User-Agent`, `Referer`), a bound on how deeply a JSON
 * body may nest, and the answers to body-parser failures. A hostile header or body never turns into a
 * server error or an ambiguous signed value.
 */
import { isSignSafe, SIGN_UNSAFE_PATTERN } from '@haipay-kit/protocol/rules';
import { isHttpUrl } from '@haipay-kit/protocol';
import type { RequestContext } from '../checkout/index.js';
import { normalizeIp } from './limits.js';

/** Longest `User-Agent` forwarded to HaiPay; browsers send 100–300 characters. */
const USER_AGENT_MAX = 512;
const IPV4_RE = /^(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/;

/**
 * The `User-Agent` as HaiPay may receive it: `&`, `=` and control characters become spaces (they
 * would make the string to sign ambiguous), runs of spaces collapse, at most 512 characters; empty
 * or missing → `unknown`.
 */
function cleanUserAgent(value: string | undefined): string {
  const cleaned = (value ?? '')
    .replace(new RegExp(SIGN_UNSAFE_PATTERN.source, 'g'), ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, USER_AGENT_MAX)
    .trim();
  return cleaned || 'unknown';
}

/**
 * The buyer's payment page as HaiPay may receive it (`referer`): the `Referer` without its query and
 * fragment (they carry the shop's own parameters, and `&`/`=`), when that is an absolute http(s) URL
 * that can be signed; else the request's `Origin`; else `fallback` (the router's public URL).
 */
function cleanReferer(referer: string | undefined, origin: string | undefined, fallback: string): string {
  const parse = (value: string | undefined): URL | null => {
    if (!value) return null;
    try {
      const url = new URL(value);
      return url.protocol === 'https:' || url.protocol === 'http:' ? url : null;
    } catch {
      return null;
    }
  };
  const page = parse(referer);
  if (page) {
    const text = `${page.origin}${page.pathname}`;
    if (isHttpUrl(text) && isSignSafe(text)) return text;
  }
  const site = parse(origin) ?? page;
  if (site && isHttpUrl(site.origin) && isSignSafe(site.origin)) return site.origin;
  return fallback;
}

/** The client IP as HaiPay's `customerIp` accepts it (IPv4, or an IPv6 text form), else `0.0.0.0`. */
function cleanIp(ip: string | undefined): string {
  const n = normalizeIp(ip);
  return IPV4_RE.test(n) || /^[0-9A-Fa-f:.]{2,45}$/.test(n) ? n : '0.0.0.0';
}

/** The request facts the checkout forwards, each made safe. */
export function requestContext(
  headers: { ip?: string; userAgent?: string; referer?: string; origin?: string },
  fallbackReferer: string,
): RequestContext {
  return {
    ip: cleanIp(headers.ip),
    userAgent: cleanUserAgent(headers.userAgent),
    referer: cleanReferer(headers.referer, headers.origin, fallbackReferer),
  };
}

/** Deepest nesting a browser body may have (the contract's bodies are flat). */
export const MAX_BODY_DEPTH = 8;

/**
 * True when `value` nests objects or arrays deeper than `max`. Iterative, so a 100,000-deep body
 * cannot overflow the stack here either.
 */
export function nestedDeeperThan(value: unknown, max: number): boolean {
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length > 0) {
    const [v, depth] = stack.pop()!;
    if (v === null || typeof v !== 'object') continue;
    if (depth >= max) return true;
    for (const child of Object.values(v as Record<string, unknown>)) stack.push([child, depth + 1]);
  }
  return false;
}

/**
 * The HTTP answer for an error raised by a body parser (body-parser's `type`/`status`), or null when
 * the error is not one: `413` too large, `415` unsupported charset or encoding, `400` for the rest.
 */
export function parserErrorAnswer(err: unknown): { status: number; type: string; message: string } | null {
  const e = err as { type?: unknown; status?: unknown; statusCode?: unknown } | null;
  if (!e || typeof e !== 'object' || typeof e.type !== 'string') return null;
  const status = Number(e.status ?? e.statusCode);
  switch (e.type) {
    case 'entity.too.large':
      return { status: 413, type: 'payload_too_large', message: 'The request body is too large.' };
    case 'entity.parse.failed':
      return { status: 400, type: 'invalid_json', message: 'The body is not valid JSON.' };
    case 'charset.unsupported':
      return { status: 415, type: 'unsupported_charset', message: 'Send the body as UTF-8.' };
    case 'encoding.unsupported':
      return { status: 415, type: 'unsupported_encoding', message: 'Unsupported Content-Encoding.' };
    default:
      if (status >= 400 && status < 500)
        return { status, type: 'invalid_request', message: 'The request body could not be read.' };
      return null;
  }
}
