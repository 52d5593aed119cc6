/**
 * The Salesforce org emulator: `startSalesforceEmulator(options)` starts one org on loopback (port 0 allowed) and
 * returns its URLs, credentials and users; `stop()` shuts it down.
 */
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import express, { type NextFunction, type Request, type Response } from 'express';
import { readForceApp, type ForceAppModel } from '@audience-loop/force-app-model';
import { createOAuthRouter } from './auth/oauth-routes';
import { createControlRouter } from './control/control-routes';
import type { EmulatorContext, StreamingOptions } from './org-contract';
import { Org } from './org/org';
import type { UserRole } from './org/users';
import { createApi, createRestRouter } from './rest/rest-router';
import { seedDataFor } from './seed/index';
import { closeStreaming, createStreamingControlRouter, createStreamingRouter, resetStreaming } from './streaming/index';
import { bulkJobsFor } from './rest/bulk/bulk-jobs';
import { installApexStandins } from './apex-standins/index';
import { startPubSubServer, type PubSubServerOptions, type RunningPubSubServer } from './pubsub/index';
import { registerUiApiRoutes } from './ui-api/index';

export type { EmulatorContext } from './org-contract';
export { Org } from './org/org';

export interface SalesforceEmulatorOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  host?: string;
  /** 'demo' (default), 'none', or a number of contacts (N/10 accounts, N/5 leads). */
  seed?: 'demo' | 'none' | number | string;
  /** Mount `/__emulator/…` (default true). */
  control?: boolean;
  /** `force-app/main/default` root; default: this repository's. `false` skips reading it. */
  forceAppRoot?: string | false;
  /** A pre-read model (wins over forceAppRoot). */
  forceApp?: ForceAppModel;
  /** DailyApiRequests budget (default 15 000). */
  dailyApiLimit?: number;
  /** Access-token lifetime on the org clock (default 2 h). */
  sessionTtlMs?: number;
  /** PEM certificate (or public key) that verifies JWT bearer assertions. */
  jwtCertificate?: string;
  streaming?: Partial<StreamingOptions>;
  /** Org clock start (epoch ms); default real time. */
  clockStart?: number;
  /** Derives the org id and the usernames' suffix; default: the seed (one seed, one org identity). */
  orgKey?: string;
  /** Log lines (default: silent in-process). */
  log?: (line: string) => void;
  /** The Pub/Sub API gRPC endpoint (TLS, self-signed); `false` leaves it off. */
  pubSub?: PubSubServerOptions | false;
}

export interface EmulatorUserInfo {
  role: UserRole;
  id: string;
  username: string;
  accessToken: string;
}

export interface EmulatorInfo {
  instanceUrl: string;
  loginUrl: string;
  accessToken: string;
  clientId: string;
  clientSecret: string;
  orgId: string;
  users: EmulatorUserInfo[];
  /** `host:port` of the Pub/Sub API (gRPC over TLS with a self-signed certificate). */
  pubSubEndpoint?: string;
}

export interface RunningEmulator extends EmulatorInfo {
  org: Org;
  context: EmulatorContext;
  server: Server;
  pubSub?: RunningPubSubServer;
  info(): EmulatorInfo;
  stop(): Promise<void>;
}

export const DEFAULT_STREAMING: StreamingOptions = {
  maxConcurrentClients: 20,
  maxSelectedEntities: 5,
  retentionMs: 72 * 3_600_000,
  longPollMs: 110_000,
  clientIdleMs: 40_000,
};

function loadForceApp(options: SalesforceEmulatorOptions, log: (l: string) => void): ForceAppModel | undefined {
  if (options.forceApp) return options.forceApp;
  if (options.forceAppRoot === false) return undefined;
  try {
    return options.forceAppRoot ? readForceApp(options.forceAppRoot) : readForceApp();
  } catch (err) {
    log(`force-app not read (${(err as Error).message}); standard objects only`);
    return undefined;
  }
}

export async function startSalesforceEmulator(options: SalesforceEmulatorOptions = {}): Promise<RunningEmulator> {
  const log = options.log ?? (() => {});
  const org = new Org({
    forceApp: loadForceApp(options, log),
    dailyApiLimit: options.dailyApiLimit ?? 15_000,
    sessionTtlMs: options.sessionTtlMs ?? 2 * 3_600_000,
    jwtCertificate: options.jwtCertificate,
    streaming: { ...DEFAULT_STREAMING, ...options.streaming },
    clockStart: options.clockStart,
    orgKey: options.orgKey ?? String(options.seed ?? 'demo'),
  });

  const seed = async (option: string): Promise<{ accounts: number; contacts: number; leads: number }> => {
    if (option === 'none') return { accounts: 0, contacts: 0, leads: 0 };
    return org.loadSeed(seedDataFor(option));
  };
  const t0 = Date.now();
  const counts = await seed(String(options.seed ?? 'demo'));
  log(
    `seeded ${counts.accounts} accounts, ${counts.contacts} contacts, ${counts.leads} leads in ${Date.now() - t0} ms`,
  );

  const api = createApi(org);
  registerUiApiRoutes(api);
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  // The Salesforce CLI stores instanceUrl with a trailing '/', so its paths arrive as //services/...
  app.use((req: Request, _res: Response, next: NextFunction) => {
    if (req.url.startsWith('//')) req.url = req.url.replace(/^\/{2,}/, '/');
    next();
  });
  app.use(createOAuthRouter(org));
  app.use(createRestRouter(org, api));
  const streamingRouter = createStreamingRouter(org.context);
  app.use('/cometd', streamingRouter);

  let info: () => EmulatorInfo = () => {
    throw new Error('not listening yet');
  };
  if (options.control !== false) {
    app.use('/__emulator/streaming', createStreamingControlRouter(org.context));
    app.use(
      '/__emulator',
      createControlRouter(org, {
        seed,
        info: () => info() as unknown as Record<string, unknown>,
        resetStreaming: () => resetStreaming(org.context),
        resetBulk: () => bulkJobsFor(org).reset(),
      }),
    );
  }
  app.use((_req: Request, res: Response) => {
    res.status(404).json([{ errorCode: 'NOT_FOUND', message: 'The requested resource does not exist' }]);
  });
  app.use((err: unknown, _req: Request, res: Response, _next: NextFunction) => {
    const status = (err as { status?: number }).status ?? 500;
    const type = (err as { type?: string }).type;
    if (type === 'entity.too.large') {
      res.status(413).json([{ errorCode: 'REQUEST_ENTITY_TOO_LARGE', message: 'Request body too large' }]);
      return;
    }
    if (status === 400) {
      res.status(400).json([{ errorCode: 'JSON_PARSER_ERROR', message: (err as Error).message }]);
      return;
    }
    log(`unexpected error: ${(err as Error)?.stack ?? String(err)}`);
    res.status(500).json([{ errorCode: 'UNKNOWN_EXCEPTION', message: 'An unexpected error occurred.' }]);
  });

  const uninstallApex = installApexStandins(org.context);

  const server = app.listen(options.port ?? 0, options.host ?? '127.0.0.1');
  await once(server, 'listening');
  const addr = server.address() as AddressInfo;
  const host = options.host && options.host !== '0.0.0.0' ? options.host : '127.0.0.1';
  org.instanceUrl = `http://${host}:${addr.port}`;
  const pubSub =
    options.pubSub === false ? undefined : await startPubSubServer(org.context, { host, ...options.pubSub });

  // One standing token per user (the integration user's is `accessToken`).
  const tokens = new Map(org.users.map((u) => [u.id, org.tokens.issue(u.id).token]));
  info = () => ({
    instanceUrl: org.instanceUrl,
    loginUrl: org.instanceUrl,
    accessToken: tokens.get(org.user('integration').id)!,
    clientId: org.clientId,
    clientSecret: org.clientSecret,
    orgId: org.orgId,
    users: org.users.map((u) => ({ role: u.role, id: u.id, username: u.username, accessToken: tokens.get(u.id)! })),
    ...(pubSub ? { pubSubEndpoint: pubSub.endpoint } : {}),
  });

  const stop = async (): Promise<void> => {
    uninstallApex();
    await pubSub?.stop();
    bulkJobsFor(org).reset();
    try {
      closeStreaming(org.context);
    } catch {
      // already closed
    }
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };

  return { ...info(), org, context: org.context, server, pubSub, info: () => info(), stop };
}
