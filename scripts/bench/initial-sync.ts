import { loadavg } from 'node:os';
import type { EmulatorProcess } from './emulator-process';
import { countEnriched } from './org-probe';
import { RedisPrefix } from './redis-prefix';
import { ServerProcess } from './server-process';
import { connectionAs } from './bench-config';
import type { FamilyBytes } from './redis-families';

export interface SyncResult {
  records: number;
  seconds: number;
  recordsPerS: number;
  apiCalls: number;
  apiCallsByRoute: Record<string, number>;
  apiCallsPer1000: number;
  peakRssMb: number;
  redisBytesPerRecord: number;
  redisKeys: number;
  /** MEMORY USAGE by key family after the sync (mirror, ledger, echo, membership, intake, caches, queues, other). */
  redisBytesByFamily: FamilyBytes;
  echoJobs: number;
  enriched: number;
  /** CPU seconds the server used for the sync, and the rate one dedicated core would give at that cost. */
  serverCpuSeconds: number;
  recordsPerCpuSecond: number;
  /** 1-minute load average at the end (the machine is shared: a high value means the rate is understated). */
  loadAverage: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * One initial sync through a fresh server process: the clock starts at the server's first Salesforce call and
 * stops when the server reports its import drained and the org shows every record stamped. The server is left
 * running (the change-stream and no-op phases use it) unless `stopAfter` is set.
 */
export async function runInitialSync(input: {
  cwd: string;
  emulator: EmulatorProcess;
  redisUrl: string;
  prefix: string;
  records: number;
  latencyMs: number;
  echoSettleMs?: number;
  serverEnv?: Record<string, string>;
  serverNodeArgs?: string[];
  echo?: boolean;
  timeoutMs: number;
}): Promise<{ result: SyncResult; server: ServerProcess; redis: RedisPrefix }> {
  const { emulator } = input;
  const redis = new RedisPrefix(input.redisUrl, input.prefix);
  await redis.clear();
  await emulator.control.latency(input.latencyMs);
  await emulator.control.resetCounters();
  const integrationId = emulator.user('integration').id;
  const server = await ServerProcess.start({
    cwd: input.cwd,
    emulator: emulator.info,
    redisUrl: input.redisUrl,
    prefix: input.prefix,
    env: input.serverEnv,
    echo: input.echo,
    nodeArgs: input.serverNodeArgs,
  });
  // The clock starts at the server's first call (its token request), so tsx's compile time is not counted.
  let started = 0;
  let cpuAtStart = 0;
  const startWatch = (async () => {
    while (!started && server.running) {
      const counters = await emulator.control.counters().catch(() => undefined);
      if (counters && counters.total > 0) {
        started = performance.now();
        cpuAtStart = server.cpuSeconds();
      } else await sleep(20);
    }
  })();
  const admin = connectionAs(emulator.info, emulator.user('admin'));
  await server.initialSyncDone(input.timeoutMs);
  await startWatch;
  // The server prints its summary once the intake drained and the writer flushed: the org holds every write.
  const finished = performance.now();
  const serverCpuSeconds = server.cpuSeconds() - cpuAtStart;
  const enriched = await countEnriched(admin);
  const counters = await emulator.control.counters();
  // Only the integration user's calls are the loop's (the admin's probes above are not).
  const apiCalls = counters.byUser[integrationId] ?? 0;
  // Our writes' change events reach the server after the sync; none of them may become a job.
  await sleep(input.echoSettleMs ?? 3000);
  const echoJobs = await redis.intakeAdded();
  const memory = await redis.memory();
  const seconds = (finished - started) / 1000;
  return {
    server,
    redis,
    result: {
      records: input.records,
      seconds,
      recordsPerS: input.records / seconds,
      apiCalls,
      apiCallsByRoute: counters.byRoute,
      apiCallsPer1000: (apiCalls / input.records) * 1000,
      peakRssMb: server.peakRss / 1024 / 1024,
      redisBytesPerRecord: memory.bytes / input.records,
      redisKeys: memory.keys,
      redisBytesByFamily: memory.byFamily,
      echoJobs,
      enriched,
      serverCpuSeconds,
      recordsPerCpuSecond: input.records / serverCpuSeconds,
      loadAverage: loadavg()[0] ?? 0,
    },
  };
}
