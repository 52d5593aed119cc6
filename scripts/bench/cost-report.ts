import type { SyncResult } from './initial-sync';
import { REDIS_FAMILIES, type RedisFamily } from './redis-families';

/** Cost per record of initial syncs (issue 19): Redis bytes by key family and server CPU, medians over the runs. */
export interface CostFigures {
  records: number;
  runs: number;
  /** Median over the runs. */
  records_per_s: number;
  records_per_cpu_second: number;
  server_cpu_ms_per_record: number;
  redis_bytes_per_record: number;
  redis_keys: number;
  redis_bytes_by_family: Record<RedisFamily, { bytes: number; keys: number; bytes_per_record: number }>;
  peak_rss_mb: number;
  api_calls_per_1000: number;
}

const round = (value: number, digits = 1) => Math.round(value * 10 ** digits) / 10 ** digits;

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

export function costFigures(runs: SyncResult[]): CostFigures {
  const first = runs[0] as SyncResult;
  const perRecordCpu = median(runs.map((r) => r.recordsPerCpuSecond));
  // Redis state is deterministic for a given record count: the first run's breakdown stands for all.
  const byFamily = Object.fromEntries(
    REDIS_FAMILIES.map((family) => {
      const { bytes, keys } = first.redisBytesByFamily[family];
      return [family, { bytes, keys, bytes_per_record: round(bytes / first.records, 0) }];
    }),
  ) as CostFigures['redis_bytes_by_family'];
  return {
    records: first.records,
    runs: runs.length,
    records_per_s: round(median(runs.map((r) => r.recordsPerS))),
    records_per_cpu_second: round(perRecordCpu, 0),
    server_cpu_ms_per_record: round(1000 / perRecordCpu, 3),
    redis_bytes_per_record: round(first.redisBytesPerRecord, 0),
    redis_keys: first.redisKeys,
    redis_bytes_by_family: byFamily,
    peak_rss_mb: round(Math.max(...runs.map((r) => r.peakRssMb))),
    api_calls_per_1000: round(median(runs.map((r) => r.apiCallsPer1000)), 2),
  };
}

export function formatCostTable(c: CostFigures): string {
  const rows: [string, string][] = [
    ['records', String(c.records)],
    [`records/s (median of ${c.runs})`, String(c.records_per_s)],
    ['records per server CPU-second (median)', `${c.records_per_cpu_second} (goal ≥ 4000)`],
    ['server CPU per record', `${c.server_cpu_ms_per_record} ms`],
    ['Redis bytes per record', `${c.redis_bytes_per_record} (goal ≤ 1000), ${c.redis_keys} keys`],
    ...REDIS_FAMILIES.map((family): [string, string] => {
      const f = c.redis_bytes_by_family[family];
      return [`  ${family}`, `${f.bytes_per_record} B/record (${f.bytes} B in ${f.keys} keys)`];
    }),
    ['peak RSS of the server', `${c.peak_rss_mb} MB`],
    ['API calls per 1000', String(c.api_calls_per_1000)],
  ];
  const width = Math.max(...rows.map((r) => r[0].length));
  return rows.map(([name, value]) => `${name.padEnd(width)}  ${value}`).join('\n');
}
