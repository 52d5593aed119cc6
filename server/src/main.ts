import type { Server } from 'node:http';
import { loadEnv, salesforceMode, type Env } from './config/env';
import { createApp } from './app';
import { createLogger, type Logger } from './lib/logger';
import { AppError, asAppError } from './lib/errors';
import { connectRedis, pingRedis } from './state/redis';

/** Exit codes a supervisor can act on: 2 = fix the configuration, 3 = a dependency is down (retry later). */
const EXIT_CONFIG = 2;
const EXIT_UNAVAILABLE = 3;

async function main(): Promise<void> {
  let env: Env;
  try {
    env = loadEnv();
    salesforceMode(env);
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n`);
    process.exit(EXIT_CONFIG);
  }
  const logger = createLogger({ level: env.LOG_LEVEL });
  const mode = salesforceMode(env);
  if (mode === 'sandbox') announceSandbox(logger);

  let redis;
  try {
    redis = await connectRedis(env.REDIS_URL, { name: 'audience-loop' });
  } catch (error) {
    const appError = asAppError(error);
    logger.fatal({ code: appError.code }, appError.message);
    process.stderr.write(`${appError.message}\n`);
    process.exit(EXIT_UNAVAILABLE);
  }

  const app = createApp({
    logger,
    readinessChecks: [
      {
        name: 'redis',
        check: async () => ((await pingRedis(redis)) ? { ok: true } : { ok: false, detail: 'no PONG within 1 s' }),
      },
    ],
  });

  const server: Server = app.listen(env.PORT, () => {
    logger.info({ port: env.PORT, salesforce: mode }, 'audience-loop listening');
  });
  server.on('error', (error) => {
    logger.fatal({ err: error }, `cannot listen on port ${env.PORT}`);
    process.exit(EXIT_UNAVAILABLE);
  });

  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    const force = setTimeout(() => process.exit(1), 10_000);
    force.unref();
    server.close(() => {
      redis.quit().finally(() => {
        logger.info('stopped');
        process.exit(0);
      });
    });
    server.closeAllConnections();
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
}

function announceSandbox(logger: Logger): void {
  const banner = [
    '',
    '  ┌──────────────────────────────────────────────────────────────────────┐',
    '  │  SANDBOX MODE — no Salesforce settings were found.                   │',
    '  │  The loop runs against the built-in emulated org, not a real one.    │',
    '  │  Set SALESFORCE_* variables (see .env.example) to connect an org.    │',
    '  └──────────────────────────────────────────────────────────────────────┘',
    '',
  ].join('\n');
  process.stderr.write(`${banner}\n`);
  logger.warn('sandbox mode: using the built-in emulated Salesforce org');
}

main().catch((error: unknown) => {
  const appError = error instanceof AppError ? error : asAppError(error);
  process.stderr.write(`audience-loop failed to start: ${appError.message}\n`);
  process.exit(appError.retryable ? EXIT_UNAVAILABLE : 1);
});
