/**
 * The demo's merchant back office API (`/api/admin`): the kit's admin API (`createHaiPayAdminRouter`
 * from `@haipay-kit/express/admin`) — orders with their notifications and refunds, refunds, payouts,
 * balances, subscriptions, readiness — plus one demo-only route, the sandbox's clock. `authorize`
 * names who asked: the admin-token holder beyond loopback (admin-auth.ts), this computer on loopback.
 *
 * `/metrics` shows the kit's OpenTelemetry metrics in Prometheus's text format: the demo installs the
 * OpenTelemetry SDK with a Prometheus exporter (the kit itself depends on `@opentelemetry/api` only).
 */
import express, { type Request, type RequestHandler, type Response } from 'express';
import { metrics } from '@opentelemetry/api';
import { PrometheusExporter } from '@opentelemetry/exporter-prometheus';
import { MeterProvider } from '@opentelemetry/sdk-metrics';
import type { HaiPayRouter } from '@haipay-kit/express';
import { createHaiPayAdminRouter } from '@haipay-kit/express/admin';
import type { Sandbox } from '@haipay-kit/sandbox';

export function backOffice(deps: {
  router: HaiPayRouter;
  sandbox: Sandbox;
  /** Who is asking (logged with each action), or false: refused with 403. */
  actor: (req: Request) => string | false;
}): express.Router {
  const { sandbox } = deps;
  const router = express.Router();
  router.use(createHaiPayAdminRouter({ checkout: deps.router, authorize: (req) => deps.actor(req) }));

  /** Demo helper: move the sandbox's virtual clock (QR expiry, payouts, refunds, subscription deductions). */
  router.post('/clock', express.json({ limit: '1kb' }), (req: Request, res: Response, next) => {
    const ms = Number((req.body as { ms?: unknown } | undefined)?.ms);
    if (!Number.isFinite(ms) || ms <= 0 || ms > 400 * 86_400_000) {
      res.status(400).json({
        error: { type: 'validation_error', message: 'ms must be 1 … 400 days', fields: [{ field: 'ms' }] },
      });
      return;
    }
    sandbox.clock
      .advance(ms)
      .then(async (now) => {
        await sandbox.idle();
        res.json({ now: new Date(now).toISOString() });
      })
      .catch(next);
  });
  router.get('/clock', (_req, res) => {
    res.json({ now: sandbox.clock.date().toISOString() });
  });
  return router;
}

let exporter: PrometheusExporter | undefined;

/**
 * `GET /metrics`: the kit's metrics in Prometheus's text format. The first call installs the
 * OpenTelemetry SDK (a global meter provider read by this exporter) for the process.
 */
export function metricsEndpoint(): RequestHandler {
  if (!exporter) {
    exporter = new PrometheusExporter({ preventServerStart: true });
    metrics.setGlobalMeterProvider(new MeterProvider({ readers: [exporter] }));
  }
  const reader = exporter;
  return (req, res) => reader.getMetricsRequestHandler(req, res);
}
