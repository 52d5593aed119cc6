import type { RedisClient as Redis } from '../state/redis';
import type { Logger } from '../lib/logger';
import { deleteByPrefix } from '../state/scan-keys';
import { connectOrg, type SalesforceCredentials } from '../salesforce/auth/connection-factory';
import { CollectionsClient } from '../salesforce/writers/collections-client';
import {
  DEMO_AUDIENCES,
  DEMO_CAMPAIGN,
  DEMO_FIELD_MAPS,
  DEMO_SIGNAL_RULES,
  DEMO_SOURCES,
  DEMO_WAREHOUSE_SOURCE,
  demoActions,
} from './demo-config';
import { startSandboxPreview } from './sandbox-preview';

export interface Sandbox {
  credentials: SalesforceCredentials;
  /** The hash-tagged prefix this sandbox's state lives under (cleared at every start: the org is new each time). */
  prefix: string;
  instanceUrl: string;
  /** The emulated org's Pub/Sub API (`host:port`, TLS with a certificate made at start: self-signed). */
  pubSubEndpoint: string | undefined;
  users: { role: string; username: string; accessToken: string }[];
  stop(): Promise<void>;
}

/** `{al}` → `{al-sandbox}`: the sandbox never touches the state of a real org's loop. */
export function sandboxPrefix(prefix: string): string {
  return `${prefix.slice(0, -1)}-sandbox}`;
}

/**
 * Sandbox mode: the emulated org (loaded only here, by dynamic import), seeded with the demo data and the demo
 * configuration, and the integration user's client-credentials login, exactly as a real org would be reached.
 */
export async function startSandbox(input: {
  redis: Redis;
  prefix: string;
  seed: string;
  port: number;
  apiVersion: string;
  logger: Logger;
  /** POSTGRES_URL_DEMO is set: add the demo Postgres source. */
  warehouseDemo?: boolean;
}): Promise<Sandbox> {
  const { startSalesforceEmulator } = await import('@audience-loop/salesforce-emulator');
  const emulator = await startSalesforceEmulator({ port: input.port, seed: input.seed });
  const prefix = sandboxPrefix(input.prefix);
  const cleared = await deleteByPrefix(input.redis, prefix);
  input.logger.info({ prefix, cleared }, 'sandbox state reset (the emulated org is new at every start)');

  const admin = emulator.users.find((u) => u.role === 'admin');
  if (!admin) throw new Error('the emulator has no admin user');
  // The admin creates the demo configuration, as a person would in the setup tab.
  const asAdmin = new CollectionsClient(
    await connectOrg({
      mode: 'session',
      instanceUrl: emulator.instanceUrl,
      accessToken: admin.accessToken,
      apiVersion: input.apiVersion,
    }),
  );
  const create = async (object: string, rows: readonly Record<string, unknown>[]): Promise<string[]> => {
    const results = await asAdmin.save(
      'create',
      rows.map((fields) => ({ object, fields })),
    );
    const failed = results.filter((r) => !r.ok);
    if (failed.length > 0) throw new Error(`could not create the demo ${object}: ${JSON.stringify(failed)}`);
    return results.map((r) => r.id);
  };
  await create('Audience_Source__c', [...DEMO_SOURCES, ...(input.warehouseDemo ? [DEMO_WAREHOUSE_SOURCE] : [])]);
  await create('Audience_Field_Map__c', DEMO_FIELD_MAPS);
  const [firstAudience] = await create('Audience__c', DEMO_AUDIENCES);
  const [campaign] = await create('Campaign', [DEMO_CAMPAIGN]);
  await create('Audience_Action__c', demoActions(firstAudience as string, campaign as string));
  await create('Audience_Signal_Rule__c', DEMO_SIGNAL_RULES);
  input.logger.info(
    {
      instanceUrl: emulator.instanceUrl,
      sources: DEMO_SOURCES.length,
      fieldMaps: DEMO_FIELD_MAPS.length,
      audiences: DEMO_AUDIENCES.length,
      signalRules: DEMO_SIGNAL_RULES.length,
    },
    'sandbox org ready',
  );
  const preview = startSandboxPreview({
    sandboxPort: input.port,
    instanceUrl: emulator.instanceUrl,
    users: emulator.users,
    apiVersion: input.apiVersion,
    logger: input.logger,
    print: (line) => process.stderr.write(`${line}\n`),
  });
  return {
    credentials: {
      mode: 'client_credentials',
      apiVersion: input.apiVersion,
      loginUrl: emulator.loginUrl,
      clientId: emulator.clientId,
      clientSecret: emulator.clientSecret,
    },
    prefix,
    instanceUrl: emulator.instanceUrl,
    pubSubEndpoint: emulator.pubSubEndpoint,
    users: emulator.users,
    stop: async () => {
      await preview.stop();
      await emulator.stop();
    },
  };
}
