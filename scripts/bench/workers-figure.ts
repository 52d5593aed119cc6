import { loadavg } from 'node:os';
import { followsStream, untilReadyz } from '../../test/e2e/support/role-processes';
import { connectionAs } from './bench-config';
import { runChangeStream, type StreamResult } from './change-stream';
import { cpuDelta, topologyOn, type CpuByProcess } from './role-topology';
import { startSyncedOrg, type SyncedOrg } from './synced-org';

/**
 * One deployment shape measured: `workers` worker processes beside one stream process, or (`workers: 0`) the one
 * `ROLE=all` process of a single-process deployment, as the reference for the split.
 */
export interface WorkersPhase {
  workers: number;
  /** `rate` edits/s for `seconds`: the p95 change → write-back a rep sees. */
  paced: StreamResult;
  /** `burstEdits` sent as fast as the rep's calls go: write-backs per second while the backlog drains. */
  burst: StreamResult;
  /** CPU seconds per process over both parts (`stream`, `worker-1`, `worker-2`, `emulator`, `bench`). */
  cpuSeconds: CpuByProcess;
  /** Worker CPU seconds per 1,000 write-backs (both parts), summed over the worker processes. */
  workerCpuPer1000WriteBacks: number;
}

export interface WorkersFigureResult {
  records: number;
  latencyMs: number;
  editsPerS: number;
  seconds: number;
  burstEdits: number;
  /** The phases in the order they ran (e.g. 1, 2, 2, 1: drift of the machine's load falls on both shapes alike). */
  phases: WorkersPhase[];
  /** Medians over the phases of each shape. */
  byWorkers: Record<string, { p95Ms: number; p50Ms: number; burstPerS: number; workerCpuPer1000WriteBacks: number }>;
  /** Two workers over one, from the medians: > 1 for throughput, < 1 for p95, means the second worker helped. */
  ratio: { burstThroughput: number; p95: number };
  /** One worker + one stream process over one `ROLE=all` process (when the order has a 0). */
  splitOverSingle: { burstThroughput: number; p95: number };
  loadAverage: number[];
}

const BURST_RATE = 1000;

/**
 * The change-stream scenario with 1 and then 2 `ROLE=worker` processes beside one `ROLE=stream,scheduler` process,
 * each its own OS process against the emulator and Redis (docs/deploy.md): the p95 change → write-back at a paced
 * rate, the write-back rate while a burst drains, and each process's CPU. One org and prefix for every phase (each
 * phase's edits go on from the last, so every edit needs a write-back).
 */
export async function runWorkersFigure(input: {
  cwd: string;
  redisUrl: string;
  prefix: string;
  records: number;
  latencyMs: number;
  rate: number;
  seconds: number;
  burstEdits: number;
  /** Worker counts in the order to run them. */
  order: number[];
  serverEnv: Record<string, string>;
  echo?: boolean;
  timeoutMs: number;
  log: (line: string) => void;
}): Promise<WorkersFigureResult> {
  const org = await startSyncedOrg(input);
  try {
    const flips = new Map<string, number>();
    const phases: WorkersPhase[] = [];
    for (const workers of input.order) {
      input.log(`workers: ${shapeName(workers)}`);
      const phase = await runPhase(org, workers, flips, input);
      input.log(
        `  paced ${phase.paced.edits} edits: p95 ${phase.paced.latencyP95Ms} ms, ${phase.paced.unmatched} unanswered; ` +
          `burst ${phase.burst.edits} edits: ${phase.burst.sustainedEventsPerS.toFixed(1)} write-backs/s, ` +
          `${phase.burst.unmatched} unanswered; CPU s ${JSON.stringify(phase.cpuSeconds)}`,
      );
      phases.push(phase);
    }
    const byWorkers: WorkersFigureResult['byWorkers'] = {};
    for (const workers of [...new Set(input.order)]) {
      const of = phases.filter((p) => p.workers === workers);
      byWorkers[String(workers)] = {
        p95Ms: median(of.map((p) => p.paced.latencyP95Ms)),
        p50Ms: median(of.map((p) => p.paced.latencyP50Ms)),
        burstPerS: round(median(of.map((p) => p.burst.sustainedEventsPerS))),
        workerCpuPer1000WriteBacks: round(median(of.map((p) => p.workerCpuPer1000WriteBacks))),
      };
    }
    const single = byWorkers['0'];
    const one = byWorkers['1'];
    const two = byWorkers['2'];
    return {
      records: input.records,
      latencyMs: input.latencyMs,
      editsPerS: input.rate,
      seconds: input.seconds,
      burstEdits: input.burstEdits,
      phases,
      byWorkers,
      ratio: {
        burstThroughput: one && two ? round(two.burstPerS / one.burstPerS) : Number.NaN,
        p95: one && two ? round(two.p95Ms / one.p95Ms) : Number.NaN,
      },
      splitOverSingle: {
        burstThroughput: single && one ? round(one.burstPerS / single.burstPerS) : Number.NaN,
        p95: single && one ? round(one.p95Ms / single.p95Ms) : Number.NaN,
      },
      loadAverage: loadavg(),
    };
  } finally {
    await org.stop();
  }
}

async function runPhase(
  org: SyncedOrg,
  workers: number,
  flips: Map<string, number>,
  input: Parameters<typeof runWorkersFigure>[0],
): Promise<WorkersPhase> {
  const { emulator } = org;
  const topology = topologyOn(org, input);
  try {
    const stream = await topology.start(
      workers === 0 ? 'all-in-one' : 'stream',
      workers === 0 ? 'all' : 'stream,scheduler',
    );
    const started = workers === 0 ? [stream] : [];
    for (let w = 1; w <= workers; w += 1) started.push(await topology.start(`worker-${w}`, 'worker'));
    await untilReadyz(stream, 'the stream process follows the stream', followsStream);
    // A worker prints "Following changes" once it has drained what was queued before it started.
    await Promise.all(started.map((worker) => worker.initialSyncDone(input.timeoutMs)));
    const common = {
      rep: connectionAs(emulator.info, emulator.user('rep')),
      repUserId: emulator.user('rep').id,
      integrationUserId: emulator.user('integration').id,
      listener: org.listener,
      settleMs: 180_000,
      counters: () => emulator.control.counters(),
      flips,
    };
    const before = topology.cpu();
    const paced = await runChangeStream({
      ...common,
      contactIds: org.contactIds.slice(0, Math.max(1, Math.round(input.rate * input.seconds))),
      rate: input.rate,
      seconds: input.seconds,
    });
    const burst = await runChangeStream({
      ...common,
      contactIds: org.contactIds.slice(0, Math.max(1, input.burstEdits)),
      rate: BURST_RATE,
      seconds: input.burstEdits / BURST_RATE,
    });
    const cpuSeconds = cpuDelta(before, topology.cpu());
    const workerCpu = Object.entries(cpuSeconds)
      .filter(([name]) => name.startsWith('worker-') || name === 'all-in-one')
      .reduce((sum, [, seconds]) => sum + seconds, 0);
    const writeBacks = paced.writeBacks + burst.writeBacks;
    return {
      workers,
      paced,
      burst,
      cpuSeconds,
      workerCpuPer1000WriteBacks: writeBacks > 0 ? round((workerCpu / writeBacks) * 1000) : 0,
    };
  } finally {
    await topology.stopAll();
  }
}

const round = (n: number) => Math.round(n * 100) / 100;

/** The middle value, or the mean of the middle two (two phases of a shape are the common case). */
function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  if (sorted.length === 0) return Number.NaN;
  return sorted.length % 2 === 1
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

export function shapeName(workers: number): string {
  return workers === 0 ? 'one ROLE=all process' : `${workers} ROLE=worker process(es) + 1 ROLE=stream,scheduler`;
}
