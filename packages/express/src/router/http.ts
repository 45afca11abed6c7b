/**
 * The browser routes' HTTP vocabulary: the one error envelope `{ error: { type, message, … } }`, and the
 * error handler that maps every error the checkout raises to a status — never a stack or a secret. This
 * is the only place where the kit's errors meet HTTP status codes.
 */
import type { NextFunction, Request, Response } from 'express';
import {
  HaiPayApiError,
  HaiPayConfigError,
  HaiPayError,
  HaiPayValidationError,
  HaiPayIdempotencyError,
  HaiPayNotConfirmedError,
  HaiPayNotFoundError,
} from '../errors.js';
import type { Logger } from '../logger.js';
import { parserErrorAnswer } from './request-guard.js';

/** An error the router raises with its HTTP answer. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly type: string,
    message: string,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

/** The error envelope of every browser route. */
export function errorBody(type: string, message: string, extra: Record<string, unknown> = {}) {
  return { error: { type, message, ...extra } };
}

/** The error handler of the browser routes. */
export function browserErrors(logger: Logger) {
  return (err: unknown, req: Request, res: Response, next: NextFunction): void => {
    if (res.headersSent) return next(err);
    const answer = parserErrorAnswer(err);
    if (err instanceof HaiPayValidationError) {
      res.status(400).json(errorBody('validation_error', err.message, { fields: err.issues }));
    } else if (err instanceof HaiPayIdempotencyError) {
      res.status(409).json(errorBody('idempotency_conflict', err.message));
    } else if (err instanceof HaiPayNotConfirmedError) {
      // A state the caller may retry later, not a gateway failure.
      res.status(409).json(errorBody('not_confirmed', err.message));
    } else if (err instanceof HaiPayNotFoundError) {
      res.status(404).json(errorBody('not_found', err.message));
    } else if (err instanceof HttpError) {
      res.status(err.status).json(errorBody(err.type, err.message, err.extra));
    } else if (err instanceof HaiPayApiError) {
      res.status(502).json(errorBody('gateway_error', err.msg, { code: err.gatewayCode }));
    } else if (answer) {
      res.status(answer.status).json(errorBody(answer.type, answer.message));
    } else if (err instanceof HaiPayConfigError) {
      logger.error('haipay request failed', { path: req.path, error: err.name, message: err.message });
      res.status(500).json(errorBody('server_error', 'Payment service misconfigured.'));
    } else if (err instanceof HaiPayError) {
      logger.error('haipay request failed', { path: req.path, error: err.name, message: err.message });
      res.status(502).json(errorBody('gateway_error', err.message));
    } else {
      logger.error('haipay request failed', { path: req.path, message: (err as Error)?.message });
      res.status(500).json(errorBody('server_error', 'Something went wrong.'));
    }
  };
}

/** How a create's outcome is answered: 201 created (200 when replayed), 202 unknown, 502 refused. */
export function createdStatus(outcome: 'created' | 'unknown' | 'refused', replayed: boolean): number {
  if (outcome === 'refused') return 502;
  if (outcome === 'unknown') return 202;
  return replayed ? 200 : 201;
}

/** How a notification that was not acknowledged is answered (`SUCCESS` is always 200). */
export function notificationStatus(outcome: string): number {
  if (outcome.startsWith('rejected_')) return 400;
  if (outcome === 'unknown_order') return 404;
  if (outcome === 'payout_unconfirmed') return 409;
  return 500; // hook_failed, and anything unexpected: HaiPay delivers again
}
