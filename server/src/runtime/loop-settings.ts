import type { Env } from '../env/env';
import { readWarehouseConnections } from '../env/warehouse-connections';
import type { LoopSettings } from './compose';

/** The loop's settings as the environment gives them (the service and every script read the same ones). */
export function loopSettingsFromEnv(
  env: Env,
  prefix: string = env.REDIS_PREFIX,
  /** Where POSTGRES_URL_<NAME> connections are read (loadEnv has already refused bad ones). */
  variables: NodeJS.ProcessEnv = process.env,
): LoopSettings {
  return {
    prefix,
    bulkThreshold: env.BULK_QUERY_THRESHOLD,
    bulkWrites: { threshold: env.BULK_WRITE_THRESHOLD },
    defaultRegion: env.DEFAULT_PHONE_REGION,
    budget: { pauseAt: env.API_BUDGET_PAUSE, stopAt: env.API_BUDGET_STOP },
    recordRequestsPerHour: env.RECORD_REQUESTS_PER_HOUR,
    cdcTransport:
      env.CDC_TRANSPORT === 'pubsub' ? { kind: 'pubsub', endpoint: env.PUBSUB_ENDPOINT } : { kind: 'cometd' },
    warehouse: { connections: readWarehouseConnections(variables).connections },
  };
}
