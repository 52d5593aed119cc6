import type { Server } from 'node:http';
import { loadEnv, salesforceMode, type Env } from './env/env';
import { listenHost } from './env/listen-host';
import { secretSettings } from './env/secret-settings';
import { createApp } from './app';
import { createLogger, type Logger } from './lib/logger';
import { AppError, asAppError } from './lib/errors';
import { connectRedis, pingRedis, type RedisClient as Redis } from './state/redis';
import { connectOrg, credentialsFromEnv } from './salesforce/auth/connection-factory';
import { composeLoop, type Loop } from './runtime/compose';
import { actionTargetsFromEnv } from './runtime/action-targets';
import { loopSettingsFromEnv } from './runtime/loop-settings';
import { RoleRuntime } from './runtime/role-runtime';
import { sandboxRefusal } from './runtime/sandbox-refusal';
import { leaseTimings } from './env/role-setting';
import { formatLoopSummary } from './runtime/loop-summary';
import { ChangeNarrator } from './sandbox/change-narrator';
import { sandboxTransport } from './sandbox/sandbox-transport';
import { startSandbox, type Sandbox } from './sandbox/start-sandbox';
import { signalWebhookHint, signalWebhookSecrets } from './sandbox/signal-webhook-hint';
import { Registry, collectDefaultMetrics } from 'prom-client';
import { registerCommandMetrics } from './http/command-metrics';
import { registerActionTargetMetrics } from './http/action-target-metrics';
import { actionTargetsReadinessCheck } from './http/action-target-readiness';
import { enrichmentReadinessCheck } from './http/enrichment-readiness';
import { apiBudgetReadinessCheck, redisReadinessCheck, salesforceReadinessCheck } from './http/loop-readiness';
import { registerEnrichmentMetrics, registerLoopMetrics } from './http/loop-metrics';
import { deadLetterRoutes } from './http/dead-letter-routes';
import { registerStreamMetrics } from './http/stream-metrics';
import { changeStreamReadinessCheck } from './http/stream-readiness';
import { createQueueDashboard } from './http/queue-dashboard';
import { createSignalWebhook } from './http/signal-webhook';
import { registerQueueMetrics } from './queues/queue-metrics';
import { slackEventsRoute, type SlackEventsState } from './http/slack-events-route';
import { startTerminalSlack, type TerminalSlack } from './sandbox/terminal-slack';
import { CollectionsClient } from './salesforce/writers/collections-client';
import { slackSettingsFromEnv } from './slack/slack-settings';
import { startHealthHeartbeat } from './health/start-heartbeat';
import type { HealthHeartbeat } from './health/health-heartbeat';
import { attachSlackStep } from './slack/slack-step';

/** Exit codes a supervisor can act on: 2 = fix the configuration, 3 = a dependency is down (retry later). */
const EXIT_CONFIG = 2;
const EXIT_UNAVAILABLE = 3;

function parseEnvOrExit(): Env {
  try {
    const env = loadEnv();
    const refusal = sandboxRefusal(salesforceMode(env), env.ROLE);
    if (refusal) throw new Error(refusal);
    return env;
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n`);
    process.exit(EXIT_CONFIG);
  }
}

async function connectRedisOrExit(env: Env, logger: Logger): Promise<Redis> {
  try {
    return await connectRedis({ url: env.REDIS_URL, clusterNodes: env.REDIS_CLUSTER_NODES }, { name: 'audience-loop' });
  } catch (error) {
    const appError = asAppError(error);
    logger.fatal({ code: appError.code }, appError.message);
    process.stderr.write(`${appError.message}\n`);
    process.exit(EXIT_UNAVAILABLE);
  }
}

async function main(): Promise<void> {
  const env = parseEnvOrExit();
  const logger = createLogger({ level: env.LOG_LEVEL, format: env.LOG_FORMAT, secrets: secretSettings(env) });
  const mode = salesforceMode(env);
  if (mode === 'sandbox') announceSandbox(logger);
  const redis = await connectRedisOrExit(env, logger);

  let runtime: RoleRuntime | undefined;
  let heartbeat: HealthHeartbeat | undefined;
  const roles = env.ROLE;
  const serves = roles.includes('api');
  let loop: Loop | undefined;
  let sandbox: Sandbox | undefined;
  let loopError: string | undefined;
  const metrics = new Registry();
  collectDefaultMetrics({ register: metrics });
  registerLoopMetrics(metrics, () => loop?.stats);
  registerQueueMetrics(metrics, () => loop?.queues.queues() ?? []);
  registerEnrichmentMetrics(metrics, () => loop?.enrichment.circuits);
  registerActionTargetMetrics(metrics, () => loop?.actionCircuits);
  registerCommandMetrics(metrics, () => loop?.commandRefusals);
  registerStreamMetrics(metrics, { stats: () => loop?.stats, deadLetters: () => loop?.deadLetters.count() });
  // Sandbox mode without SIGNAL_WEBHOOK_SECRET verifies with a built-in secret, so the README's curl works as is.
  const signalSecrets = signalWebhookSecrets(
    [env.SIGNAL_WEBHOOK_SECRET, env.SIGNAL_WEBHOOK_SECRET_PREVIOUS],
    mode === 'sandbox',
  );
  const dashboard = createQueueDashboard();
  // Slack (issue 14): off without SLACK_BOT_TOKEN outside the sandbox (said once; /slack/events answers 404).
  let slackSettings = slackSettingsFromEnv(env);
  let terminalSlack: TerminalSlack | undefined;
  let slackEvents: SlackEventsState =
    slackSettings || mode === 'sandbox' ? { state: 'starting' } : { state: 'disabled' };
  if (slackEvents.state === 'disabled') logger.warn('Slack step disabled: SLACK_BOT_TOKEN is not set');
  // Without the api role the process still answers /healthz, /readyz and /metrics on PORT (for its supervisor),
  // and nothing else: no admin, Slack or webhook routes.
  const api = serves
    ? {
        slackEvents: slackEventsRoute(() => slackEvents),
        adminToken: env.ADMIN_TOKEN,
        queueDashboard: dashboard.router,
        adminRoutes: [deadLetterRoutes(() => loop?.deadLetters)],
        signalWebhook: createSignalWebhook({
          secrets: signalSecrets.secrets,
          metrics,
          loop: () => loop,
          logger,
        }),
      }
    : {};
  const app = createApp({
    logger,
    metrics,
    ...api,
    readinessExtras: async () => (runtime ? { ...(await runtime.status()) } : { roles }),
    readinessChecks: [
      redisReadinessCheck(() => pingRedis(redis)),
      salesforceReadinessCheck({
        stream: () => loop?.streamState(),
        startError: () => loopError,
        notFollowing: () => {
          if (!runtime?.started) return undefined;
          if (!runtime.has('stream')) return 'not followed here (no stream role)';
          return runtime.leadsStream() ? undefined : 'standby (another process holds the stream lease)';
        },
      }),
      apiBudgetReadinessCheck(() => loop?.governor.snapshot()),
      // Degraded (still 200) while the stream lags or has dead-lettered events.
      changeStreamReadinessCheck({
        stream: () => loop?.streamState(),
        deadLetters: () => loop?.deadLetters.count(),
        lag: { events: env.READY_LAG_EVENTS, seconds: env.READY_LAG_SECONDS },
      }),
      // Paid providers' circuits, each shown; not ready only when every configured paid provider's is open.
      enrichmentReadinessCheck(() => loop?.enrichment.circuits),
      // Action targets' circuits: degraded (still 200) while one is open, its applications deferred.
      actionTargetsReadinessCheck(() => loop?.actionCircuits),
    ],
  });

  const host = listenHost(env, mode);
  const server: Server = app.listen(env.PORT, host, () => {
    logger.info({ host, port: env.PORT, salesforce: mode, roles }, 'audience-loop listening');
  });
  server.on('error', (error) => {
    logger.fatal({ err: error }, `cannot listen on ${host} port ${env.PORT}`);
    process.exit(EXIT_UNAVAILABLE);
  });

  const summary = () =>
    formatLoopSummary(loop?.stats ?? ({} as never), {
      mode: mode === 'sandbox' ? 'sandbox org' : 'Salesforce',
      apiCalls: loop?.apiUsage.callsSinceStart(),
    });
  const startLoop = async () => {
    let prefix = env.REDIS_PREFIX;
    let credentials = credentialsFromEnv(env);
    if (!credentials) {
      sandbox = await startSandbox({
        redis,
        prefix: env.REDIS_PREFIX,
        seed: env.SANDBOX_SEED,
        port: env.SANDBOX_PORT,
        apiVersion: env.SALESFORCE_API_VERSION,
        logger,
        warehouseDemo: Boolean(process.env.POSTGRES_URL_DEMO?.trim()),
      });
      credentials = sandbox.credentials;
      prefix = sandbox.prefix;
      process.stderr.write(
        `Sandbox org at ${sandbox.instanceUrl} — change a record with the Salesforce CLI (see README "Sandbox").\n`,
      );
    }
    const org = await connectOrg(credentials);
    loop = composeLoop(
      { org, redis, logger },
      {
        ...loopSettingsFromEnv(env, prefix),
        // The sandbox's emulated org serves its own Pub/Sub endpoint, with a self-signed certificate.
        ...(sandbox ? { cdcTransport: sandboxTransport(env.CDC_TRANSPORT, sandbox) } : {}),
        actions: { targets: actionTargetsFromEnv(env, { redis, prefix, logger }) },
        signalDetectors: {
          jobBoards: { greenhouse: env.GREENHOUSE_API_URL, lever: env.LEVER_API_URL, ashby: env.ASHBY_API_URL },
          fundingFeed: { url: env.FUNDING_FEED_URL, key: env.FUNDING_FEED_KEY },
        },
      },
    );
    // Slack: in the sandbox (no token) cards go to a loopback Slack that prints them on the terminal.
    if (sandbox && !slackSettings) {
      terminalSlack = await startTerminalSlack((line) => process.stderr.write(`${line}\n`));
      slackSettings = terminalSlack.settings;
    }
    const slack = slackSettings
      ? attachSlackStep(
          loop,
          new CollectionsClient(org, {
            logger: logger.child({ component: 'slack' }),
            onRequest: () => loop?.apiUsage.observe(),
          }),
          slackSettings,
        )
      : undefined;
    // In sandbox mode every reaction of the loop is told in one readable line (see README "Sandbox").
    const narrator = sandbox ? new ChangeNarrator(loop, (line) => process.stderr.write(`${line}\n`)) : undefined;
    runtime = new RoleRuntime(loop, { roles, lease: leaseTimings(env.LEASE_TTL_MS) });
    await runtime.start();
    slackEvents = slack?.router ? { state: 'ready', router: slack.router } : { state: 'disabled' };
    // One heartbeat per deployment is enough: the process that owns the schedules writes it.
    if (runtime.has('scheduler'))
      heartbeat = startHealthHeartbeat(loop, prefix, { slackConnected: !!slackSettings, logger });
    dashboard.show(loop.queues.queues());
    // A stream stand-by (e.g. restarted after a kill -9, its old lease not yet expired) follows once it leads.
    if (runtime.has('stream')) {
      if (!runtime.leadsStream()) process.stderr.write('Standing by for the CDC stream lease.\n');
      await runtime.ledOnce();
    }
    // Only a worker drains the intake; a process without one would wait for other processes' workers.
    if (runtime.has('worker')) await loop.drain(10 * 60_000).catch(() => undefined);
    narrator?.follow();
    process.stderr.write(`\n${summary()}\n\nFollowing changes (Ctrl-C to stop).\n`);
    if (sandbox) process.stderr.write(`${signalWebhookHint(env.PORT, signalSecrets.usesSandboxSecret)}\n`);
  };
  startLoop().catch((error: unknown) => {
    const appError = asAppError(error);
    loopError = appError.message;
    logger.error({ err: error, code: appError.code }, 'the loop could not start; /readyz reports it');
  });

  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    const force = setTimeout(() => process.exit(1), 15_000);
    force.unref();
    server.closeAllConnections();
    server.close();
    void (async () => {
      try {
        heartbeat?.stop();
        await runtime?.stop();
        if (runtime) process.stderr.write(`\n${summary()}\n`);
        await sandbox?.stop();
        await terminalSlack?.stop();
        await redis.quit();
      } catch (error) {
        logger.error({ err: error }, 'error during shutdown');
      }
      logger.info('stopped');
      process.exit(0);
    })();
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
