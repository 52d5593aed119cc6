import { loadavg } from 'node:os';
import { followsStream, readyz, standsBy, untilReadyz } from '../../test/e2e/support/role-processes';
import { connectionAs } from './bench-config';
import type { SeenChange } from './change-listener';
import { benchEmail, benchEmailStatus, runChangeStream, type StreamResult } from './change-stream';
import { cpuDelta, topologyOn, type CpuByProcess } from './role-topology';
import type { ServerProcess } from './server-process';
import { startSyncedOrg, type SyncedOrg } from './synced-org';

export interface FailoverFigureResult {
  records: number;
  latencyMs: number;
  /** The lease the processes ran with (the server's default unless LEASE_TTL_MS was set for the bench). */
  leaseTtlMs: number;
  editsPerS: number;
  /** Edits the rep really made per second (on a loaded machine the ticks may fall behind). */
  achievedEditsPerS: number;
  killAtS: number;
  /** kill -9 of the leader → the stand-by's /readyz says it holds the lease (its subscription may still be starting). */
  leaseMs: number;
  /** kill -9 of the leader → the stand-by's /readyz shows it leading with a live subscription. */
  takeoverMs: number;
  /** kill -9 → the first write-back of an edit the rep made after the kill (the stream is followed again, end to end). */
  resumeMs: number;
  /** The longest pause between two write-backs seen by the listener during the edits. */
  longestWriteBackGapMs: number;
  stream: StreamResult;
  /** Edited contacts whose final Email_Status__c is not the one their last address calls for (events lost). */
  lost: number;
  /** Edited contacts whose Email is not the rep's last one (an edit the org refused; not the loop's). */
  editsNotInOrg: number;
  cpuSeconds: CpuByProcess;
  loadAverage: number[];
}

/**
 * A leader `ROLE=stream` process and a stand-by, one `ROLE=worker,scheduler` process, a rep editing at `rate`/s; at
 * `killAtS` the leader gets kill -9. Measured: how long until the stand-by leads and until the loop answers edits made
 * after the kill again, and — once everything settled — whether every edit was written back (the org's state, read
 * record by record, against the last address each contact was given).
 */
export async function runFailoverFigure(input: {
  cwd: string;
  redisUrl: string;
  prefix: string;
  records: number;
  latencyMs: number;
  rate: number;
  seconds: number;
  killAtS: number;
  serverEnv: Record<string, string>;
  echo?: boolean;
  timeoutMs: number;
  log: (line: string) => void;
}): Promise<FailoverFigureResult> {
  const org = await startSyncedOrg(input);
  const { emulator } = org;
  const topology = topologyOn(org, input);
  try {
    const worker = await topology.start('worker', 'worker,scheduler');
    const leader = await topology.start('stream-a', 'stream');
    await untilReadyz(leader, 'stream A leads', followsStream);
    const standby = await topology.start('stream-b', 'stream');
    await untilReadyz(standby, 'stream B stands by', standsBy);
    await worker.initialSyncDone(input.timeoutMs);
    const flips = new Map<string, number>();
    const seenBefore = org.listener.seen.length;
    const before = topology.cpu();
    const edits = runChangeStream({
      rep: connectionAs(emulator.info, emulator.user('rep')),
      repUserId: emulator.user('rep').id,
      integrationUserId: emulator.user('integration').id,
      listener: org.listener,
      contactIds: org.contactIds,
      rate: input.rate,
      seconds: input.seconds,
      settleMs: 240_000,
      counters: () => emulator.control.counters(),
      flips,
    });
    await new Promise((resolve) => setTimeout(resolve, input.killAtS * 1000));
    topology.cpu(); // the leader's last CPU reading, taken just before it dies
    const killedAt = Date.now();
    await leader.kill9();
    input.log(`failover: stream A killed ${input.killAtS} s into the edits`);
    const { leaseMs, takeoverMs } = await watchTakeover(standby, killedAt);
    input.log(`  stream B holds the lease ${leaseMs} ms and follows ${takeoverMs} ms after the kill`);
    const stream = await edits;
    const cpuSeconds = cpuDelta(before, topology.cpu());
    const seen = org.listener.seen.slice(seenBefore);
    const check = await untilWrittenBack(org, flips);
    return {
      records: input.records,
      latencyMs: input.latencyMs,
      leaseTtlMs: Number(process.env.LEASE_TTL_MS ?? 10_000),
      editsPerS: input.rate,
      achievedEditsPerS: Math.round((stream.edits / stream.seconds) * 10) / 10,
      killAtS: input.killAtS,
      leaseMs,
      takeoverMs,
      resumeMs: firstAnswerAfter(seen, killedAt, emulator.user('rep').id, emulator.user('integration').id) - killedAt,
      longestWriteBackGapMs: longestGap(seen, emulator.user('integration').id),
      stream,
      ...check,
      cpuSeconds,
      loadAverage: loadavg(),
    };
  } finally {
    await topology.stopAll();
    await org.stop();
  }
}

/** Polls the stand-by's /readyz from the kill on: when it held the lease, and when it followed (lease + live). */
async function watchTakeover(standby: ServerProcess, killedAt: number) {
  let leaseMs = Number.NaN;
  for (;;) {
    const answer = await readyz(standby).catch(() => undefined);
    if (answer?.body.stream?.leader && Number.isNaN(leaseMs)) leaseMs = Date.now() - killedAt;
    if (answer && followsStream(answer)) return { leaseMs, takeoverMs: Date.now() - killedAt };
    if (!standby.running) throw new Error(`stream B exited:\n${standby.output.tail()}`);
    if (Date.now() - killedAt > 300_000) throw new Error(`stream B did not follow within 5 minutes`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** The receipt time of the first write-back answering a rep edit received after `since` (NaN if none came). */
export function firstAnswerAfter(seen: SeenChange[], since: number, repUserId: string, integrationUserId: string) {
  const editedAfter = new Set<string>();
  for (const event of seen) {
    if (event.receivedAt < since) continue;
    for (const id of event.recordIds) {
      if (event.commitUser === repUserId) editedAfter.add(id);
      else if (event.commitUser === integrationUserId && editedAfter.has(id)) return event.receivedAt;
    }
  }
  return Number.NaN;
}

/** The longest time between two consecutive write-back receipts. */
export function longestGap(seen: SeenChange[], integrationUserId: string): number {
  const times = seen.filter((e) => e.commitUser === integrationUserId).map((e) => e.receivedAt);
  let gap = 0;
  for (let i = 1; i < times.length; i += 1) gap = Math.max(gap, (times[i] as number) - (times[i - 1] as number));
  return gap;
}

/**
 * The check below, repeated until nothing is missing or the count has not moved for 30 s (the stream's own settle
 * gives up after 10 quiet seconds; a new leader working through its backlog may be slower than that).
 */
async function untilWrittenBack(org: SyncedOrg, flips: Map<string, number>) {
  let check = await checkWrittenBack(org, flips);
  let since = Date.now();
  while (check.lost > 0 && Date.now() - since < 30_000) {
    await new Promise((resolve) => setTimeout(resolve, 2000));
    const next = await checkWrittenBack(org, flips);
    if (next.lost !== check.lost) since = Date.now();
    check = next;
  }
  return check;
}

/** Reads every edited contact back: its Email must be the rep's last, its Email_Status__c the loop's answer to it. */
async function checkWrittenBack(org: SyncedOrg, flips: Map<string, number>) {
  const admin = connectionAs(org.emulator.info, org.emulator.user('admin'));
  const rows = await admin.query<{ Id: string; Email: string | null; Email_Status__c: string | null }>(
    'SELECT Id, Email, Email_Status__c FROM Contact',
    { autoFetch: true, maxFetch: 10_000_000 },
  );
  let lost = 0;
  let editsNotInOrg = 0;
  for (const row of rows.records) {
    const flip = flips.get(row.Id);
    if (flip === undefined) continue;
    if (row.Email !== benchEmail(row.Id, flip)) editsNotInOrg += 1;
    else if (row.Email_Status__c !== benchEmailStatus(flip)) lost += 1;
  }
  return { lost, editsNotInOrg };
}
