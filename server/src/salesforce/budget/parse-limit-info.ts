import { z } from 'zod';

/** `api-usage=N/M` as one entry of `Sforce-Limit-Info`; other entries (per-app-api-usage=…) are ignored. */
const API_USAGE = /^api-usage=(\d+)\/(\d+)$/;

/**
 * Reads the org-wide daily usage from a `Sforce-Limit-Info` header value, e.g.
 * `api-usage=18/5000, per-app-api-usage=17/250(appName=sample-app)`. Anything else (absent, garbage, a zero max)
 * gives undefined: the header is advisory and must never break the response that carried it.
 */
export function parseLimitInfo(headerValue: unknown): { used: number; max: number } | undefined {
  if (typeof headerValue !== 'string') return undefined;
  for (const entry of headerValue.split(',')) {
    const match = API_USAGE.exec(entry.trim());
    if (!match) continue;
    const used = Number(match[1]);
    const max = Number(match[2]);
    if (Number.isSafeInteger(used) && Number.isSafeInteger(max) && max > 0) return { used, max };
  }
  return undefined;
}

const limitsSchema = z.object({
  DailyApiRequests: z.object({
    Max: z.number().int().positive(),
    Remaining: z.number().int(),
  }),
});

/** Reads `DailyApiRequests {Max, Remaining}` from a `/limits` reply; undefined if the shape is not that. */
export function parseLimitsResponse(json: unknown): { used: number; max: number } | undefined {
  const parsed = limitsSchema.safeParse(json);
  if (!parsed.success) return undefined;
  const { Max, Remaining } = parsed.data.DailyApiRequests;
  return { used: Math.max(0, Max - Remaining), max: Max };
}
