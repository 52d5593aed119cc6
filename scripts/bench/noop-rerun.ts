import type { EmulatorProcess } from './emulator-process';
import type { RedisPrefix } from './redis-prefix';
import { ServerProcess } from './server-process';

export interface NoopResult {
  writeCalls: number;
  jobs: number;
  seconds: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * A second full import over data the first one already enriched: a new server process on the same Redis state,
 * with the source's "synced" mark removed so it reads every record again. Write calls (Composite and Collections
 * requests) must be 0, and so must the intake jobs it causes.
 */
export async function runNoopRerun(input: {
  cwd: string;
  emulator: EmulatorProcess;
  redis: RedisPrefix;
  redisUrl: string;
  serverEnv?: Record<string, string>;
  timeoutMs: number;
}): Promise<NoopResult> {
  const { emulator, redis } = input;
  let cursor = '0';
  do {
    const [next, keys] = await redis.redis.scan(cursor, 'MATCH', `${redis.prefix}:import:*`, 'COUNT', 1000);
    cursor = next;
    if (keys.length > 0) await redis.redis.del(...keys);
  } while (cursor !== '0');
  const jobsBefore = await redis.intakeAdded();
  const before = (await emulator.control.counters()).byRoute;
  const start = performance.now();
  const server = await ServerProcess.start({
    cwd: input.cwd,
    emulator: emulator.info,
    redisUrl: input.redisUrl,
    prefix: redis.prefix,
    env: input.serverEnv,
  });
  try {
    await server.initialSyncDone(input.timeoutMs);
    const seconds = (performance.now() - start) / 1000;
    await sleep(2000);
    const after = (await emulator.control.counters()).byRoute;
    const writes = (routes: Record<string, number>) => (routes.composite ?? 0) + (routes.collections ?? 0);
    return {
      writeCalls: writes(after) - writes(before),
      jobs: (await redis.intakeAdded()) - jobsBefore,
      seconds,
    };
  } finally {
    await server.stop();
  }
}
