/**
 * `POST /notify` — HaiPay's notifications. Server to server, so no Origin check: the route reads its own
 * raw body (signatures cover the exact text, numbers included), answers `SUCCESS` only once the change
 * is durable, answers every parser failure itself in plain text (never the host application's HTML
 * error page), can be limited to HaiPay's addresses, and cuts off clients whose bodies keep failing
 * verification — while HaiPay's verified deliveries never count against that limit.
 */
import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import type { HaiPayCheckout } from '../checkout/index.js';
import { notificationStatus } from './http.js';
import { createRefusalLimiter, normalizeIp } from './limits.js';
import type { RouterConfig } from './options.js';
import { parserErrorAnswer } from './request-guard.js';

/** Outcomes of bodies that were never believed: only these count against `notify.rateLimit`. */
const UNVERIFIED = new Set(['rejected_signature', 'rejected_ambiguous']);

/**
 * The notification body as text, exactly as received: from the router's own raw parser, or from a
 * `rawBody` Buffer/string a global parser kept
 * (`express.json({ verify: (req, _res, buf) => { req.rawBody = buf } })`). Returns `null` when another
 * body parser consumed the body without keeping it: a re-serialised object would not verify whenever
 * HaiPay signs a number with a scale (`0.50000000`), so the router refuses it and logs how to fix the
 * mounting order instead of guessing. A form-encoded body is read as its key/value pairs.
 */
function rawNotificationBody(req: Request): string | null {
  const body: unknown = req.body;
  if (Buffer.isBuffer(body)) {
    const text = body.toString('utf8');
    if (req.is('application/x-www-form-urlencoded'))
      return JSON.stringify(Object.fromEntries(new URLSearchParams(text)));
    return text;
  }
  const kept = (req as unknown as { rawBody?: unknown }).rawBody;
  if (Buffer.isBuffer(kept)) return kept.toString('utf8');
  if (typeof kept === 'string') return kept;
  if (body === undefined || body === null) return '';
  return null;
}

/** Adds the `/notify` route to the router (a route of its own, not a nested router every request passes). */
export function addNotifyRoute(router: Router, config: RouterConfig, checkout: HaiPayCheckout): void {
  const { logger, notifyAllowIps } = config;
  // Refused bodies only: HaiPay's verified deliveries never count, whatever they answer.
  const limiter = createRefusalLimiter(
    config.options.notify?.rateLimit,
    { windowMs: 60_000, max: 60, name: 'notify.rateLimit' },
    (res, retryAfter) => {
      res.set('Retry-After', String(retryAfter));
      res.status(429).type('text/plain').send('FAIL: too many refused notifications');
    },
    logger,
  );
  router.post(
    '/notify',
    (req: Request, res: Response, next: NextFunction) => {
      if (notifyAllowIps && !notifyAllowIps.has(normalizeIp(req.ip))) {
        logger.warn('haipay notification from an address not in notify.allowIps', { ip: req.ip });
        res.status(403).type('text/plain').send('FAIL: forbidden');
        return;
      }
      next();
    },
    limiter.check,
    express.raw({ type: () => true, limit: '64kb' }),
    async (req: Request, res: Response) => {
      try {
        const raw = rawNotificationBody(req);
        if (raw === null) {
          // As stripe-node does for webhooks: say exactly what is wrong and how to fix it.
          logger.error(
            'haipay notification body was already parsed by another body parser, so its signature cannot be checked. ' +
              'Mount the HaiPay router before app.use(express.json()), or keep the raw body: ' +
              'express.json({ verify: (req, _res, buf) => { req.rawBody = buf; } }).',
            { path: req.originalUrl },
          );
          limiter.refused(req);
          res.status(500).type('text/plain').send('FAIL: body already parsed');
          return;
        }
        const result = await checkout.handleNotification(raw);
        if (UNVERIFIED.has(result.outcome)) limiter.refused(req);
        // `end`, not `send`: an answer to HaiPay's POST needs no ETag (Express hashes every body it sends).
        res
          .status(result.ack ? 200 : notificationStatus(result.outcome))
          .type('text/plain')
          .end(result.ack ? 'SUCCESS' : 'FAIL');
      } catch (err) {
        logger.error('haipay notification failed', { message: (err as Error).message });
        limiter.refused(req);
        // Not SUCCESS: HaiPay retries (docs/protocol.md §2.6).
        if (!res.headersSent) res.status(500).type('text/plain').send('FAIL');
      }
    },
    (err: unknown, req: Request, res: Response, next: NextFunction) => {
      if (res.headersSent) return next(err);
      limiter.refused(req);
      const answer = parserErrorAnswer(err);
      res
        .status(answer?.status ?? 400)
        .type('text/plain')
        .send(`FAIL: ${answer?.message ?? 'unreadable request'}`);
    },
  );
}
