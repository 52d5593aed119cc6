import express, { type Express, type Router } from 'express';
import type { Registry } from 'prom-client';
import type { Logger } from './lib/logger';
import { requireAdminToken } from './http/admin-auth';
import { runReadinessChecks, type ReadinessCheck } from './http/readiness';

export interface AppDependencies {
  logger: Logger;
  readinessChecks: ReadinessCheck[];
  /** Prometheus metrics served at /metrics. */
  metrics?: Registry;
  /** Bearer token guarding /admin/* (absent: the admin endpoints answer 503). */
  adminToken?: string;
  /** Mounted at /admin/queues behind the admin token (the BullMQ dashboard). */
  queueDashboard?: Router;
}

/** Builds the HTTP app. It never listens: `main.ts` binds the port, tests use the factory on port 0. */
export function createApp(deps: AppDependencies): Express {
  const app = express();
  app.disable('x-powered-by');

  // Liveness: the process answers. Nothing external is consulted, so a Redis outage does not get us restarted.
  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });

  // Readiness: every dependency answers now; 503 tells a load balancer to send work elsewhere.
  app.get('/readyz', async (_req, res) => {
    const report = await runReadinessChecks(deps.readinessChecks);
    if (!report.ready) deps.logger.warn({ checks: report.checks }, 'not ready');
    res.status(report.ready ? 200 : 503).json({ status: report.ready ? 'ready' : 'not_ready', checks: report.checks });
  });

  if (deps.metrics) {
    const registry = deps.metrics;
    app.get('/metrics', async (_req, res) => {
      res.set('Content-Type', registry.contentType).send(await registry.metrics());
    });
  }

  app.use('/admin', requireAdminToken(deps.adminToken));
  if (deps.queueDashboard) app.use('/admin/queues', deps.queueDashboard);

  return app;
}
