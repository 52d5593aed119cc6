import express, { type Express, type Router } from 'express';
import type { Registry } from 'prom-client';
import type { Logger } from './lib/logger';
import { mayReadHealthDetail, requireAdminToken } from './http/admin-auth';
import { minimalReport, runReadinessChecks, type ReadinessCheck } from './http/readiness';

export interface AppDependencies {
  logger: Logger;
  readinessChecks: ReadinessCheck[];
  /** POST /hooks/signals/:slug: verified by its own signature, not by the admin token (reads its raw body). */
  signalWebhook?: Router;
  /** Prometheus metrics served at /metrics. */
  metrics?: Registry;
  /** Bearer token guarding /admin/* (absent: the admin endpoints answer 503). */
  adminToken?: string;
  /** Mounted at /admin/queues behind the admin token (the BullMQ dashboard). */
  queueDashboard?: Router;
  /** Mounted at /admin behind the admin token (dead letters, …). */
  adminRoutes?: Router[];
  /** `/slack/events` (Bolt): first, before any body parser — Slack's signature is checked on the raw body. */
  slackEvents?: Router;
  /** Fields added to every /readyz body (the process's roles and leases: no personal data). */
  readinessExtras?: () => Promise<Record<string, unknown>>;
}

/** Builds the HTTP app. It never listens: `main.ts` binds the port, tests use the factory on port 0. */
export function createApp(deps: AppDependencies): Express {
  const app = express();
  app.disable('x-powered-by');
  if (deps.slackEvents) app.use(deps.slackEvents);

  // Liveness: the process answers. Nothing external is consulted, so a Redis outage does not get us restarted.
  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });

  // Readiness: 503 (send work elsewhere) only when a dependency is down; "degraded" is 200 with the reasons.
  // The detail is for the admin token (or, with none set, this machine): provider errors can name people.
  app.get('/readyz', async (req, res) => {
    const report = await runReadinessChecks(deps.readinessChecks);
    if (!report.ready) deps.logger.warn({ checks: report.checks }, 'not ready');
    const body = mayReadHealthDetail(req, deps.adminToken)
      ? { status: report.status, reasons: report.reasons, checks: report.checks }
      : minimalReport(report);
    const extras = await deps.readinessExtras?.().catch(() => undefined);
    res.status(report.ready ? 200 : 503).json({ ...body, ...extras });
  });

  if (deps.metrics) {
    const registry = deps.metrics;
    app.get('/metrics', async (_req, res) => {
      res.set('Content-Type', registry.contentType).send(await registry.metrics());
    });
  }

  if (deps.signalWebhook) app.use(deps.signalWebhook);

  app.use('/admin', requireAdminToken(deps.adminToken));
  if (deps.queueDashboard) app.use('/admin/queues', deps.queueDashboard);
  for (const routes of deps.adminRoutes ?? []) app.use('/admin', routes);

  return app;
}
