import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Connection } from 'jsforce';
import { BENCH_SOURCE, connectionAs } from './bench-config';
import { callBreakdown, touches, type EndpointCalls } from './call-breakdown';
import { startEmulatorProcess } from './emulator-process';
import { RedisPrefix } from './redis-prefix';
import { ServerProcess } from './server-process';

export interface ActionFigureResult {
  /** Records that entered the audience (each one application of the Campaign action). */
  applications: number;
  latencyMs: number;
  /** The integration user's calls from the audience's activation until every application settled. */
  apiCalls: number;
  apiCallsPer1000: number;
  /**
   * The activation's calls (config reload, describes, audience evaluation, membership writes, the action's checks):
   * every call that carried no log row and no CampaignMember (from the trace; without it, those made before the first
   * `Audience_Action_Log__c` row appeared). A fixed cost, whatever the entries.
   */
  oneTimeCalls: number;
  /** The calls from the first log row on (log rows, CampaignMembers, results): what the applications cost. */
  applicationCalls: number;
  applicationCallsPer1000: number;
  /** The integration user's calls by route, the same span (the admin's own polling taken out). */
  byRoute: Record<string, number>;
  /**
   * The same calls by endpoint and object, from the emulator's trace: the applications' (those that wrote or read
   * `Audience_Action_Log__c` or `CampaignMember` rows) and the activation's (all the others).
   */
  activationEndpoints: EndpointCalls[];
  applicationEndpoints: EndpointCalls[];
  /** From the first application seen Pending to the last one settled. */
  seconds: number;
  applicationsPerS: number;
  /** From the activation (config reload, audience evaluation, membership writes) to the last one settled. */
  secondsFromActivation: number;
  statuses: Record<string, number>;
  campaignMembers: number;
}

const ENTRANTS = {
  Name: 'Bench entrants',
  Object__c: 'Contact',
  Active__c: false,
  // Every contact: the whole org enters at once when the admin activates the audience.
  Filter__c: JSON.stringify({ field: 'LastName', op: 'is_not_blank' }),
};

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The action figure: `records` contacts enter an audience that has a Campaign action, all at once (the admin
 * activates the audience after the initial sync), with `latencyMs` per Salesforce call. The integration user's
 * calls are read from the emulator's counters before and after; the clock runs until every
 * `Audience_Action_Log__c` has settled (the admin's polling is not counted: the counters are per user).
 */
export async function runActionFigure(options: {
  cwd: string;
  redisUrl: string;
  prefix: string;
  records: number;
  latencyMs: number;
  echo?: boolean;
  timeoutMs: number;
}): Promise<ActionFigureResult> {
  const traceFile = join(tmpdir(), `action-figure-${randomBytes(4).toString('hex')}.jsonl`);
  const emulator = await startEmulatorProcess({
    contacts: options.records,
    cwd: options.cwd,
    env: { EMULATOR_TRACE: traceFile },
  });
  const redis = new RedisPrefix(options.redisUrl, options.prefix);
  let server: ServerProcess | undefined;
  try {
    const admin = connectionAs(emulator.info, emulator.user('admin'));
    const { audienceId, campaignId } = await createActionConfig(admin);
    server = await ServerProcess.start({
      cwd: options.cwd,
      emulator: emulator.info,
      redisUrl: options.redisUrl,
      prefix: options.prefix,
      env: { BULK_QUERY_THRESHOLD: '1000000000' },
      echo: options.echo,
    });
    await server.initialSyncDone(options.timeoutMs);
    await server.waitReady(120_000);
    const integration = emulator.user('integration').id;
    const calls = async () => (await emulator.control.counters()).byUser[integration] ?? 0;
    await quiet(calls, 3000, 120_000);
    const contacts = (await admin.query('SELECT COUNT() FROM Contact')).totalSize;

    await emulator.control.latency(options.latencyMs);
    const before = await emulator.control.counters();
    const spanStart = Date.now();
    const activated = performance.now();
    await admin.sobject('Audience__c').update({ Id: audienceId, Active__c: true });
    // The admin's own calls in the span (this update, then two counting queries per round): taken out of byRoute.
    const adminByRoute: Record<string, number> = { sobject: 1, query: 0 };
    let firstPending: number | undefined;
    // The integration user's count at the last round that saw no log row yet: the activation's calls.
    let beforeFirstRow = 0;
    const deadline = Date.now() + options.timeoutMs;
    for (;;) {
      const seen = firstPending === undefined ? await calls() : 0;
      const [all, settled] = await Promise.all([
        admin.query('SELECT COUNT() FROM Audience_Action_Log__c'),
        admin.query("SELECT COUNT() FROM Audience_Action_Log__c WHERE Status__c != 'Pending'"),
      ]);
      adminByRoute.query = (adminByRoute.query ?? 0) + 2;
      if (firstPending === undefined && all.totalSize > 0) firstPending = performance.now();
      else if (firstPending === undefined) beforeFirstRow = seen;
      if (settled.totalSize >= contacts) break;
      if (Date.now() > deadline) {
        throw new Error(`${settled.totalSize} of ${contacts} applications settled within ${options.timeoutMs} ms`);
      }
      await sleep(250);
    }
    const done = performance.now();
    const spanEnd = Date.now();
    const after = await emulator.control.counters();
    const apiCalls = (after.byUser[integration] ?? 0) - (before.byUser[integration] ?? 0);
    await emulator.control.latency(0);
    const byRoute: Record<string, number> = {};
    for (const [route, n] of Object.entries(after.byRoute)) {
      const delta = n - (before.byRoute[route] ?? 0) - (adminByRoute[route] ?? 0);
      if (delta > 0) byRoute[route] = delta;
    }
    const traced = callBreakdown(traceFile, {
      user: integration,
      from: spanStart,
      to: spanEnd,
      isSecond: (call) => touches(call, ['Audience_Action_Log__c', 'CampaignMember']),
    });
    const sum = (parts: EndpointCalls[]) => parts.reduce((n, p) => n + p.calls, 0);
    // The trace names each application call; the polling's count is the fallback when it is off.
    const oneTimeCalls =
      traced.calls.length === apiCalls
        ? sum(traced.first)
        : Math.max(0, beforeFirstRow - (before.byUser[integration] ?? 0));
    const statuses: Record<string, number> = {};
    const logs = await admin.query<{ Status__c: string }>('SELECT Status__c FROM Audience_Action_Log__c', {
      autoFetch: true,
      maxFetch: 10_000_000,
    });
    for (const row of logs.records) statuses[row.Status__c] = (statuses[row.Status__c] ?? 0) + 1;
    const members = await admin.query(`SELECT COUNT() FROM CampaignMember WHERE CampaignId = '${campaignId}'`);
    const seconds = (done - (firstPending ?? activated)) / 1000;
    return {
      applications: contacts,
      latencyMs: options.latencyMs,
      apiCalls,
      apiCallsPer1000: (apiCalls / contacts) * 1000,
      oneTimeCalls,
      applicationCalls: apiCalls - oneTimeCalls,
      applicationCallsPer1000: ((apiCalls - oneTimeCalls) / contacts) * 1000,
      byRoute,
      activationEndpoints: traced.first,
      applicationEndpoints: traced.second,
      seconds,
      applicationsPerS: contacts / seconds,
      secondsFromActivation: (done - activated) / 1000,
      statuses,
      campaignMembers: members.totalSize,
    };
  } finally {
    await server?.stop().catch(() => undefined);
    await emulator.stop().catch(() => undefined);
    rmSync(traceFile, { force: true });
    await redis
      .clear()
      .catch(() => undefined)
      .finally(() => redis.close());
  }
}

/** The Contact source, an inactive audience of every contact, a Campaign, and a Campaign action on the audience. */
async function createActionConfig(admin: Connection): Promise<{ audienceId: string; campaignId: string }> {
  const create = async (object: string, row: Record<string, unknown>) => {
    const [result] = await admin.sobject(object).create([row]);
    if (!result?.success) throw new Error(`could not create ${object}: ${JSON.stringify(result)}`);
    return result.id;
  };
  await create('Audience_Source__c', BENCH_SOURCE);
  const audienceId = await create('Audience__c', ENTRANTS);
  const campaignId = await create('Campaign', { Name: 'Bench campaign', IsActive: true });
  await create('Audience_Action__c', {
    Name: 'Bench campaign action',
    Audience__c: audienceId,
    Active__c: true,
    Type__c: 'Campaign',
    Target__c: campaignId,
    On_Exit__c: 'Remove',
  });
  return { audienceId, campaignId };
}

/** Waits until `count` has not moved for `quietMs` (the server is idle). */
async function quiet(count: () => Promise<number>, quietMs: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = await count();
  let since = Date.now();
  while (Date.now() < deadline) {
    await sleep(250);
    const now = await count();
    if (now !== last) {
      last = now;
      since = Date.now();
    } else if (Date.now() - since >= quietMs) return;
  }
  throw new Error(`the server did not go quiet within ${timeoutMs} ms`);
}
