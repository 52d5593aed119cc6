import type { FailoverFigureResult } from './failover-figure';
import { shapeName, type WorkersFigureResult } from './workers-figure';

const round = (value: number, digits = 2) => Math.round(value * 10 ** digits) / 10 ** digits;

/** The JSON figures of the scale-out part (issue 17): the worker ratio and the stream failover. */
export function scaleoutFigures(w: WorkersFigureResult, f: FailoverFigureResult) {
  return {
    workers_1_p95_ms: w.byWorkers['1']?.p95Ms ?? Number.NaN,
    workers_2_p95_ms: w.byWorkers['2']?.p95Ms ?? Number.NaN,
    workers_1_burst_write_backs_per_s: w.byWorkers['1']?.burstPerS ?? Number.NaN,
    workers_2_burst_write_backs_per_s: w.byWorkers['2']?.burstPerS ?? Number.NaN,
    workers_ratio_burst_throughput: w.ratio.burstThroughput,
    workers_ratio_p95: w.ratio.p95,
    workers_single_process_p95_ms: w.byWorkers['0']?.p95Ms ?? Number.NaN,
    workers_single_process_burst_write_backs_per_s: w.byWorkers['0']?.burstPerS ?? Number.NaN,
    failover_lease_ms: f.leaseMs,
    failover_takeover_ms: f.takeoverMs,
    failover_resume_ms: f.resumeMs,
    failover_lost: f.lost,
    failover_edits_per_s: f.achievedEditsPerS,
  };
}

/** Table rows for the worker ratio: medians per shape, and the CPU each process took in the last phase of each. */
export function workersRows(w: WorkersFigureResult): [string, string, string, string][] {
  const rows: [string, string, string, string][] = [];
  for (const [workers, m] of Object.entries(w.byWorkers)) {
    const last = [...w.phases].reverse().find((p) => String(p.workers) === workers);
    rows.push([
      `${shapeName(Number(workers))}: p50/p95 (${w.editsPerS}/s × ${w.seconds} s)`,
      `${m.p50Ms} / ${m.p95Ms} ms; burst of ${w.burstEdits}: ${m.burstPerS} write-backs/s`,
      '',
      '',
    ]);
    rows.push([
      '  CPU s per process (last phase), worker CPU per 1000 write-backs',
      `${JSON.stringify(last?.cpuSeconds ?? {})}, ${m.workerCpuPer1000WriteBacks} s`,
      '',
      '',
    ]);
  }
  rows.push(['2 workers / 1 worker', `burst throughput ×${w.ratio.burstThroughput}, p95 ×${w.ratio.p95}`, '', '']);
  rows.push([
    '1 worker + 1 stream / one ROLE=all process',
    `burst throughput ×${w.splitOverSingle.burstThroughput}, p95 ×${w.splitOverSingle.p95}`,
    '',
    '',
  ]);
  return rows;
}

/** Table rows for the failover: takeover, first answer after the kill, and what was lost. */
export function failoverRows(f: FailoverFigureResult): [string, string, string, string][] {
  return [
    [
      `stream failover: kill -9 of the leader (lease ${f.leaseTtlMs} ms, ${f.achievedEditsPerS} edits/s)`,
      `stand-by holds the lease after ${round(f.leaseMs / 1000, 1)} s, follows after ${round(f.takeoverMs / 1000, 1)} s; ` +
        `first post-kill edit answered after ` +
        `${round(f.resumeMs / 1000, 1)} s`,
      '≤ 12 s',
      f.takeoverMs <= 12_000 ? 'met' : 'MISSED',
    ],
    [
      '  edits written back after the failover',
      `${f.stream.edits - f.lost} of ${f.stream.edits} edits (${f.lost} contacts lost, ${f.editsNotInOrg} refused ` +
        `by the org); p95 ${f.stream.latencyP95Ms} ms`,
      '0 lost',
      f.lost === 0 ? 'met' : 'MISSED',
    ],
  ];
}

/** The table of `--only workers` or `--only failover`. */
export function formatRows(rows: [string, string, string, string][]): string {
  const widths = [0, 1, 2, 3].map((i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows.map((r) => r.map((cell, i) => cell.padEnd(widths[i]!)).join('  ')).join('\n');
}
