import express, { type Express } from 'express';
import type { Logger } from './lib/logger';
import { runReadinessChecks, type ReadinessCheck } from './http/readiness';

export interface AppDependencies {
  logger: Logger;
  readinessChecks: ReadinessCheck[];
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

  return app;
}
