import { z } from 'zod';
import { hostSetting, notOnlySpaces, urlSetting } from './url-setting';
import { leaseTtlSetting, roleSetting } from './role-setting';
import { pubSubEndpointSetting } from './pubsub-endpoint-setting';

/** Treats '' like a missing variable, so `FOO=` in a .env file falls back to the default instead of failing oddly. */
const blankAsMissing = (value: unknown) => (typeof value === 'string' && value.trim() === '' ? undefined : value);

const optionalString = z.preprocess(blankAsMissing, z.string().optional());
const optionalUrl = z.preprocess(blankAsMissing, urlSetting.optional());
const urlWithDefault = (fallback: string) => z.preprocess(blankAsMissing, urlSetting.default(fallback));
/** Only '' counts as unset here: a value of spaces is refused (see notOnlySpaces). */
const emptyAsMissing = (value: unknown) => (value === '' ? undefined : value);
const ratio = (fallback: number) => z.preprocess(blankAsMissing, z.coerce.number().min(0).max(1).default(fallback));

const redisUrl = z.preprocess(
  blankAsMissing,
  z
    .string()
    .default('redis://127.0.0.1:6379')
    .refine((value) => {
      try {
        const url = new URL(value);
        const db = url.pathname.replace(/^\//, '');
        return (url.protocol === 'redis:' || url.protocol === 'rediss:') && url.hostname !== '' && /^\d*$/.test(db);
      } catch {
        return false;
      }
    }, 'must look like redis://host:port or redis://host:port/<db index>'),
);

/** `host:port,host:port` (IPv6 hosts in brackets) → the seed nodes of a Redis Cluster. */
const clusterNodes = z
  .string()
  .transform((value) => value.split(',').map((entry) => entry.trim()))
  .pipe(
    z
      .array(
        z
          .string()
          .regex(/^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+):\d{1,5}$/, 'each node must be host:port, e.g. 10.0.0.5:7000')
          .transform((entry) => {
            const at = entry.lastIndexOf(':');
            return { host: entry.slice(0, at).replace(/^\[|\]$/g, ''), port: Number(entry.slice(at + 1)) };
          })
          .refine((node) => node.port >= 1 && node.port <= 65535, 'the port must be 1-65535'),
      )
      .min(1),
  );

/** Every environment variable the server reads. `.env.example` lists each one with a safe example. */
export const envSchema = z
  .object({
    NODE_ENV: z.preprocess(blankAsMissing, z.enum(['development', 'test', 'production']).default('development')),
    LOG_LEVEL: z.preprocess(
      blankAsMissing,
      z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    ),
    /** Unset: pretty when stdout is a terminal, JSON otherwise (`chooseLogFormat` in lib/logger.ts). */
    LOG_FORMAT: z.preprocess(blankAsMissing, z.enum(['pretty', 'json']).optional()),
    /** What this process does: all (default) or a comma list of api, worker, stream, scheduler (docs/deploy.md). */
    ROLE: z.preprocess(blankAsMissing, roleSetting),
    /** Lifetime of the stream and scheduler leases (ms): a crashed holder is replaced within about this long. */
    LEASE_TTL_MS: z.preprocess(blankAsMissing, leaseTtlSetting),
    /** How the stream follows change events: CometD (default) or the Pub/Sub API over gRPC (docs/salesforce.md). */
    CDC_TRANSPORT: z.preprocess(blankAsMissing, z.enum(['cometd', 'pubsub']).default('cometd')),
    /** The Pub/Sub API's `host:port` when CDC_TRANSPORT=pubsub (default Salesforce's; the sandbox uses its own). */
    PUBSUB_ENDPOINT: z.preprocess(blankAsMissing, pubSubEndpointSetting),
    PORT: z.preprocess(blankAsMissing, z.coerce.number().int().min(0).max(65535).default(3000)),
    /** Interface the HTTP server listens on; unset: 127.0.0.1 in sandbox mode, 0.0.0.0 otherwise (`listenHost`). */
    HOST: z.preprocess(blankAsMissing, hostSetting.optional()),
    REDIS_URL: redisUrl,
    /** Seed nodes of a Redis Cluster (`host:port,host:port`): when set, every component uses the cluster. */
    REDIS_CLUSTER_NODES: z.preprocess(blankAsMissing, clusterNodes.optional()),
    REDIS_PREFIX: z.preprocess(
      blankAsMissing,
      z
        .string()
        .regex(/^\{[A-Za-z0-9_-]+\}$/, 'must be a Redis Cluster hash tag such as {al}')
        .default('{al}'),
    ),
    ADMIN_TOKEN: z.preprocess(
      emptyAsMissing,
      notOnlySpaces('ADMIN_TOKEN').pipe(z.string().min(16, 'must be at least 16 characters')).optional(),
    ),

    SALESFORCE_LOGIN_URL: optionalUrl,
    SALESFORCE_CLIENT_ID: optionalString,
    SALESFORCE_CLIENT_SECRET: optionalString,
    SALESFORCE_USERNAME: optionalString,
    SALESFORCE_PRIVATE_KEY_FILE: optionalString,
    SALESFORCE_REFRESH_TOKEN: optionalString,
    SALESFORCE_INSTANCE_URL: optionalUrl,
    SALESFORCE_ACCESS_TOKEN: optionalString,
    SALESFORCE_API_VERSION: z.preprocess(
      blankAsMissing,
      z
        .string()
        .regex(/^\d{2}\.0$/, 'must be an API version such as 62.0')
        .default('62.0'),
    ),

    BULK_QUERY_THRESHOLD: z.preprocess(blankAsMissing, z.coerce.number().int().positive().default(50_000)),
    /** Imports of more records write back and upsert episodes through Bulk API 2.0 ingest jobs, not Collections. */
    BULK_WRITE_THRESHOLD: z.preprocess(blankAsMissing, z.coerce.number().int().positive().default(10_000)),
    API_BUDGET_PAUSE: ratio(0.7),
    API_BUDGET_STOP: ratio(0.9),
    /** Enrich now requests one person may make in any hour; more are refused and logged (Redis-backed). */
    RECORD_REQUESTS_PER_HOUR: z.preprocess(blankAsMissing, z.coerce.number().int().positive().default(60)),
    DEFAULT_PHONE_REGION: z.preprocess(
      blankAsMissing,
      z
        .string()
        .regex(/^[A-Z]{2}$/, 'must be an ISO 3166-1 alpha-2 code such as US')
        .default('US'),
    ),
    // /readyz says "degraded" while this many change events wait, or the oldest waiting is this many seconds old.
    READY_LAG_EVENTS: z.preprocess(blankAsMissing, z.coerce.number().int().positive().default(1_000)),
    READY_LAG_SECONDS: z.preprocess(blankAsMissing, z.coerce.number().int().positive().default(60)),
    SANDBOX_PORT: z.preprocess(blankAsMissing, z.coerce.number().int().min(0).max(65535).default(8484)),
    SANDBOX_SEED: z.preprocess(
      blankAsMissing,
      z
        .string()
        .regex(/^(demo|none|\d+)$/, 'must be demo, none or a number of contacts')
        .default('demo'),
    ),

    HUNTER_API_KEY: optionalString,
    HUNTER_BASE_URL: urlWithDefault('https://api.hunter.io/v2'),
    PDL_API_KEY: optionalString,
    PDL_BASE_URL: urlWithDefault('https://api.peopledatalabs.com/v5'),
    APOLLO_API_KEY: optionalString,
    APOLLO_BASE_URL: urlWithDefault('https://api.apollo.io/api/v1'),
    ENRICHMENT_PROVIDERS_FILE: optionalString,

    // Ad audiences (Ad_Audience actions): docs/ad-audiences-reference.md. A platform without its keys is off.
    GOOGLE_ADS_DEVELOPER_TOKEN: optionalString,
    GOOGLE_ADS_LOGIN_CUSTOMER_ID: z.preprocess(
      blankAsMissing,
      z
        .string()
        .trim()
        .regex(/^\d{3}-?\d{3}-?\d{4}$/, 'must be a Google Ads customer id such as 123-456-7890')
        .transform((value) => value.replace(/-/g, ''))
        .optional(),
    ),
    GOOGLE_ADS_CLIENT_ID: optionalString,
    GOOGLE_ADS_CLIENT_SECRET: optionalString,
    GOOGLE_ADS_REFRESH_TOKEN: optionalString,
    GOOGLE_ADS_BASE_URL: urlWithDefault('https://googleads.googleapis.com/v26'),
    GOOGLE_OAUTH_TOKEN_URL: urlWithDefault('https://oauth2.googleapis.com/token'),
    META_ACCESS_TOKEN: optionalString,
    META_API_VERSION: z.preprocess(
      blankAsMissing,
      z
        .string()
        .regex(/^v\d+\.\d+$/, 'must be a Graph API version such as v25.0')
        .default('v25.0'),
    ),
    META_BASE_URL: urlWithDefault('https://graph.facebook.com'),

    SLACK_BOT_TOKEN: optionalString,
    SLACK_SIGNING_SECRET: optionalString,
    /** During a rotation of SIGNAL_WEBHOOK_SECRET (below: verifies POST /hooks/signals/:slug), the old one. */
    SIGNAL_WEBHOOK_SECRET_PREVIOUS: optionalString,
    SIGNAL_WEBHOOK_SECRET: optionalString,
    // Signal detectors (issue 14): public job boards (no key) and a Crunchbase-shaped funding feed (off without a key).
    GREENHOUSE_API_URL: urlWithDefault('https://boards-api.greenhouse.io/v1'),
    LEVER_API_URL: urlWithDefault('https://api.lever.co/v0'),
    ASHBY_API_URL: urlWithDefault('https://api.ashbyhq.com/posting-api'),
    FUNDING_FEED_URL: urlWithDefault('https://api.crunchbase.com/v4'),
    FUNDING_FEED_KEY: optionalString,

    // Action targets: sequencers, outbound webhooks, Slack messages (issue 13). The base URLs follow the shared
    // rule for outbound URLs (https, plain http only on loopback).
    OUTREACH_CLIENT_ID: optionalString,
    OUTREACH_CLIENT_SECRET: optionalString,
    OUTREACH_REFRESH_TOKEN: optionalString,
    OUTREACH_REDIRECT_URI: optionalUrl,
    OUTREACH_BASE_URL: urlWithDefault('https://api.outreach.io/api/v2'),
    /** Seals the rotating refresh token kept in Redis (AES-256-GCM): 32 bytes, base64. */
    OUTREACH_TOKEN_KEY: z.preprocess(
      blankAsMissing,
      z
        .string()
        .refine(
          (value) => Buffer.from(value, 'base64').length === 32,
          'must be 32 bytes in base64 (openssl rand -base64 32)',
        )
        .optional(),
    ),
    SALESLOFT_API_KEY: optionalString,
    SALESLOFT_BASE_URL: urlWithDefault('https://api.salesloft.com/v2'),
    WEBHOOK_SIGNING_SECRET: z.preprocess(
      blankAsMissing,
      z.string().min(16, 'must be at least 16 characters').optional(),
    ),
    WEBHOOK_SIGNING_SECRET_PREVIOUS: optionalString,
    /** Lifts https-only and the private-address refusal for webhook URLs: tests and the sandbox only. */
    WEBHOOK_ALLOW_PRIVATE_TARGETS: z.preprocess(
      blankAsMissing,
      z
        .enum(['true', 'false'])
        .default('false')
        .transform((value) => value === 'true'),
    ),
    SLACK_API_URL: urlWithDefault('https://slack.com/api'),
  })
  .superRefine((env, ctx) => {
    if (env.API_BUDGET_PAUSE > env.API_BUDGET_STOP) {
      ctx.addIssue({
        code: 'custom',
        path: ['API_BUDGET_PAUSE'],
        message: `must not be above API_BUDGET_STOP (${env.API_BUDGET_STOP})`,
      });
    }
  });

export type Env = z.infer<typeof envSchema>;
