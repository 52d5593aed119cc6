import { existsSync, readFileSync } from 'node:fs';
import type { TracedCall } from '../../test/emulators/salesforce/rest/request-trace';

/** One endpoint's calls in a span, in the order first seen. */
export interface EndpointCalls {
  endpoint: string;
  calls: number;
}

/**
 * The calls one user made, read from the emulator's trace (`EMULATOR_TRACE`), named by endpoint and object:
 * `query Audience__c`, `POST sobjects/Audience_Run__c`, `composite [5× collections create CampaignMember]`…, in two
 * parts: the calls `isSecond` picks (e.g. those carrying the applications' rows) and the others.
 */
export function callBreakdown(
  traceFile: string,
  options: { user: string; from: number; to: number; isSecond?: (call: TracedCall) => boolean },
): { first: EndpointCalls[]; second: EndpointCalls[]; calls: TracedCall[] } {
  const calls = readTrace(traceFile).filter(
    (c) => c.user === options.user && c.at >= options.from && c.at <= options.to,
  );
  const isSecond = options.isSecond ?? (() => false);
  return { first: tally(calls.filter((c) => !isSecond(c))), second: tally(calls.filter(isSecond)), calls };
}

/** Whether a call wrote rows of one of `objects` or queried one (itself or in one of its Composite subrequests). */
export function touches(call: TracedCall, objects: readonly string[]): boolean {
  const parts = [call, ...(call.subrequests ?? [])];
  return parts.some(
    (part) =>
      (part.types ?? []).some((type) => objects.includes(type)) ||
      objects.includes(/\bFROM\s+(\w+)/i.exec(part.path)?.[1] ?? ''),
  );
}

/** One line per endpoint: `3 × query Audience__c`. */
export function formatBreakdown(parts: EndpointCalls[]): string {
  return parts.map((p) => `${p.calls} × ${p.endpoint}`).join('; ');
}

function readTrace(file: string): TracedCall[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as TracedCall);
}

function tally(calls: TracedCall[]): EndpointCalls[] {
  const counts = new Map<string, number>();
  for (const call of calls) counts.set(endpointOf(call), (counts.get(endpointOf(call)) ?? 0) + 1);
  return [...counts].map(([endpoint, n]) => ({ endpoint, calls: n }));
}

function endpointOf(call: TracedCall): string {
  if (call.subrequests) {
    const subs = new Map<string, number>();
    for (const sub of call.subrequests) {
      const name = subEndpoint(sub.method, sub.path, sub.types);
      subs.set(name, (subs.get(name) ?? 0) + 1);
    }
    return `composite [${[...subs].map(([name, n]) => (n > 1 ? `${n}× ${name}` : name)).join(' + ')}]`;
  }
  return subEndpoint(call.method, call.path, call.types);
}

function subEndpoint(method: string, path: string, types: string[] | undefined): string {
  const query = /^\/(?:tooling\/)?query\/?\?q=(.*)$/is.exec(path);
  if (query) {
    const soql = query[1] ?? '';
    const from = /\bFROM\s+(\w+)/i.exec(soql)?.[1] ?? '?';
    return /^SELECT\s+COUNT\(\)/i.test(soql) ? `query COUNT() ${from}` : `query ${from}`;
  }
  if (/^\/query\/[^?]+/.test(path)) return 'query (next page)';
  const describe = /^\/sobjects\/(\w+)\/describe/.exec(path);
  if (describe) return `describe ${describe[1]}`;
  if (path.startsWith('/composite/sobjects')) {
    const upsert = /^\/composite\/sobjects\/(\w+)\/(\w+)/.exec(path);
    const object = upsert ? upsert[1] : (types ?? []).join(',') || (method === 'DELETE' ? 'by id' : '?');
    const verb = upsert ? 'upsert' : method === 'POST' ? 'create' : method === 'PATCH' ? 'update' : method;
    return `collections ${verb} ${object}`;
  }
  const sobject = /^\/sobjects\/(\w+)/.exec(path);
  if (sobject) return `${method} sobjects/${sobject[1]}`;
  return `${method} ${path.split('?')[0]}`;
}
