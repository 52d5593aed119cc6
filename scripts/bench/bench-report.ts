import type { ActionFigureResult } from './action-figure';
import type { NaiveResult } from './naive-baseline';
import type { NoopResult } from './noop-rerun';
import type { StreamResult } from './change-stream';
import type { SyncResult } from './initial-sync';
import type { WarehouseFigureResult } from './warehouse-figure';
import type { WorkersFigureResult } from './workers-figure';
import type { FailoverFigureResult } from './failover-figure';
import { failoverRows, scaleoutFigures, workersRows } from './scaleout-report';

export interface BenchFigures {
  records: number;
  latency_ms: number;
  seconds: number;
  records_per_s: number;
  records_per_s_no_latency: number;
  api_calls_per_1000: number;
  /** The same sync with the source read through Bulk API 2.0. */
  api_calls_per_1000_bulk: number;
  records_per_s_bulk: number;
  naive_records_per_s: number;
  naive_api_calls_per_1000: number;
  speedup: number;
  latency_p50_ms: number;
  latency_p95_ms: number;
  latency_p99_ms: number;
  /** The loop's API calls during the change stream per 1,000 write-backs (issue 19: ≤ 10). */
  stream_api_calls_per_1000_write_backs: number;
  peak_rss_mb: number;
  redis_bytes_per_record: number;
  /** MEMORY USAGE by key family after the first sync. */
  redis_bytes_by_family: SyncResult['redisBytesByFamily'];
  /** Records per server CPU-second in the first sync (the cost of a record, whatever else runs on the machine). */
  records_per_cpu_second: number;
  noop_write_calls: number;
  echo_jobs: number;
  /** 1,000 records entering an audience with a Campaign action (`--only actions` runs just this part). */
  action_api_calls_per_1000: number;
  /** …of which the activation's one-time calls, and the applications' own calls per 1,000. */
  action_one_time_calls: number;
  action_application_calls_per_1000: number;
  action_applications_per_s: number;
  /** 100,000 PostgreSQL rows of a warehouse source into new Contacts (`--only warehouse` runs just this part). */
  warehouse_rows: number;
  warehouse_records_per_s: number;
  warehouse_api_calls_per_1000: number;
  warehouse_peak_rss_mb: number;
  /** Issue 17: 1 vs 2 worker processes, and the stream leader's kill -9 (`--only workers`, `--only failover`). */
  scaleout: ReturnType<typeof scaleoutFigures>;
}

export interface BenchDetails {
  sync: SyncResult;
  syncNoLatency: SyncResult;
  syncBulk: SyncResult;
  naive: NaiveResult;
  stream: StreamResult;
  noop: NoopResult;
  action: ActionFigureResult;
  warehouse: WarehouseFigureResult;
  workers: WorkersFigureResult;
  failover: FailoverFigureResult;
  machine: { cpus: number; model: string; memoryGb: number; node: string; loadAverage: number[] };
}

const round = (value: number, digits = 1) => Math.round(value * 10 ** digits) / 10 ** digits;

export function benchFigures(latencyMs: number, d: BenchDetails): BenchFigures {
  return {
    records: d.sync.records,
    latency_ms: latencyMs,
    seconds: round(d.sync.seconds, 2),
    records_per_s: round(d.sync.recordsPerS),
    records_per_s_no_latency: round(d.syncNoLatency.recordsPerS),
    api_calls_per_1000: round(d.sync.apiCallsPer1000, 2),
    api_calls_per_1000_bulk: round(d.syncBulk.apiCallsPer1000, 2),
    records_per_s_bulk: round(d.syncBulk.recordsPerS),
    naive_records_per_s: round(d.naive.recordsPerS, 2),
    naive_api_calls_per_1000: round(d.naive.apiCallsPer1000),
    speedup: round(d.sync.recordsPerS / d.naive.recordsPerS),
    latency_p50_ms: round(d.stream.latencyP50Ms, 0),
    latency_p95_ms: round(d.stream.latencyP95Ms, 0),
    latency_p99_ms: round(d.stream.latencyP99Ms, 0),
    stream_api_calls_per_1000_write_backs: round(d.stream.apiCallsPer1000WriteBacks, 2),
    peak_rss_mb: round(Math.max(d.sync.peakRssMb, d.syncNoLatency.peakRssMb, d.syncBulk.peakRssMb)),
    redis_bytes_per_record: round(d.sync.redisBytesPerRecord, 0),
    redis_bytes_by_family: d.sync.redisBytesByFamily,
    records_per_cpu_second: round(d.sync.recordsPerCpuSecond, 0),
    noop_write_calls: d.noop.writeCalls,
    echo_jobs: d.sync.echoJobs + d.noop.jobs,
    action_api_calls_per_1000: round(d.action.apiCallsPer1000, 2),
    action_one_time_calls: d.action.oneTimeCalls,
    action_application_calls_per_1000: round(d.action.applicationCallsPer1000, 2),
    action_applications_per_s: round(d.action.applicationsPerS),
    warehouse_rows: d.warehouse.rows,
    warehouse_records_per_s: round(d.warehouse.recordsPerS),
    warehouse_api_calls_per_1000: round(d.warehouse.apiCallsPer1000, 2),
    warehouse_peak_rss_mb: d.warehouse.peakRssMb,
    scaleout: scaleoutFigures(d.workers, d.failover),
  };
}

/** The side-by-side table the bench prints, with each goal and whether it was met. */
export function formatBenchTable(f: BenchFigures, d: BenchDetails): string {
  const rows: [string, string, string, string][] = [
    ['initial sync', `${f.records} records in ${f.seconds} s`, '', ''],
    ['records/s (latency ' + f.latency_ms + ' ms)', String(f.records_per_s), '≥ 2000', mark(f.records_per_s >= 2000)],
    ['records/s (latency 0 ms)', String(f.records_per_s_no_latency), '', ''],
    [
      'server CPU per 1000 records',
      `${round((d.sync.serverCpuSeconds / d.sync.records) * 1000, 2)} s (${round(d.sync.recordsPerCpuSecond)} records/CPU-s)`,
      '',
      '',
    ],
    ['API calls per 1000 (Collections path)', String(f.api_calls_per_1000), '≤ 6', mark(f.api_calls_per_1000 <= 6)],
    [
      'API calls per 1000 (Bulk path)',
      `${f.api_calls_per_1000_bulk} (${f.records_per_s_bulk} records/s)`,
      '≤ 1',
      mark(f.api_calls_per_1000_bulk <= 1),
    ],
    ['naive baseline records/s', `${f.naive_records_per_s} (${d.naive.records} records)`, '', ''],
    ['naive baseline API calls per 1000', String(f.naive_api_calls_per_1000), '', ''],
    ['speedup over naive', `${f.speedup}×`, '≥ 50×', mark(f.speedup >= 50)],
    [
      'API calls vs naive',
      `1/${round(f.naive_api_calls_per_1000 / f.api_calls_per_1000, 0)}`,
      '≤ 1/100',
      mark(f.api_calls_per_1000 * 100 <= f.naive_api_calls_per_1000),
    ],
    [
      `change → write-back p50/p95/p99 (${d.stream.editsPerS}/s × ${round(d.stream.seconds, 0)} s)`,
      `${f.latency_p50_ms} / ${f.latency_p95_ms} / ${f.latency_p99_ms} ms`,
      'p95 ≤ 1000',
      mark(f.latency_p95_ms <= 1000),
    ],
    [
      'API calls per 1000 write-backs (change stream)',
      `${f.stream_api_calls_per_1000_write_backs} (${d.stream.apiCalls} calls)`,
      '≤ 10',
      mark(f.stream_api_calls_per_1000_write_backs <= 10),
    ],
    [
      'sustained write-back events/s',
      `${round(d.stream.sustainedEventsPerS)} (${d.stream.writeBacks} write-backs for ${d.stream.edits} edits, ${d.stream.unmatched} unanswered)`,
      '',
      '',
    ],
    ['peak RSS of the server', `${f.peak_rss_mb} MB`, '≤ 300 MB at 100k', mark(f.peak_rss_mb <= 300)],
    ['Redis memory per mirrored record', `${f.redis_bytes_per_record} B (${d.sync.redisKeys} keys)`, '', ''],
    ['no-op rerun: write calls', String(f.noop_write_calls), '0', mark(f.noop_write_calls === 0)],
    ['echo jobs (jobs caused by our own writes)', String(f.echo_jobs), '0', mark(f.echo_jobs === 0)],
    ...actionRows(d.action),
    ...warehouseRows(d.warehouse),
    ...workersRows(d.workers),
    ...failoverRows(d.failover),
  ];
  const widths = [0, 1, 2, 3].map((i) => Math.max(...rows.map((r) => r[i]!.length)));
  const line = (r: string[]) => r.map((cell, i) => cell.padEnd(widths[i]!)).join('  ');
  const m = d.machine;
  return [
    line(['measure', 'value', 'goal', '']),
    line(widths.map((w) => '-'.repeat(w))),
    ...rows.map(line),
    '',
    `machine: ${m.cpus} × ${m.model}, ${m.memoryGb} GB, Node ${m.node}, load average ${m.loadAverage.map((l) => l.toFixed(1)).join(' ')}`,
  ].join('\n');
}

/** The action figure's rows: calls per 1,000 applications (goal ≤ 12 with Collections) and applications/s. */
export function actionRows(a: ActionFigureResult): [string, string, string, string][] {
  const per1000 = round(a.apiCallsPer1000, 2);
  return [
    [
      `action: API calls per 1000 Campaign applications (latency ${a.latencyMs} ms)`,
      `${per1000} (${a.apiCalls} calls for ${a.applications} entries)`,
      '≤ 12',
      mark(per1000 <= 12),
    ],
    [
      '  of which: activation (one-time) / applications',
      `${a.oneTimeCalls} / ${a.applicationCalls} (${round(a.applicationCallsPer1000, 2)} per 1000 applications)`,
      '',
      '',
    ],
    [
      'action: applications/s',
      `${round(a.applicationsPerS)} (${round(a.seconds, 1)} s; ${round(a.secondsFromActivation, 1)} s from activation)`,
      '',
      '',
    ],
  ];
}

/** The action part alone (`--only actions`). */
export function formatActionTable(a: ActionFigureResult): string {
  const rows = actionRows(a);
  const widths = [0, 1, 2, 3].map((i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows.map((r) => r.map((cell, i) => cell.padEnd(widths[i]!)).join('  ')).join('\n');
}

function mark(ok: boolean): string {
  return ok ? 'met' : 'MISSED';
}

/** The warehouse figure's rows of the table: a Postgres source creating Contacts. */
export function warehouseRows(w: WarehouseFigureResult): [string, string, string, string][] {
  return [
    [
      `warehouse import (${w.rows} Postgres rows, latency ${w.latencyMs} ms)`,
      `${round(w.recordsPerS)} records/s`,
      '',
      '',
    ],
    ['warehouse API calls per 1000', String(round(w.apiCallsPer1000, 2)), '≤ 3', mark(w.apiCallsPer1000 <= 3)],
    ['warehouse importer peak RSS', `${w.peakRssMb} MB`, '≤ 300 MB', mark(w.peakRssMb <= 300)],
  ];
}
