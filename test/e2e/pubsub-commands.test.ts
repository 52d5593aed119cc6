/**
 * Admin commands and rep record requests over the Pub/Sub API (`CDC_TRANSPORT=pubsub`): an admin's ESTIMATE_RUN on
 * `Audience_Command__e` writes the plan's estimate, a rep's Enrich now on `Audience_Record_Request__e` processes the
 * record and ends with its `done` status, and the platform's authority over who may send what holds as on CometD —
 * every event through the emulator's gRPC endpoint, none over CometD.
 */
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../server/src/lib/logger';
import { COMMAND_CHANNEL, RECORD_REQUEST_CHANNEL } from '../../server/src/salesforce/stream/command-subscriber';
import { startProviderFakes, type ProviderFakes } from '../emulators/providers/index';
import { engineFor } from '../emulators/salesforce/streaming/streaming-engine';
import { LoopHarness, waitFor } from './support/loop-harness';

type Line = Record<string, unknown>;
type Row = Record<string, unknown> & { Id: string };

let h: LoopHarness;
let fakes: ProviderFakes;
let leadIds: string[] = [];
const lines: Line[] = [];
const statusEvents: Record<string, unknown>[] = [];

/** The loop's `command` / `command refused` line about one event, once the loop has handled it. */
function handled(eventUuid: string): Promise<Line> {
  return waitFor(
    () =>
      lines.find(
        (l) => l.eventUuid === eventUuid && (l.msg === 'command' || String(l.msg).startsWith('command refused')),
      ),
    30_000,
    `the loop to handle event ${eventUuid}`,
  );
}

/** The EventUuid the org gave the last event on `channel`. */
function lastEventUuid(channel: string): string {
  return engineFor(h.emulator.context).bus.eventsAfter(channel, -2).at(-1)!.eventUuid!;
}

/** What the gRPC server has delivered on a channel's streams so far. */
function deliveredOver(channel: string): number {
  return h.emulator.pubSub!.subscriptions().reduce((n, s) => n + (s.topic === channel ? s.delivered : 0), 0);
}

/** Events the org has published on a channel so far. */
function publishedOn(channel: string): number {
  return engineFor(h.emulator.context).bus.eventsAfter(channel, -2).length;
}

/** Counts taken before a step; `allOverGrpc` then waits until every event published since came over gRPC. */
function grpcTally(channel: string): { allOverGrpc(): Promise<void> } {
  const delivered = deliveredOver(channel);
  const published = publishedOn(channel);
  return {
    allOverGrpc: async () => {
      await waitFor(
        () => deliveredOver(channel) - delivered === publishedOn(channel) - published,
        30_000,
        `every event on ${channel} delivered over gRPC`,
      );
    },
  };
}

beforeAll(async () => {
  fakes = await startProviderFakes();
  const sink = new Writable({
    write(chunk, _encoding, done) {
      for (const line of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(line) as Line);
      done();
    },
  });
  h = await LoopHarness.create({
    start: false,
    cdcTransport: 'pubsub',
    logger: createLogger({ level: 'info', name: 'e2e-pubsub-commands' }, sink),
    sources: [{ Object__c: 'Lead', Inclusion_Filter__c: null }],
    fieldMaps: [{ Object__c: 'Lead', Field__c: 'Title', Attribute__c: 'person.title', Write_Rule__c: 'Fill_Blank' }],
    audiences: [
      {
        Name: 'Web leads',
        Object__c: 'Lead',
        Filter__c: JSON.stringify({ field: 'LeadSource', op: 'eq', value: 'Web' }),
      },
    ],
    records: {
      Lead: [
        {
          FirstName: 'Olivia',
          LastName: 'Martin',
          Company: 'Acme Inc',
          Website: 'https://acme.com',
          LeadSource: 'Web',
        },
        {
          FirstName: 'Lucas',
          LastName: 'Bernard',
          Company: 'Acme Inc',
          Website: 'https://acme.com',
          LeadSource: 'Web',
        },
      ],
    },
  });
  const org = h.emulator.org;
  const publish = org.publishPlatformEvent.bind(org);
  org.publishPlatformEvent = (name, fields, userId, options) => {
    if (name === 'Audience_Status__e') statusEvents.push(fields);
    return publish(name, fields, userId, options);
  };
  // The harness waits for the command channels' gRPC streams before it returns.
  await h.startRuntime({
    enrichment: { environment: { PDL_API_KEY: fakes.keys.pdl, PDL_BASE_URL: fakes.pdlBaseUrl } },
  });
  leadIds = h.records.Lead!;
}, 120_000);

afterAll(async () => {
  await h?.stop();
  await fakes?.stop();
});

describe('e2e: commands and record requests over the Pub/Sub API', { timeout: 90_000 }, () => {
  it("when an admin publishes ESTIMATE_RUN, then it arrives over gRPC with the admin as requester and the plan's estimate is written", async () => {
    const [planId] = await h.createRecords('Audience_Enrichment__c', [
      {
        Name: 'Titles',
        Object__c: 'Lead',
        Audience__c: h.ids.audiences[0],
        Active__c: true,
        Time_Zone__c: 'UTC',
        Attributes__c: 'person.title',
        Providers__c: 'pdl',
      },
    ]);
    await waitFor(() => h.loop.enrichment.findPlan(planId!), 20_000, `plan ${planId} to be loaded`);
    const tally = grpcTally(COMMAND_CHANNEL);

    const published = await h.admin
      .sobject('Audience_Command__e')
      .create({ Command__c: 'ESTIMATE_RUN', Target_Id__c: planId });
    expect(published.success).toBe(true);
    expect(await handled(lastEventUuid(COMMAND_CHANNEL))).toMatchObject({
      msg: 'command',
      command: 'ESTIMATE_RUN',
      source: 'Audience_Command__e',
      requestedBy: h.userIds.admin,
      targetId: planId,
    });
    const expected = await h.loop.enrichment.estimate(h.loop.enrichment.findPlan(planId!)!);
    expect(expected.expectedCredits).toBeGreaterThan(0);
    const plan = await waitFor(
      async () =>
        (await h.query<Row>(`SELECT Id, Estimated_Credits__c FROM Audience_Enrichment__c WHERE Id = '${planId}'`)).find(
          (row) => row.Estimated_Credits__c !== null,
        ),
      30_000,
      'the estimate on the plan',
    );
    expect(plan.Estimated_Credits__c).toBe(expected.expectedCredits);

    // It (and the config trigger's RELOAD_CONFIG after the estimate was saved) came over the gRPC stream; no CometD
    // client follows either command channel.
    await tally.allOverGrpc();
    const res = await fetch(`${h.emulator.instanceUrl}/__emulator/streaming/state`);
    const cometd = ((await res.json()) as { clients: { subscriptions: string[] }[] }).clients;
    expect(
      cometd.filter(
        (c) => c.subscriptions.includes(COMMAND_CHANNEL) || c.subscriptions.includes(RECORD_REQUEST_CHANNEL),
      ),
    ).toEqual([]);
  });

  it("when a rep asks for Enrich now, then it arrives over gRPC with the rep as requester, the record is processed and its status ends 'done'", async () => {
    const processedBefore = h.loop.stats.processed;
    const tally = grpcTally(RECORD_REQUEST_CHANNEL);
    const result = await h
      .repConn()
      .sobject('Audience_Record_Request__e')
      .create({ Request__c: 'ENRICH_RECORD', Record_Id__c: leadIds[0], Object__c: 'Lead' });
    expect(result.success).toBe(true);

    expect(await handled(lastEventUuid(RECORD_REQUEST_CHANNEL))).toMatchObject({
      msg: 'command',
      command: 'ENRICH_RECORD',
      source: 'Audience_Record_Request__e',
      recordId: leadIds[0],
      requestedBy: h.userIds.rep,
    });
    const done = await waitFor(
      () =>
        statusEvents.find((e) => e.Record_Id__c === leadIds[0] && (e.Stage__c === 'done' || e.Stage__c === 'failed')),
      30_000,
      'the final status of the ENRICH_RECORD',
    );
    expect(done).toMatchObject({ Stage__c: 'done', Progress__c: 100 });
    expect(h.loop.stats.processed).toBeGreaterThan(processedBefore);
    await tally.allOverGrpc();
  });

  it('when a rep tries an admin command, then the org refuses it on Audience_Command__e and the loop refuses it on the record-request channel', async () => {
    const enrichmentRuns = async () =>
      (await h.query<Row>("SELECT Id FROM Audience_Run__c WHERE Type__c = 'Enrichment'")).length;
    const runsBefore = await enrichmentRuns();
    await expect(
      h.repConn().sobject('Audience_Command__e').create({ Command__c: 'RUN_ENRICHMENT' }),
    ).rejects.toMatchObject({ errorCode: 'CANNOT_INSERT_UPDATE_ACTIVATE_ENTITY' });

    const result = await h
      .repConn()
      .sobject('Audience_Record_Request__e')
      .create({ Request__c: 'RUN_ENRICHMENT', Record_Id__c: leadIds[1] });
    expect(result.success).toBe(true);
    expect(await handled(lastEventUuid(RECORD_REQUEST_CHANNEL))).toMatchObject({
      level: 40,
      command: 'RUN_ENRICHMENT',
      source: 'Audience_Record_Request__e',
      requestedBy: h.userIds.rep,
      reason: 'admin_command_on_record_request',
    });
    expect(h.loop.commandRefusals.byReason().get('admin_command_on_record_request')).toBe(1);
    expect(await enrichmentRuns()).toBe(runsBefore);
  });
});
