/**
 * Rate limiting of the router's routes: the create routes per client through express-rate-limit, and
 * refused notifications on `/notify` counted in the same kind of store, only when refused. IPv6 clients
 * are keyed by their /64 (one household or phone gets a whole /64, so keying single addresses lets one
 * client rotate through billions of keys). A shared `store` (e.g. `rate-limit-redis`,
 * `@acpr/rate-limit-postgresql`) makes a limit hold across several instances; a merchant may also pass
 * their own middleware instead.
 *
 * Behind a proxy, the client is `req.ip`, i.e. whatever Express's `trust proxy` setting makes of
 * `X-Forwarded-For`: set it to your proxy's address, never to `true` (docs/guide.md "Behind a proxy").
 */
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { MemoryStore, ipKeyGenerator, rateLimit, type Store } from 'express-rate-limit';
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

/** The window, maximum and store of a rate-limit option given as settings, checked. */
function resolveLimit(
  option: RateLimitOptions | undefined,
  defaults: Required<Pick<RateLimitOptions, 'windowMs' | 'max'>> & { name: string },
): { windowMs: number; max: number; store: Store | undefined } {
  const o = option ?? {};
  const windowMs = o.windowMs ?? defaults.windowMs;
  const max = o.max ?? defaults.max;
  if (!(Number.isFinite(windowMs) && windowMs > 0 && Number.isInteger(max) && max > 0)) {
    throw new HaiPayConfigError(
      `createHaiPayRouter: \`${defaults.name}\` needs a positive \`windowMs\` and an integer \`max\` ≥ 1 (or false, or your own middleware).`,
    );
  }
  return { windowMs, max, store: o.store };
}

/**
 * Builds the middleware for a rate-limit option. `answer` writes the refusal (JSON for the browser
 * routes, plain text for `/notify`).
 */
export function createLimiter(
  option: RateLimitOption | undefined,
  defaults: Required<Pick<RateLimitOptions, 'windowMs' | 'max'>> & { name: string },
  answer: (res: Response, retryAfterSeconds: number) => void,
  logger: Logger,
): RequestHandler {
  if (option === false) return (_req: Request, _res: Response, next: NextFunction) => next();
  if (typeof option === 'function') return option;
  const { windowMs, max, store } = resolveLimit(option, defaults);
  return rateLimit({
    windowMs,
    limit: max,
    ...(store ? { store } : {}),
    standardHeaders: 'draft-7',
    legacyHeaders: false,
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

/** A limit that counts refusals only: see {@link createRefusalLimiter}. */
export interface RefusalLimiter {
  /** Refuses (with `answer`) a client refused `max` times in the window; lets every other request on. */
  check: RequestHandler;
  /** Counts one refusal against the request's client. */
  refused(req: Request): void;
}

/**
 * A limit on refusals only (`/notify`): a client refused `max` times within `windowMs` is turned away
 * before its body is read, and a request answered well costs one look-up, not a count taken and given
 * back. Counts live in the option's `store` (shared by your instances; it must have `get`, as
 * express-rate-limit's MemoryStore and rate-limit-redis 4 do) or this process's
 * memory. A store that fails lets requests through (logged): HaiPay's deliveries are never refused
 * because the counter is down.
 */
export function createRefusalLimiter(
  option: RateLimitOption | undefined,
  defaults: Required<Pick<RateLimitOptions, 'windowMs' | 'max'>> & { name: string },
  answer: (res: Response, retryAfterSeconds: number) => void,
  logger: Logger,
): RefusalLimiter {
  const none = { refused: () => undefined };
  if (option === false) return { ...none, check: (_req, _res, next) => next() };
  if (typeof option === 'function') return { ...none, check: option };
  const { windowMs, max, store } = resolveLimit(option, defaults);
  const counter: Store = store ?? new MemoryStore();
  if (typeof counter.get !== 'function') {
    throw new HaiPayConfigError(
      `createHaiPayRouter: \`${defaults.name}.store\` must implement get(key) (it counts refusals and looks them up).`,
    );
  }
  const get = counter.get.bind(counter);
  void Promise.resolve(counter.init?.({ windowMs, limit: max } as Parameters<NonNullable<Store['init']>>[0]));
  const failed = (err: unknown) =>
    logger.error('haipay rate limit store failed', { message: String((err as Error)?.message ?? err) });
  return {
    check: (req, res, next) => {
      Promise.resolve(get(clientKey(req.ip))).then(
        (info) => {
          if (info && info.totalHits >= max) {
            const reset = info.resetTime?.getTime();
            answer(
              res,
              reset ? Math.max(1, Math.ceil((reset - Date.now()) / 1000)) : Math.ceil(windowMs / 1000),
            );
          } else next();
        },
        (err: unknown) => {
          failed(err);
          next();
        },
      );
    },
    refused: (req) => {
      Promise.resolve(counter.increment(clientKey(req.ip))).catch(failed);
    },
  };
}
