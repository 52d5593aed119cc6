/** A check's structured finding: a JSON object, shown as it is in the body (never a JSON string inside the JSON). */
export type ReadinessData = { readonly [key: string]: unknown };

/**
 * What one check found. `detail` is words when words say it all ('connecting', 'no PONG within 1 s') and an object
 * when it is data (the stream's status, the API budget's snapshot); a check may add named fields of its own
 * (`providers` of the enrichment check). `degraded` says, in a few words without personal data, why a dependency
 * that works is not working fully (the stream lags, the API budget is stopped); it leaves the service ready.
 */
export interface ReadinessResult {
  ok: boolean;
  detail?: string | ReadinessData;
  degraded?: string;
  [extra: string]: unknown;
}

/** One dependency the service needs to do its work; /readyz reports each by name. */
export interface ReadinessCheck {
  name: string;
  check(): Promise<ReadinessResult>;
}

/** `not_ready` (HTTP 503) only when a check is down; `degraded` (HTTP 200) when one works only in part. */
export type ReadinessStatus = 'ready' | 'degraded' | 'not_ready';

/** A check as an anonymous caller sees it: its state, never its detail. */
export type CheckState = 'ok' | 'degraded' | 'down';

export interface ReadinessReport {
  ready: boolean;
  status: ReadinessStatus;
  /** Why the service is degraded or not ready, one short line per check that is. */
  reasons: string[];
  checks: Record<string, ReadinessResult>;
}

export async function runReadinessChecks(checks: ReadinessCheck[]): Promise<ReadinessReport> {
  const results = await Promise.all(
    checks.map(async (c): Promise<readonly [string, ReadinessResult]> => {
      try {
        return [c.name, await c.check()] as const;
      } catch (error) {
        return [c.name, { ok: false, detail: error instanceof Error ? error.message : String(error) }] as const;
      }
    }),
  );
  const down = results.filter(([, r]) => !r.ok);
  const degraded = results.filter(([, r]) => r.ok && r.degraded);
  const status: ReadinessStatus = down.length > 0 ? 'not_ready' : degraded.length > 0 ? 'degraded' : 'ready';
  const reasons = [
    ...down.map(([name]) => `${name} is down`),
    ...degraded.map(([name, r]) => `${name}: ${r.degraded}`),
  ];
  return { ready: down.length === 0, status, reasons, checks: Object.fromEntries(results) };
}

export function checkState(result: ReadinessResult): CheckState {
  if (!result.ok) return 'down';
  return result.degraded ? 'degraded' : 'ok';
}

/** The body without detail (provider errors can carry people's names and emails): status and each check's state. */
export function minimalReport(report: ReadinessReport): {
  status: ReadinessStatus;
  checks: Record<string, CheckState>;
} {
  const checks = Object.fromEntries(Object.entries(report.checks).map(([name, r]) => [name, checkState(r)]));
  return { status: report.status, checks };
}
