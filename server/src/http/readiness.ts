/** A check's structured finding: a JSON object, shown as it is in the body (never a JSON string inside the JSON). */
export type ReadinessData = { readonly [key: string]: unknown };

/**
 * What one check found. `detail` is words when words say it all ('connecting', 'no PONG within 1 s') and an object
 * when it is data (the stream's status, the API budget's snapshot); a check may add named fields of its own
 * (`providers` of the enrichment check).
 */
export interface ReadinessResult {
  ok: boolean;
  detail?: string | ReadinessData;
  [extra: string]: unknown;
}

/** One dependency the service needs to do its work; /readyz reports each by name. */
export interface ReadinessCheck {
  name: string;
  check(): Promise<ReadinessResult>;
}

export interface ReadinessReport {
  ready: boolean;
  checks: Record<string, ReadinessResult>;
}

export async function runReadinessChecks(checks: ReadinessCheck[]): Promise<ReadinessReport> {
  const results = await Promise.all(
    checks.map(async (c) => {
      try {
        return [c.name, await c.check()] as const;
      } catch (error) {
        return [c.name, { ok: false, detail: error instanceof Error ? error.message : String(error) }] as const;
      }
    }),
  );
  return { ready: results.every(([, r]) => r.ok), checks: Object.fromEntries(results) };
}
