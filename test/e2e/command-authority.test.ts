/**
 * Who may send the server what, decided by the platform: a rep (Audience_User) cannot publish an admin command at
 * all, may ask for one record through Audience_Record_Request__e, and is limited per hour; the requester the server
 * logs and counts is the event's CreatedById, which no payload can forge. The loop runs over the emulator (which
 * enforces create permission on events as an org does) and a real Redis; assertions read the org, the loop's log
 * lines and its counters.
 */
import { Writable } from 'node:stream';
import { Connection } from 'jsforce';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../server/src/lib/logger';
import { engineFor } from '../emulators/salesforce/streaming/streaming-engine';
import { API_VERSION, LoopHarness, waitFor } from './support/loop-harness';

type Line = Record<string, unknown>;

const PER_HOUR = 2;
const lines: Line[] = [];
let h: LoopHarness;
let leadIds: string[] = [];

const sink = new Writable({
  write(chunk, _encoding, done) {
    for (const line of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(line) as Line);
    done();
  },
});

/** jsforce as one of the org's two reps. */
function rep(index: 0 | 1): Connection {
  const user = h.emulator.users.filter((u) => u.role === 'rep')[index]!;
  return new Connection({ instanceUrl: h.emulator.instanceUrl, accessToken: user.accessToken, version: API_VERSION });
}

const repId = (index: 0 | 1) => h.emulator.users.filter((u) => u.role === 'rep')[index]!.id;

/** The loop's `command` / `command refused` lines about one event, once the loop has handled it. */
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

/** Publishes a record request as a rep and returns the EventUuid the org gave it. */
async function requestAs(index: 0 | 1, fields: Record<string, unknown>): Promise<string> {
  const bus = engineFor(h.emulator.context).bus;
  const before = bus.eventsAfter('/event/Audience_Record_Request__e', -2).length;
  const result = await rep(index).sobject('Audience_Record_Request__e').create(fields);
  expect(result.success).toBe(true);
  const events = bus.eventsAfter('/event/Audience_Record_Request__e', -2);
  expect(events.length).toBe(before + 1);
  return events.at(-1)!.eventUuid!;
}

const importRuns = async () =>
  (await h.query<{ Id: string }>("SELECT Id FROM Audience_Run__c WHERE Type__c = 'Import'")).length;

beforeAll(async () => {
  h = await LoopHarness.create({
    start: false,
    logger: createLogger({ level: 'info', name: 'e2e-commands' }, sink),
    sources: [{ Object__c: 'Lead' }],
    fieldMaps: [
      { Object__c: 'Lead', Field__c: 'Seniority__c', Attribute__c: 'person.seniority', Write_Rule__c: 'Tracked' },
    ],
    records: {
      Lead: [
        { FirstName: 'Ada', LastName: 'Byron', Company: 'Analytical', Title: 'VP of Sales' },
        { FirstName: 'Alan', LastName: 'Turing', Company: 'Bletchley', Title: 'Chief Technology Officer' },
      ],
    },
  });
  await h.startRuntime({ recordRequestsPerHour: PER_HOUR });
  leadIds = h.records.Lead!;
}, 120_000);

afterAll(async () => {
  await h?.stop();
});

describe('e2e: commands authorised by the platform', () => {
  it('when a rep publishes RUN_IMPORT on Audience_Command__e, then the org refuses it with the real error and nothing runs', async () => {
    const importsBefore = await importRuns();
    await expect(rep(0).sobject('Audience_Command__e').create({ Command__c: 'RUN_IMPORT' })).rejects.toMatchObject({
      errorCode: 'CANNOT_INSERT_UPDATE_ACTIVATE_ENTITY',
      message: 'entity type cannot be inserted: Audience Command',
    });
    await expect(rep(0).sobject('Audience_Command__e').create({ Command__c: 'RUN_ENRICHMENT' })).rejects.toMatchObject({
      errorCode: 'CANNOT_INSERT_UPDATE_ACTIVATE_ENTITY',
    });
    // Nothing reached the channel, so nothing can run: a later event the loop handles proves it was listening.
    const fromRep = engineFor(h.emulator.context)
      .bus.eventsAfter('/event/Audience_Command__e', -2)
      .filter((e) => e.payload.CreatedById === repId(0));
    expect(fromRep).toEqual([]);
    const later = await h.admin.sobject('Audience_Command__e').create({ Command__c: 'EVALUATE_AUDIENCE' });
    expect(later.success).toBe(true);
    await waitFor(
      () => lines.find((l) => l.msg === 'command' && l.command === 'EVALUATE_AUDIENCE'),
      30_000,
      'the admin command',
    );
    expect(lines.filter((l) => l.command === 'RUN_IMPORT' || l.command === 'RUN_ENRICHMENT')).toEqual([]);
    expect(await importRuns()).toBe(importsBefore);
  });

  it("when a rep asks for ENRICH_RECORD on Audience_Record_Request__e, then the record is processed and the rep's id from CreatedById is logged and counted", async () => {
    const processedBefore = h.loop.stats.processed;
    const uuid = await requestAs(0, { Request__c: 'ENRICH_RECORD', Record_Id__c: leadIds[0], Object__c: 'Lead' });
    expect(await handled(uuid)).toMatchObject({
      msg: 'command',
      command: 'ENRICH_RECORD',
      source: 'Audience_Record_Request__e',
      recordId: leadIds[0],
      requestedBy: repId(0),
    });
    await waitFor(() => h.loop.stats.processed > processedBefore, 30_000, 'the record to be processed again');
    expect(await h.redis.zcard(h.loop.keys.recordRequests(repId(0)))).toBe(1);
  });

  it('when a payload tries to name another requester, then the org refuses the field and the server has none to read', async () => {
    await expect(
      rep(0)
        .sobject('Audience_Record_Request__e')
        .create({ Request__c: 'ENRICH_RECORD', Record_Id__c: leadIds[0], CreatedById: h.userIds.integration }),
    ).rejects.toMatchObject({ errorCode: 'INVALID_FIELD_FOR_INSERT_UPDATE' });
    // Requested_By__c is gone: before, a forged integration-user id made the server skip a rep's RELOAD_CONFIG.
    await expect(
      h.admin
        .sobject('Audience_Command__e')
        .create({ Command__c: 'RELOAD_CONFIG', Requested_By__c: h.userIds.integration }),
    ).rejects.toMatchObject({ errorCode: 'INVALID_FIELD' });
  });

  it('when a bulk command arrives on the record-request channel, then the server refuses it with a logged reason', async () => {
    const importsBefore = await importRuns();
    const uuid = await requestAs(0, { Request__c: 'RUN_IMPORT', Record_Id__c: leadIds[0] });
    expect(await handled(uuid)).toMatchObject({
      level: 40,
      command: 'RUN_IMPORT',
      source: 'Audience_Record_Request__e',
      requestedBy: repId(0),
      reason: 'admin_command_on_record_request',
    });
    expect(await importRuns()).toBe(importsBefore);
    expect(h.loop.commandRefusals.byReason().get('admin_command_on_record_request')).toBe(1);
  });

  it(`when a rep makes more record requests than the ${PER_HOUR} an hour configured, then the next one is refused with a logged reason`, async () => {
    const uuids: string[] = [];
    for (let i = 0; i <= PER_HOUR; i++) {
      uuids.push(await requestAs(1, { Request__c: 'ENRICH_RECORD', Record_Id__c: leadIds[1], Object__c: 'Lead' }));
    }
    const outcomes = await Promise.all(uuids.map(handled));
    expect(outcomes.map((l) => l.msg)).toEqual([
      ...Array.from({ length: PER_HOUR }, () => 'command'),
      expect.stringMatching(/^command refused/),
    ]);
    expect(outcomes.at(-1)).toMatchObject({ reason: 'record_request_limit', requestedBy: repId(1) });
    expect(h.loop.commandRefusals.byReason().get('record_request_limit')).toBe(1);
    // The other rep's allowance is its own.
    const other = await requestAs(0, { Request__c: 'ENRICH_RECORD', Record_Id__c: leadIds[1], Object__c: 'Lead' });
    expect(await handled(other)).toMatchObject({ msg: 'command', requestedBy: repId(0) });
  });
});
