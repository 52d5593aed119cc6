import type { Connection } from 'jsforce';
import type { ChangeListener, SeenChange } from './change-listener';
import type { EmulatorCounters } from './emulator-control';
import { percentile } from './percentile';

export interface StreamResult {
  editsPerS: number;
  seconds: number;
  edits: number;
  writeBacks: number;
  unmatched: number;
  latencyP50Ms: number;
  latencyP95Ms: number;
  latencyP99Ms: number;
  sustainedEventsPerS: number;
  /** The integration user's API calls from the first edit until the write-backs settled (the loop's calls). */
  apiCalls: number;
  apiCallsByRoute: Record<string, number>;
  apiCallsPer1000WriteBacks: number;
  /** The server's user+system CPU seconds from the first edit until the write-backs settled (set by the caller). */
  serverCpuSeconds: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const DOMAINS = ['gmail.com', 'mailinator.com'];

/** The address the `flip`-th edit of a contact sets: free mail (personal) and disposable in turn. */
export function benchEmail(id: string, flip: number): string {
  return `bench.${id.toLowerCase()}.${flip}@${DOMAINS[flip % 2]}`;
}

/** The Email_Status__c the loop writes back for `benchEmail(id, flip)`. */
export function benchEmailStatus(flip: number): string {
  return flip % 2 === 0 ? 'personal' : 'disposable';
}

/**
 * A rep edits `rate` contacts a second for `seconds` (Email flipped between a free-mail and a disposable domain, so
 * every edit changes Email_Status__c and needs a write-back), sent as one Collections call per 100 ms tick. The
 * latency of an edit is the time our write-back's change event arrived minus the time the rep's change event
 * arrived, at one listener (the org's commit stamps are whole seconds, too coarse for a 1.5 s goal).
 */
export async function runChangeStream(input: {
  rep: Connection;
  repUserId: string;
  integrationUserId: string;
  listener: ChangeListener;
  contactIds: string[];
  rate: number;
  seconds: number;
  settleMs: number;
  /** The emulator's call counters, read before the first edit and after the write-backs settled. */
  counters: () => Promise<EmulatorCounters>;
  /**
   * Edits per contact so far, carried between runs on one org (the worker and failover figures): each run's edits
   * then go on alternating the domain, so every edit changes Email_Status__c and none repeats an earlier address.
   */
  flips?: Map<string, number>;
}): Promise<StreamResult> {
  const { rep, listener, contactIds } = input;
  const perTick = Math.max(1, Math.round(input.rate / 10));
  const ticks = Math.round(input.seconds * 10);
  const seenBefore = listener.seen.length;
  const flips = input.flips ?? new Map<string, number>();
  let next = 0;
  let edits = 0;
  const sends: Promise<unknown>[] = [];
  const callsBefore = await input.counters();
  const start = performance.now();
  for (let tick = 0; tick < ticks; tick += 1) {
    const batch = [];
    for (let i = 0; i < perTick; i += 1) {
      const id = contactIds[next % contactIds.length] as string;
      next += 1;
      const flip = (flips.get(id) ?? 0) + 1;
      flips.set(id, flip);
      batch.push({ Id: id, Email: benchEmail(id, flip) });
    }
    edits += batch.length;
    sends.push(rep.sobject('Contact').update(batch, { allOrNone: false }));
    const due = start + (tick + 1) * 100;
    await sleep(Math.max(0, due - performance.now()));
  }
  await Promise.all(sends);
  const seconds = (performance.now() - start) / 1000;
  // Waits for the write-backs (up to settleMs), so the next phase starts on a quiet loop.
  const deadline = performance.now() + input.settleMs;
  let tally = matchLatencies(listener.seen.slice(seenBefore), input.repUserId, input.integrationUserId);
  let stalledSince = performance.now();
  // An edit whose write-back would change nothing gets none: stop waiting once nothing has moved for 10 s.
  while (tally.unmatched > 0 && performance.now() < deadline && performance.now() - stalledSince < 10_000) {
    await sleep(500);
    const before = tally.unmatched;
    tally = matchLatencies(listener.seen.slice(seenBefore), input.repUserId, input.integrationUserId);
    if (tally.unmatched !== before) stalledSince = performance.now();
  }
  const { latencies, writeBacks, unmatched, first, last } = tally;
  const callsAfter = await input.counters();
  const apiCalls =
    (callsAfter.byUser[input.integrationUserId] ?? 0) - (callsBefore.byUser[input.integrationUserId] ?? 0);
  // By route for every user (the rep's edits are one Collections call per tick); the loop's share is `apiCalls`.
  const apiCallsByRoute: Record<string, number> = {};
  for (const [route, calls] of Object.entries(callsAfter.byRoute)) {
    const delta = calls - (callsBefore.byRoute[route] ?? 0);
    if (delta > 0) apiCallsByRoute[route] = delta;
  }
  return {
    editsPerS: input.rate,
    seconds,
    edits,
    writeBacks,
    unmatched,
    latencyP50Ms: percentile(latencies, 50),
    latencyP95Ms: percentile(latencies, 95),
    latencyP99Ms: percentile(latencies, 99),
    sustainedEventsPerS: last > first ? writeBacks / ((last - first) / 1000) : 0,
    apiCalls,
    apiCallsByRoute,
    apiCallsPer1000WriteBacks: writeBacks > 0 ? (apiCalls / writeBacks) * 1000 : 0,
    serverCpuSeconds: 0,
  };
}

/** Pairs every rep commit of a record with the next write-back of that record (one answers all before it). */
export function matchLatencies(events: SeenChange[], repUserId: string, integrationUserId: string) {
  const pendingCommit = new Map<string, number[]>();
  const latencies: number[] = [];
  let writeBacks = 0;
  let first = Number.POSITIVE_INFINITY;
  let last = 0;
  for (const event of events) {
    for (const id of event.recordIds) {
      if (event.commitUser === repUserId) {
        pendingCommit.set(id, [...(pendingCommit.get(id) ?? []), event.receivedAt]);
        first = Math.min(first, event.receivedAt);
      } else if (event.commitUser === integrationUserId) {
        writeBacks += 1;
        last = Math.max(last, event.receivedAt);
        for (const committed of pendingCommit.get(id) ?? []) latencies.push(event.receivedAt - committed);
        pendingCommit.delete(id);
      }
    }
  }
  const unmatched = [...pendingCommit.values()].reduce((n, list) => n + list.length, 0);
  return { latencies, writeBacks, unmatched, unmatchedIds: [...pendingCommit.keys()], first, last };
}
