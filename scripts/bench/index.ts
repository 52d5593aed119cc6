/**
 * `npm run bench -- [--records 20000] [--latency-ms 100] [--edits-per-s 200] [--stream-seconds 30]
 *   [--naive-sample 1000] [--json file] [--quick] [--sync-only] [--only actions] [--action-records 1000] [--server-heap-mb N]
 *   [--cpu-prof dir] [--bulk] [--redis-url redis://127.0.0.1:6379] [--echo] [--server-node-args="flags"] [--built]
 *   [--only warehouse] [--warehouse-rows 100000] [--postgres-url postgres://postgres@127.0.0.1:5432/test]
 *   [--only change-stream] [--only workers] [--only failover]`
 * Starts the Salesforce emulator and the server as separate processes and measures, side by side: the initial sync
 * (with and without per-call latency), the naive jsforce baseline, a change stream, a no-op second run, and the
 * action figure (1,000 records entering an audience with a Campaign action).
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { runActionFigure, type ActionFigureResult } from './action-figure';
import { benchFigures, formatActionTable, formatBenchTable, type BenchDetails } from './bench-report';
import { connectionAs, createBenchConfig } from './bench-config';
import { formatBreakdown } from './call-breakdown';
import { ChangeListener } from './change-listener';
import { runChangeStream } from './change-stream';
import { numberArg, parseCliArgs } from './cli-args';
import { formatSelfTime, newestProfile, topSelfTime } from './cpu-profile-summary';
import { costFigures, formatCostTable } from './cost-report';
import { startEmulatorProcess, type EmulatorProcess } from './emulator-process';
import { runInitialSync } from './initial-sync';
import { runNaiveBaseline } from './naive-baseline';
import { runNoopRerun } from './noop-rerun';
import { runWarehouseFigure, type WarehouseFigureResult } from './warehouse-figure';
import { failoverRows, formatRows, workersRows } from './scaleout-report';
import { runWorkersFigure, type WorkersFigureResult } from './workers-figure';
import { runFailoverFigure, type FailoverFigureResult } from './failover-figure';
import type { RedisPrefix } from './redis-prefix';
import { ServerProcess } from './server-process';

const args = parseCliArgs(process.argv.slice(2));
const quick = args.has('quick');
const records = numberArg(args, 'records', quick ? 2000 : 20_000);
const latencyMs = numberArg(args, 'latency-ms', 100);
const editsPerS = numberArg(args, 'edits-per-s', quick ? 100 : 200);
const streamSeconds = numberArg(args, 'stream-seconds', quick ? 5 : 30);
const naiveSample = Math.min(records, numberArg(args, 'naive-sample', quick ? 200 : 1000));
const redisUrl = String(args.get('redis-url') ?? process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
const jsonFile = args.get('json');
const echo = args.has('echo');
/**
 * Only the first initial sync (e.g. `--records 100000 --sync-only` for peak RSS at scale); `--only initial-sync` is
 * the same. `--runs N` repeats it on fresh emulators and prefixes and reports the medians (records/s varies with load).
 */
const syncOnly = args.has('sync-only') || args.get('only') === 'initial-sync';
const syncRuns = Math.max(1, numberArg(args, 'runs', 1));
/**
 * `--only change-stream`: the initial sync (which the stream needs: the mirror and ledger) and then only the change
 * stream, with the loop's API calls per 1,000 write-backs; `--records 6000` is enough for 200 edits/s × 30 s.
 */
const streamOnly = args.get('only') === 'change-stream';
/** `--only actions`: just the action figure (its own emulator and server), `--action-records` entries. */
const actionsOnly = args.get('only') === 'actions';
const actionRecords = numberArg(args, 'action-records', 1000);
/** `--cpu-prof [dir]` (default `.tmp/cpu-prof`): the server's V8 profile, and its top self-time functions printed. */
const cpuProfArg = args.get('cpu-prof');
const cpuProfDir = cpuProfArg === undefined ? undefined : cpuProfArg === true ? '.tmp/cpu-prof' : cpuProfArg;
if (cpuProfDir) mkdirSync(cpuProfDir, { recursive: true });
/** `--only warehouse`: just the warehouse figure, `--warehouse-rows` PostgreSQL rows (default 100,000). */
const warehouseOnly = args.get('only') === 'warehouse';
const warehouseRows = numberArg(args, 'warehouse-rows', quick ? 10_000 : 100_000);
const postgresUrl = String(
  args.get('postgres-url') ?? process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test',
);
/**
 * `--only workers`: the change stream with one ROLE=all process, then 1 and 2 `ROLE=worker` processes beside one
 * `ROLE=stream,scheduler` process, in the order all, 1, 2, 2, 1, all (`--quick`: all, 1, 2); `--workers-records`, `--burst-edits` (sent as fast as the rep's calls go).
 * `--only failover`: kill -9 of the stream leader with a stand-by, during `--edits-per-s` edits for
 * `--failover-seconds`, `--kill-at` seconds in. Both run in the full bench too.
 */
const workersOnly = args.get('only') === 'workers';
const failoverOnly = args.get('only') === 'failover';
const workersRecords = numberArg(args, 'workers-records', quick ? 1000 : 6000);
const burstEdits = numberArg(args, 'burst-edits', quick ? 1000 : 3000);
const failoverSeconds = numberArg(args, 'failover-seconds', quick ? 25 : 40);
const killAtS = numberArg(args, 'kill-at', quick ? 5 : 10);
/** `--server-heap-mb N` runs the server with --max-old-space-size=N (to see how much of its RSS is lazy GC). */
const serverNodeArgs = [
  ...(args.has('server-heap-mb') ? [`--max-old-space-size=${numberArg(args, 'server-heap-mb', 0)}`] : []),
  // `--cpu-prof <dir>`: the server writes a V8 CPU profile there when it stops (open it in Chrome DevTools).
  ...(cpuProfDir ? ['--cpu-prof', `--cpu-prof-dir=${cpuProfDir}`] : []),
  // `--server-node-args="--heapsnapshot-signal=SIGUSR2 …"`: more node flags for the server (memory diagnosis).
  ...serverNodeFlags(args.get('server-node-args')),
];

/**
 * The flags of `--server-node-args`. Its value starts with `--`, so only the `=` form carries it: a space-separated
 * value is parsed as a flag of its own and was dropped without a word (a day of runs "with" a flag ran without it).
 */
function serverNodeFlags(value: string | true | undefined): string[] {
  if (value === undefined) return [];
  if (value === true) throw new Error('--server-node-args needs its flags after an `=`: --server-node-args="--a --b"');
  return value.split(/\s+/).filter(Boolean);
}
const cwd = process.cwd();
// A million-record sync on a busy 2-core machine takes longer than an hour (200–280 records/s at load 20).
// `--timeout-min N` overrides it (a 1,000,000-record run beside other work needs more than 6 ms per record).
const timeoutMs = args.has('timeout-min')
  ? numberArg(args, 'timeout-min', 0) * 60_000
  : Math.max(30 * 60_000, records * 6);
// The REST (queryMore + Collections) path; the Bulk API 2.0 path (query, and ingest jobs for the writes above the
// default BULK_WRITE_THRESHOLD of 10,000 records) is measured in a run of its own.
const serverEnv = { BULK_QUERY_THRESHOLD: '1000000000', BULK_WRITE_THRESHOLD: '1000000000' };
const bulkServerEnv = { BULK_QUERY_THRESHOLD: '1' };
/** `--bulk`: the first (or only, with --sync-only) sync reads through Bulk API 2.0. */
const firstSyncEnv = args.has('bulk') ? bulkServerEnv : serverEnv;

const log = (line: string) => process.stderr.write(`[bench] ${line}\n`);
const tag = () => `{bench-${randomBytes(4).toString('hex')}}`;

async function checkRedis(): Promise<void> {
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: 1, lazyConnect: true, connectTimeout: 3000 });
  try {
    await redis.connect();
    if ((await redis.ping()) !== 'PONG') throw new Error('no PONG');
  } catch (error) {
    throw new Error(
      `Redis is not reachable at ${redisUrl} (${(error as Error).message}); start it or pass --redis-url`,
    );
  } finally {
    redis.disconnect();
  }
}

async function freshEmulator(): Promise<EmulatorProcess> {
  const emulator = await startEmulatorProcess({ contacts: records, cwd });
  await createBenchConfig(connectionAs(emulator.info, emulator.user('admin')));
  return emulator;
}

async function actionFigure(): Promise<ActionFigureResult> {
  log(`action figure: ${actionRecords} records entering an audience with a Campaign action, ${latencyMs} ms per call`);
  const action = await runActionFigure({
    cwd,
    redisUrl,
    prefix: tag(),
    records: actionRecords,
    latencyMs,
    echo,
    timeoutMs,
  });
  log(
    `  ${action.apiCallsPer1000.toFixed(2)} API calls per 1000 (${action.oneTimeCalls} at activation, ` +
      `${action.applicationCalls} for the applications), ${action.applicationsPerS.toFixed(1)} applications/s, ` +
      `statuses ${JSON.stringify(action.statuses)}, ${action.campaignMembers} campaign members, ` +
      `calls by route ${JSON.stringify(action.byRoute)}`,
  );
  log(`  activation calls: ${formatBreakdown(action.activationEndpoints)}`);
  log(`  application calls: ${formatBreakdown(action.applicationEndpoints)}`);
  return action;
}

/** After a profiled server stopped: its profile's top self-time functions, on stderr. */
function printProfile(): void {
  if (!cpuProfDir) return;
  const path = newestProfile(cpuProfDir);
  if (!path) {
    log(`no .cpuprofile in ${cpuProfDir}`);
    return;
  }
  process.stderr.write(`${formatSelfTime(topSelfTime(path, cwd, 30), path)}\n`);
}

async function warehouseFigure(): Promise<WarehouseFigureResult> {
  log(`warehouse figure: ${warehouseRows} PostgreSQL rows into new Contacts, ${latencyMs} ms per call`);
  const warehouse = await runWarehouseFigure({ cwd, redisUrl, postgresUrl, rows: warehouseRows, latencyMs });
  log(
    `  ${warehouse.recordsPerS.toFixed(1)} records/s, ${warehouse.apiCallsPer1000.toFixed(2)} API calls per 1000 ` +
      `(${warehouse.apiCalls} in all: ${JSON.stringify(warehouse.byRoute)}), peak RSS ${warehouse.peakRssMb} MB`,
  );
  return warehouse;
}

async function workersFigure(): Promise<WorkersFigureResult> {
  // 0 is one ROLE=all process (the single-process reference); 1 and 2 worker processes beside a stream process.
  const order = quick ? [0, 1, 2] : [0, 1, 2, 2, 1, 0];
  log(
    `workers figure: ${workersRecords} records, ${editsPerS} edits/s for ${streamSeconds} s and a burst of ` +
      `${burstEdits}, worker processes ${order.join(', ')}, ${latencyMs} ms per call`,
  );
  const workers = await runWorkersFigure({
    cwd,
    redisUrl,
    prefix: tag(),
    records: workersRecords,
    latencyMs,
    rate: editsPerS,
    seconds: streamSeconds,
    burstEdits,
    order,
    serverEnv,
    echo,
    timeoutMs,
    log,
  });
  log(
    `  2 workers / 1: burst throughput ×${workers.ratio.burstThroughput}, p95 ×${workers.ratio.p95} ` +
      `(${JSON.stringify(workers.byWorkers)})`,
  );
  return workers;
}

async function failoverFigure(): Promise<FailoverFigureResult> {
  const failoverRecords = Math.max(workersRecords, Math.round((editsPerS * failoverSeconds) / 2));
  log(
    `failover figure: ${failoverRecords} records, ${editsPerS} edits/s for ${failoverSeconds} s, ` +
      `kill -9 of the stream leader at ${killAtS} s`,
  );
  const failover = await runFailoverFigure({
    cwd,
    redisUrl,
    prefix: tag(),
    records: failoverRecords,
    latencyMs,
    rate: editsPerS,
    seconds: failoverSeconds,
    killAtS,
    serverEnv,
    echo,
    timeoutMs,
    log,
  });
  log(
    `  takeover ${failover.takeoverMs} ms, first answer to a post-kill edit ${failover.resumeMs} ms, ` +
      `lost ${failover.lost}, ${failover.achievedEditsPerS} edits/s achieved, p95 ${failover.stream.latencyP95Ms} ms`,
  );
  return failover;
}

/**
 * `--built`: the server runs as production starts it (`node dist/main.js` after `npm run build`), so its RSS holds no
 * TypeScript sources, source maps or tsx loader; without it, as `npm start` runs it (through tsx).
 */
function useBuiltServer(): void {
  log('building the server bundle (npm run build)');
  const build = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/build/build.ts'], { cwd, stdio: 'inherit' });
  if (build.status !== 0) throw new Error(`npm run build failed (exit ${build.status})`);
  ServerProcess.useBundle();
}

async function main(): Promise<void> {
  await checkRedis();
  if (args.has('built')) useBuiltServer();
  if (workersOnly || failoverOnly) {
    const workers = workersOnly ? await workersFigure() : undefined;
    const failover = failoverOnly ? await failoverFigure() : undefined;
    const out = { workers, failover, loadAverage: loadavg() };
    process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
    process.stdout.write(`\n${formatRows(workers ? workersRows(workers) : failover ? failoverRows(failover) : [])}\n`);
    if (typeof jsonFile === 'string') writeFileSync(jsonFile, `${JSON.stringify(out, null, 2)}\n`);
    return;
  }
  if (warehouseOnly) {
    const warehouse = await warehouseFigure();
    process.stdout.write(`${JSON.stringify(warehouse, null, 2)}\n`);
    if (typeof jsonFile === 'string') writeFileSync(jsonFile, `${JSON.stringify({ warehouse }, null, 2)}\n`);
    return;
  }
  if (actionsOnly) {
    const action = await actionFigure();
    process.stdout.write(`\n${formatActionTable(action)}\n`);
    if (typeof jsonFile === 'string') writeFileSync(jsonFile, `${JSON.stringify({ action }, null, 2)}\n`);
    return;
  }
  const cleanups: (() => Promise<unknown>)[] = [];
  const started = performance.now();
  try {
    log(`initial sync of ${records} records, ${latencyMs} ms per call`);
    const emulator = await freshEmulator();
    cleanups.push(() => emulator.stop());
    const admin = connectionAs(emulator.info, emulator.user('admin'));
    const listener = new ChangeListener(emulator.info.instanceUrl, emulator.user('admin').accessToken);
    cleanups.push(async () => listener.stop());
    await listener.ready();
    const first = await runInitialSync({
      cwd,
      emulator,
      redisUrl,
      prefix: tag(),
      records,
      latencyMs,
      serverEnv: firstSyncEnv,
      serverNodeArgs,
      echo,
      timeoutMs,
    });
    const server: ServerProcess = first.server;
    const redis: RedisPrefix = first.redis;
    // Cleanups run in reverse: the server stops before its keys are removed (a running one writes some again).
    cleanups.push(
      () => redis.clear().then(() => redis.close()),
      () => server.stop(),
    );
    log(`  ${first.result.recordsPerS.toFixed(1)} records/s, ${first.result.apiCalls} API calls`);
    if (syncOnly) {
      await server.stop();
      printProfile();
      const runs = [first.result];
      await redis.clear();
      await emulator.stop();
      for (let run = 2; run <= syncRuns; run += 1) {
        log(`initial sync ${run} of ${syncRuns}`);
        const again = await freshEmulator();
        cleanups.push(() => again.stop());
        const next = await runInitialSync({
          cwd,
          emulator: again,
          redisUrl,
          prefix: tag(),
          records,
          latencyMs,
          serverEnv: firstSyncEnv,
          serverNodeArgs,
          echo,
          timeoutMs,
        });
        cleanups.push(
          () => next.redis.clear().then(() => next.redis.close()),
          () => next.server.stop(),
        );
        log(
          `  ${next.result.recordsPerS.toFixed(1)} records/s, ${next.result.recordsPerCpuSecond.toFixed(0)} records/CPU-s`,
        );
        await next.server.stop();
        await next.redis.clear();
        await again.stop();
        runs.push(next.result);
      }
      const cost = costFigures(runs);
      process.stdout.write(`${formatCostTable(cost)}\n`);
      const out = { ...cost, runs };
      if (typeof jsonFile === 'string') writeFileSync(jsonFile, `${JSON.stringify(out, null, 2)}\n`);
      else process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
      return;
    }

    log(`change stream: ${editsPerS} edits/s for ${streamSeconds} s`);
    const ids = await admin.query<{ Id: string }>(`SELECT Id FROM Contact ORDER BY Id LIMIT ${records}`, {
      autoFetch: true,
      maxFetch: records,
    });
    const cpuBeforeStream = server.cpuSeconds();
    const stream = await runChangeStream({
      rep: connectionAs(emulator.info, emulator.user('rep')),
      repUserId: emulator.user('rep').id,
      integrationUserId: emulator.user('integration').id,
      listener,
      contactIds: ids.records.map((r) => r.Id).slice(0, Math.max(1, editsPerS * streamSeconds)),
      rate: editsPerS,
      seconds: streamSeconds,
      settleMs: 120_000,
      counters: () => emulator.control.counters(),
    });
    // CPU per write-back: what the loop spends per change, which the machine's load hardly changes.
    stream.serverCpuSeconds = server.cpuSeconds() - cpuBeforeStream;
    // An unanswered edit is either one whose write-back would change nothing or an event the stream gave up on.
    const metrics = await fetch(`http://127.0.0.1:${server.port}/metrics`).then((r) => r.text());
    const deadLettered = Number(/^audience_loop_dead_lettered_events_total (\d+)/m.exec(metrics)?.[1] ?? 0);
    log(
      `  p95 ${stream.latencyP95Ms} ms, ${stream.writeBacks} write-backs, ${stream.unmatched} unanswered, ` +
        `${deadLettered} change events dead-lettered`,
    );
    log(
      `  ${stream.apiCalls} API calls by the loop (${stream.apiCallsPer1000WriteBacks.toFixed(2)} per 1000 ` +
        `write-backs), calls by route ${JSON.stringify(stream.apiCallsByRoute)}, ` +
        `server CPU ${stream.serverCpuSeconds.toFixed(2)} s`,
    );
    await server.stop();
    printProfile();
    if (streamOnly) {
      const out = { stream, deadLettered, loadAverage: loadavg() };
      process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
      if (typeof jsonFile === 'string') writeFileSync(jsonFile, `${JSON.stringify(out, null, 2)}\n`);
      return;
    }

    log('second run over unchanged data');
    const noop = await runNoopRerun({ cwd, emulator, redis, redisUrl, serverEnv, timeoutMs });
    log(`  ${noop.writeCalls} write calls, ${noop.jobs} jobs`);

    log(`naive baseline on ${naiveSample} records`);
    const naive = await runNaiveBaseline({
      conn: connectionAs(emulator.info, emulator.user('integration')),
      control: emulator.control,
      integrationUserId: emulator.user('integration').id,
      sample: naiveSample,
    });
    log(`  ${naive.recordsPerS.toFixed(2)} records/s, ${naive.apiCalls} API calls`);
    listener.stop();
    await emulator.stop();
    await redis.clear();

    log(`initial sync of ${records} records, 0 ms per call`);
    const emulator0 = await freshEmulator();
    cleanups.push(() => emulator0.stop());
    const second = await runInitialSync({
      cwd,
      emulator: emulator0,
      redisUrl,
      prefix: tag(),
      records,
      latencyMs: 0,
      serverEnv,
      serverNodeArgs,
      echo,
      timeoutMs,
    });
    cleanups.push(
      () => second.redis.clear().then(() => second.redis.close()),
      () => second.server.stop(),
    );
    log(`  ${second.result.recordsPerS.toFixed(1)} records/s`);
    await second.server.stop();
    await emulator0.stop();
    await second.redis.clear();

    log(`initial sync of ${records} records through Bulk API 2.0, ${latencyMs} ms per call`);
    const emulatorBulk = await freshEmulator();
    cleanups.push(() => emulatorBulk.stop());
    const bulk = await runInitialSync({
      cwd,
      emulator: emulatorBulk,
      redisUrl,
      prefix: tag(),
      records,
      latencyMs,
      serverEnv: bulkServerEnv,
      serverNodeArgs,
      echo,
      timeoutMs,
    });
    cleanups.push(
      () => bulk.redis.clear().then(() => bulk.redis.close()),
      () => bulk.server.stop(),
    );
    log(`  ${bulk.result.recordsPerS.toFixed(1)} records/s, ${bulk.result.apiCalls} API calls`);
    await bulk.server.stop();
    await emulatorBulk.stop();

    const action = await actionFigure();
    const warehouse = await warehouseFigure();
    const workers = await workersFigure();
    const failover = await failoverFigure();

    const details: BenchDetails = {
      sync: first.result,
      syncNoLatency: second.result,
      syncBulk: bulk.result,
      naive,
      stream,
      noop,
      action,
      warehouse,
      workers,
      failover,
      machine: {
        cpus: cpus().length,
        model: cpus()[0]?.model ?? 'unknown',
        memoryGb: Math.round(totalmem() / 2 ** 30),
        node: process.version,
        loadAverage: loadavg(),
      },
    };
    const figures = benchFigures(latencyMs, details);
    process.stdout.write(`\n${formatBenchTable(figures, details)}\n`);
    log(`done in ${((performance.now() - started) / 1000).toFixed(0)} s`);
    if (typeof jsonFile === 'string') {
      writeFileSync(jsonFile, `${JSON.stringify({ ...figures, details }, null, 2)}\n`);
      log(`figures written to ${jsonFile}`);
    }
  } finally {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`bench failed: ${(error as Error).stack ?? String(error)}\n`);
    process.exit(1);
  },
);
