import { appendFileSync } from 'node:fs';

/** One counted API call, as `EMULATOR_TRACE=<file>` writes it (a JSON line): who, which route, what it carried. */
export interface TracedCall {
  at: number;
  user: string;
  route: string;
  method: string;
  /** The path under `/services/data/vXX.X`, its query string decoded (a SOQL query reads as written). */
  path: string;
  /** The sObject types of the records a write carried. */
  types?: string[];
  /** A Composite request's subrequests: method, path and the record types each carried. */
  subrequests?: { method: string; path: string; types?: string[] }[];
}

/**
 * Appends one line per counted call to the file `EMULATOR_TRACE` names (nothing when unset): the bench breaks an
 * API-call figure down by endpoint with it. Debugging aid only; the counters stay the source of the figures.
 */
export function traceCall(call: { user: string; route: string; method: string; url: string; body: unknown }): void {
  const file = process.env.EMULATOR_TRACE;
  if (!file) return;
  const parsed = parseBody(call.body);
  const line: TracedCall = {
    at: Date.now(),
    user: call.user,
    route: call.route,
    method: call.method,
    path: shortPath(call.url),
    ...recordTypes(parsed),
  };
  const subs = (parsed as { compositeRequest?: unknown } | undefined)?.compositeRequest;
  if (Array.isArray(subs)) {
    line.subrequests = subs.map((sub: { method?: string; url?: string; body?: unknown }) => ({
      method: String(sub.method ?? ''),
      path: shortPath(String(sub.url ?? '')),
      ...recordTypes(sub.body),
    }));
  }
  appendFileSync(file, `${JSON.stringify(line)}\n`);
}

function parseBody(body: unknown): unknown {
  if (typeof body !== 'string' || body === '') return undefined;
  try {
    return JSON.parse(body) as unknown;
  } catch {
    return undefined;
  }
}

function shortPath(url: string): string {
  let path = url.replace(/^\/services\/data\/v\d+\.\d/, '');
  try {
    path = decodeURIComponent(path.replace(/\+/g, ' '));
  } catch {
    // keep it raw
  }
  return path.slice(0, 300);
}

function recordTypes(body: unknown): { types?: string[] } {
  const records = (body as { records?: unknown } | undefined)?.records;
  if (!Array.isArray(records)) return {};
  const types = new Set<string>();
  for (const r of records) {
    const type = (r as { attributes?: { type?: unknown } }).attributes?.type;
    if (typeof type === 'string') types.add(type);
  }
  return types.size > 0 ? { types: [...types] } : {};
}
