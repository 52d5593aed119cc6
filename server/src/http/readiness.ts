/** What one check found: `detail` in words, plus any structured fields it wants shown as they are in the body. */
export interface ReadinessResult {
  ok: boolean;
  detail?: string;
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
