import { envSchema, type Env } from './env-schema';
import { ConfigError } from '../lib/errors';
import { readWarehouseConnections } from './warehouse-connections';

export type { Env } from './env-schema';

/** What to do about a bad variable, by name, for the few whose fix is not obvious from the message. */
const FIX_HINTS: Record<string, string> = {
  REDIS_URL: 'e.g. REDIS_URL=redis://127.0.0.1:6379 or redis://127.0.0.1:6379/2 for database 2',
  REDIS_CLUSTER_NODES: 'e.g. REDIS_CLUSTER_NODES=10.0.0.5:7000,10.0.0.6:7000 (any reachable nodes of the cluster)',
  REDIS_PREFIX: 'e.g. REDIS_PREFIX={al}; the braces keep every key in one Redis Cluster slot',
  ADMIN_TOKEN: 'generate one with: openssl rand -hex 24',
  ROLE: 'e.g. ROLE=all, or ROLE=api,worker; a deployment runs each role somewhere (docs/deploy.md)',
  SALESFORCE_LOGIN_URL: "the org's My Domain URL, e.g. https://acme.my.salesforce.com",
};

/**
 * Parses the environment once. Throws a ConfigError whose message names every bad variable and how to fix it;
 * `main.ts` turns it into exit code 2.
 */
export function loadEnv(source: NodeJS.ProcessEnv = process.env): Env {
  const result = envSchema.safeParse(source);
  // Warehouse connections are named by prefix (POSTGRES_URL_<NAME>), so they are checked apart from the schema.
  const warehouse = readWarehouseConnections(source).issues.map((issue) => `  ${issue.variable}: ${issue.message}`);
  if (result.success && warehouse.length === 0) return result.data;
  const lines = (result.success ? [] : result.error.issues).map((issue) => {
    const name = String(issue.path[0] ?? 'environment');
    const hint = FIX_HINTS[name];
    return `  ${name}: ${issue.message}${hint ? ` (${hint})` : ''}`;
  });
  lines.push(...warehouse);
  throw new ConfigError('CONFIG_INVALID_ENV', `Invalid environment:\n${lines.join('\n')}\nSee .env.example.`);
}

export type SalesforceMode = 'client_credentials' | 'jwt' | 'refresh_token' | 'session' | 'sandbox';

/** Which way to reach Salesforce, decided from the variables that are set; none at all means the built-in sandbox. */
export function salesforceMode(env: Env): SalesforceMode {
  if (env.SALESFORCE_INSTANCE_URL && env.SALESFORCE_ACCESS_TOKEN) return 'session';
  if (env.SALESFORCE_REFRESH_TOKEN && env.SALESFORCE_CLIENT_ID) return 'refresh_token';
  if (env.SALESFORCE_USERNAME && env.SALESFORCE_PRIVATE_KEY_FILE && env.SALESFORCE_CLIENT_ID) return 'jwt';
  if (env.SALESFORCE_LOGIN_URL && env.SALESFORCE_CLIENT_ID && env.SALESFORCE_CLIENT_SECRET) return 'client_credentials';
  const anySet = [
    env.SALESFORCE_LOGIN_URL,
    env.SALESFORCE_CLIENT_ID,
    env.SALESFORCE_CLIENT_SECRET,
    env.SALESFORCE_USERNAME,
    env.SALESFORCE_PRIVATE_KEY_FILE,
    env.SALESFORCE_REFRESH_TOKEN,
    env.SALESFORCE_INSTANCE_URL,
    env.SALESFORCE_ACCESS_TOKEN,
  ].some(Boolean);
  if (anySet) {
    throw new ConfigError(
      'CONFIG_INCOMPLETE_SALESFORCE',
      'Salesforce settings are incomplete. Set one of: SALESFORCE_LOGIN_URL + SALESFORCE_CLIENT_ID + SALESFORCE_CLIENT_SECRET ' +
        '(client credentials); SALESFORCE_LOGIN_URL + SALESFORCE_CLIENT_ID + SALESFORCE_USERNAME + SALESFORCE_PRIVATE_KEY_FILE ' +
        '(JWT bearer); SALESFORCE_LOGIN_URL + SALESFORCE_CLIENT_ID + SALESFORCE_REFRESH_TOKEN (refresh token); or ' +
        'SALESFORCE_INSTANCE_URL + SALESFORCE_ACCESS_TOKEN (a given session). Unset them all to run the built-in sandbox org.',
    );
  }
  return 'sandbox';
}
