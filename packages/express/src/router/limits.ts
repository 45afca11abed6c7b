/**
 * Rate limiting of the router's routes through express-rate-limit: the create routes per client, and
 * refused notifications on `/notify`. IPv6 clients are keyed by their /64 (one household or phone gets
 * a whole /64, so keying single addresses lets one client rotate through billions of keys). A shared
 * `store` (e.g. `rate-limit-redis`, `@acpr/rate-limit-postgresql`) makes the limit hold across several
 * instances; a merchant may also pass their own middleware instead.
 *
 * Behind a proxy, the client is `req.ip`, i.e. whatever Express's `trust proxy` setting makes of
 * `X-Forwarded-For`: set it to your proxy's address, never to `true` (docs/guide.md "Behind a proxy").
 */
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { ipKeyGenerator, rateLimit, type Store } from 'express-rate-limit';
import { HaiPayConfigError } from '../errors.js';
import type { Logger } from '../logger.js';

/** A rate limit: a window and a maximum, optionally counted in a store shared by your instances. */
export interface RateLimitOptions {
  /** Window length in ms. */
  windowMs?: number;
  /** Requests allowed per client and window. */
  max?: number;
  /** An express-rate-limit `Store` shared by all instances (default: in this process's memory). */
  store?: Store;
}

/** A rate-limit option: settings, your own middleware, or `false` to disable. */
export type RateLimitOption = RateLimitOptions | RequestHandler | false;

/** `127.0.0.1` for `::ffff:127.0.0.1`; the address itself otherwise (`0.0.0.0` when unknown). */
export function normalizeIp(ip: string | undefined): string {
  if (!ip) return '0.0.0.0';
  return ip.startsWith('::ffff:') ? ip.slice(7) : ip;
}

/** The key a client is counted under: its IPv4 address, or its IPv6 /64. */
export function clientKey(ip: string | undefined): string {
  return ipKeyGenerator(normalizeIp(ip), 64);
}

/**
 * Builds the middleware for a rate-limit option. `answer` writes the refusal (JSON for the browser
 * routes, plain text for `/notify`).
 */
export function createLimiter(
  option: RateLimitOption | undefined,
  defaults: Required<Pick<RateLimitOptions, 'windowMs' | 'max'>> & {
    /** Counts only the requests for which this is true once answered (default: every request). */
    counts?: (req: Request, res: Response) => boolean;
    name: string;
  },
  answer: (res: Response, retryAfterSeconds: number) => void,
  logger: Logger,
): RequestHandler {
  if (option === false) return (_req: Request, _res: Response, next: NextFunction) => next();
  if (typeof option === 'function') return option;
  const o = option ?? {};
  const windowMs = o.windowMs ?? defaults.windowMs;
  const max = o.max ?? defaults.max;
  if (!(Number.isFinite(windowMs) && windowMs > 0 && Number.isInteger(max) && max > 0)) {
    throw new HaiPayConfigError(
      `createHaiPayRouter: \`${defaults.name}\` needs a positive \`windowMs\` and an integer \`max\` ≥ 1 (or false, or your own middleware).`,
    );
  }
  return rateLimit({
    windowMs,
    limit: max,
    ...(o.store ? { store: o.store } : {}),
    standardHeaders: 'draft-7',
    legacyHeaders: false,
    ...(defaults.counts
      ? {
          skipSuccessfulRequests: true,
          requestWasSuccessful: (req: Request, res: Response) => !defaults.counts!(req, res),
        }
      : {}),
    keyGenerator: (req) => clientKey(req.ip),
    handler: (req, res) => {
      const reset = (req as Request & { rateLimit?: { resetTime?: Date } }).rateLimit?.resetTime;
      answer(res, reset ? Math.max(1, Math.ceil((reset.getTime() - Date.now()) / 1000)) : 60);
    },
    // express-rate-limit's own checks (e.g. `trust proxy: true`) report through the kit's logger.
    validate: { default: true, keyGeneratorIpFallback: false },
    logger: {
      error: (err: unknown) =>
        logger.error('haipay rate limit', { message: String((err as Error)?.message ?? err) }),
      warn: (msg: unknown) => logger.warn('haipay rate limit', { message: String(msg) }),
    },
  });
}
