/**
 * The action step over the emulator and a real Redis: a record entering an audience with a Campaign and a Task
 * cadence gets each exactly once — through redelivered events, a crash between the target's answer and its record,
 * and a Redis that lost the application's state —, leaving removes only what we added, re-entering applies again,
 * a `source_changed` exit removes only when the action opts in, and bad actions are reported on their record.
 * Every count is read from the org as the admin.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { clearPrefix, LoopHarness, waitFor } from './support/loop-harness';

const VP_FILTER = '{"field":"Title","op":"contains","value":"VP"}';
const CADENCE = JSON.stringify({
  steps: [
    { dayOffset: 0, subject: 'Call {FirstName}', type: 'Call' },
    { dayOffset: 2, subject: 'Email {FirstName} {LastName}', type: 'Email' },
  ],
  assignTo: 'owner',
});

type Row = Record<string, unknown> & { Id: string };

async function setUp(
  people: Record<string, unknown>[],
  actions: (campaignIds: string[], audienceId: string) => Record<string, unknown>[],
  options: { campaigns?: number; afterTargetCall?: (key: string) => Promise<void> } = {},
) {
  const h = await LoopHarness.create({
    start: false,
    sources: [{ Object__c: 'Contact' }],
    fieldMaps: [],
    audiences: [{ Name: 'VPs', Object__c: 'Contact', Filter__c: VP_FILTER }],
    records: { Contact: people },
  });
  const campaignIds = await h.createRecords(
    'Campaign',
    Array.from({ length: options.campaigns ?? 1 }, (_, i) => ({ Name: `Campaign ${i + 1}`, IsActive: true })),
  );
  const audienceId = h.ids.audiences[0]!;
  const actionIds = await h.createRecords(
    'Audience_Action__c',
    actions(campaignIds, audienceId).map((a, i) => ({
      Name: `Action ${i + 1}`,
      Audience__c: audienceId,
      Active__c: true,
      ...a,
    })),
  );
  await h.startRuntime({ actions: { afterTargetCall: options.afterTargetCall } });
  return { h, campaignIds, audienceId, actionIds };
}

const members = (h: LoopHarness, campaignId: string) =>
  h.query<Row & { ContactId: string; CreatedById: string }>(
    `SELECT Id, ContactId, CreatedById FROM CampaignMember WHERE CampaignId = '${campaignId}'`,
  );
const tasks = (h: LoopHarness, contactId: string) =>
  h.query<Row & { Subject: string; Status: string; Audience_Action_Key__c: string | null; Type: string }>(
    `SELECT Id, Subject, Status, Type, ActivityDate, Audience_Action_Key__c FROM Task WHERE WhoId = '${contactId}'`,
  );
const logs = (h: LoopHarness) =>
  h.query<Row & { Key__c: string; Status__c: string; Message__c: string | null; Operation__c: string }>(
    'SELECT Id, Key__c, Status__c, Message__c, Operation__c, Attempts__c, Audience_Member__c FROM Audience_Action_Log__c',
  );

/** Waits until the log holds `count` settled rows whose key contains `part`. */
async function settledLogs(h: LoopHarness, part: string, count: number) {
  return waitFor(
    async () => {
      const rows = (await logs(h)).filter((r) => r.Key__c.includes(part) && r.Status__c !== 'Pending');
      return rows.length >= count ? rows : undefined;
    },
    60_000,
    `${count} settled action logs for ${part}`,
  );
}

/** Adds a membership job as a redelivery would (another job id, same episode) and waits for it to finish. */
async function redeliver(h: LoopHarness, name: string, data: Record<string, unknown>): Promise<void> {
  const queue = h.loop.queues.queue('membership');
  const id = `redelivered-${Math.random().toString(36).slice(2)}`;
  await queue.add(name, data, { jobId: id });
  await waitFor(async () => (await queue.getJob(id))?.finishedOn, 60_000, `job ${id} to finish`);
}

describe('e2e: actions', () => {
  let h: LoopHarness | undefined;
  afterEach(async () => {
    await h?.stop();
    h = undefined;
  });

  it('a record entering gets its Campaign membership and its Tasks once, through redelivery and a lost Redis state', async () => {
    const setup = await setUp(
      [
        { FirstName: 'Ada', LastName: 'Lovelace', Title: 'VP Engineering', Email: 'ada@example.com' },
        { FirstName: 'Alan', LastName: 'Turing', Title: 'Engineer', Email: 'alan@example.com' },
      ],
      ([campaignId]) => [
        { Type__c: 'Campaign', Target__c: campaignId, On_Exit__c: 'Remove' },
        { Type__c: 'Task', Settings__c: CADENCE, On_Exit__c: 'Remove' },
      ],
    );
    h = setup.h;
    const [ada, alan] = h.records.Contact as [string, string];
    const campaignId = setup.campaignIds[0]!;

    // The first import opens Ada's episode while the actions exist: she gets both.
    await settledLogs(h, ada, 2);
    expect((await members(h, campaignId)).map((m) => m.ContactId)).toEqual([ada]);
    const adaTasks = await tasks(h, ada);
    expect(adaTasks.map((t) => t.Subject).sort()).toEqual(['Call Ada', 'Email Ada Lovelace']);
    expect(adaTasks.every((t) => t.Audience_Action_Key__c?.startsWith(setup.actionIds[1]!))).toBe(true);

    // A rep's edit makes Alan enter.
    await h.updateRecords('Contact', [{ Id: alan, Title: 'VP Research' }], h.repConn());
    await settledLogs(h, alan, 2);
    expect((await members(h, campaignId)).length).toBe(2);
    expect((await tasks(h, alan)).length).toBe(2);

    // The same episode delivered again: nothing new.
    const entry = {
      kind: 'entry',
      audienceId: setup.audienceId,
      object: 'Contact',
      recordId: ada,
      episodeKey: `${setup.audienceId}-${ada}-1`,
      at: new Date().toISOString(),
    };
    await redeliver(h, 'entry', entry);
    // Redis lost every application's state: the log in Salesforce answers for them.
    await clearPrefix(h.redis, `${h.prefix}:action:`);
    await redeliver(h, 'entry', entry);
    expect((await members(h, campaignId)).length).toBe(2);
    expect((await tasks(h, ada)).length).toBe(2);
    const rows = await logs(h);
    expect(rows.filter((r) => r.Key__c.includes(ada))).toHaveLength(2);
    expect(rows.every((r) => r.Status__c === 'Succeeded' && r.Operation__c === 'Apply')).toBe(true);
    expect(rows.every((r) => typeof r.Audience_Member__c === 'string')).toBe(true);
  }, 180_000);

  it('a crash after the target answered, with the state lost too, does not apply twice', async () => {
    const crashed = new Set<string>();
    let harness: LoopHarness | undefined;
    const setup = await setUp(
      [{ FirstName: 'Grace', LastName: 'Hopper', Title: 'VP Navy', Email: 'grace@example.com' }],
      ([campaignId]) => [
        { Type__c: 'Campaign', Target__c: campaignId, On_Exit__c: 'Remove' },
        { Type__c: 'Task', Settings__c: CADENCE, On_Exit__c: 'Remove' },
      ],
      {
        // The worker dies right after the target's effect, before it is recorded — and Redis forgets it too.
        afterTargetCall: async (key) => {
          if (crashed.has(key)) return;
          crashed.add(key);
          if (harness) await clearPrefix(harness.redis, `${harness.prefix}:action:${key}`);
          throw new Error('worker crashed');
        },
      },
    );
    h = harness = setup.h;
    const [grace] = h.records.Contact as [string];
    const rows = await settledLogs(h, grace, 2);
    expect(crashed.size).toBe(2);
    expect(rows.map((r) => r.Status__c)).toEqual(['Succeeded', 'Succeeded']);
    expect((await members(h, setup.campaignIds[0]!)).map((m) => m.ContactId)).toEqual([grace]);
    expect((await tasks(h, grace)).length).toBe(2);
  }, 180_000);

  it('leaving removes only ours, a person’s membership is never ours, and re-entering applies again', async () => {
    const setup = await setUp(
      [
        { FirstName: 'Ada', LastName: 'Lovelace', Title: 'VP Engineering', Email: 'ada@example.com' },
        { FirstName: 'Kay', LastName: 'Jones', Title: 'Engineer', Email: 'kay@example.com' },
      ],
      ([campaignId]) => [
        { Type__c: 'Campaign', Target__c: campaignId, On_Exit__c: 'Remove' },
        { Type__c: 'Task', Settings__c: CADENCE, On_Exit__c: 'Remove' },
      ],
    );
    h = setup.h;
    const [ada, kay] = h.records.Contact as [string, string];
    const campaignId = setup.campaignIds[0]!;
    await settledLogs(h, ada, 2);

    // A rep's own Task on Ada, and a rep adding Kay to the campaign before Kay enters.
    const rep = h.repConn();
    const [repTask] = await h.createRecords('Task', [{ Subject: 'My own follow-up', WhoId: ada }], rep);
    const [repMember] = await h.createRecords('CampaignMember', [{ CampaignId: campaignId, ContactId: kay }], rep);
    await h.updateRecords('Contact', [{ Id: kay, Title: 'VP Sales' }], rep);
    const kayLogs = await settledLogs(h, kay, 2);
    expect(kayLogs.find((r) => r.Key__c.startsWith(setup.actionIds[0]!))).toMatchObject({
      Status__c: 'Skipped',
      Message__c: 'already a member of the campaign',
    });

    // Both leave.
    await h.updateRecords(
      'Contact',
      [
        { Id: ada, Title: 'Engineer' },
        { Id: kay, Title: 'Engineer' },
      ],
      rep,
    );
    await settledLogs(h, `${ada}-1-remove`, 2);
    await settledLogs(h, `${kay}-1-remove`, 1); // the Tasks' remove; the campaign membership was never ours
    expect((await members(h, campaignId)).map((m) => m.Id)).toEqual([repMember]);
    const adaTasks = await tasks(h, ada);
    expect(adaTasks.find((t) => t.Id === repTask)?.Status).toBe('Not Started');
    expect(adaTasks.filter((t) => t.Id !== repTask).map((t) => t.Status)).toEqual(['Completed', 'Completed']);

    // Ada comes back: a new episode, applied again.
    await h.updateRecords('Contact', [{ Id: ada, Title: 'VP Engineering' }], rep);
    await settledLogs(h, `${ada}-2-apply`, 2);
    expect((await members(h, campaignId)).map((m) => m.ContactId).sort()).toEqual([ada, kay].sort());
    expect((await tasks(h, ada)).filter((t) => t.Status === 'Not Started')).toHaveLength(3);
  }, 180_000);

  it('a source_changed exit removes only for actions that opt in', async () => {
    const setup = await setUp(
      [{ FirstName: 'Ada', LastName: 'Lovelace', Title: 'VP Engineering', Email: 'ada@example.com' }],
      ([keep, drop]) => [
        { Type__c: 'Campaign', Target__c: keep, On_Exit__c: 'Remove' },
        { Type__c: 'Campaign', Target__c: drop, On_Exit__c: 'Remove', Settings__c: '{"removeOnSourceChange":true}' },
      ],
      { campaigns: 2 },
    );
    h = setup.h;
    const [ada] = h.records.Contact as [string];
    await settledLogs(h, ada, 2);
    const episodeKey = `${setup.audienceId}-${ada}-1`;
    await redeliver(h, 'exit', {
      kind: 'exit',
      audienceId: setup.audienceId,
      object: 'Contact',
      recordId: ada,
      episodeKey,
      at: new Date().toISOString(),
      cause: 'source_changed',
    });
    expect((await members(h, setup.campaignIds[0]!)).length).toBe(1);
    expect((await members(h, setup.campaignIds[1]!)).length).toBe(0);
    const removes = (await logs(h)).filter((r) => r.Operation__c === 'Remove');
    expect(removes.map((r) => r.Key__c)).toEqual([`${setup.actionIds[1]}-${episodeKey}-remove`]);
  }, 180_000);

  it('bad actions are reported on their record with the reason, and the good one still runs', async () => {
    const setup = await setUp(
      [{ FirstName: 'Ada', LastName: 'Lovelace', Title: 'VP Engineering', Email: 'ada@example.com' }],
      ([campaignId]) => [
        { Type__c: 'Campaign', Target__c: '701000000000001AAA' },
        { Type__c: 'Task', Settings__c: '{"steps":[{"dayOffset":0,"type":"Call"}]}' },
        { Type__c: 'Task', Settings__c: '{"steps": [' },
        { Type__c: 'Campaign', Target__c: campaignId, Settings__c: '{"memberStatus":"Attended"}' },
        { Type__c: 'Campaign', Target__c: campaignId },
      ],
    );
    h = setup.h;
    const byId = await h.byId<Row & { Status__c: string; Status_Message__c: string | null }>(
      'Audience_Action__c',
      ['Status__c', 'Status_Message__c'],
      setup.actionIds,
    );
    const status = (i: number) => byId.get(setup.actionIds[i]!);
    expect(status(0)).toMatchObject({ Status__c: 'Error' });
    expect(status(0)?.Status_Message__c).toMatch(/^Target__c: no Campaign 701000000000001AAA/);
    expect(status(1)?.Status_Message__c).toMatch(/^Settings__c\.steps\.0\.subject: /);
    expect(status(2)?.Status_Message__c).toMatch(/^Settings__c is not JSON/);
    expect(status(3)?.Status_Message__c).toMatch(/^Settings__c\.memberStatus: "Attended" is not a member status/);
    expect(status(4)).toMatchObject({ Status__c: 'OK', Status_Message__c: null });
    const [ada] = h.records.Contact as [string];
    const rows = await settledLogs(h, ada, 1);
    expect(rows.map((r) => r.Key__c)).toEqual([`${setup.actionIds[4]}-${setup.audienceId}-${ada}-1-apply`]);
  }, 180_000);

  it('entries that arrive together join the campaign through one Collections create, not one call each', async () => {
    const people = ['Ada', 'Alan', 'Grace', 'Edsger', 'Barbara'].map((name) => ({
      FirstName: name,
      LastName: 'Tester',
      Title: 'Engineer',
      Email: `${name.toLowerCase()}@example.com`,
    }));
    const setup = await setUp(people, ([campaignId]) => [{ Type__c: 'Campaign', Target__c: campaignId }]);
    h = setup.h;
    const ids = h.records.Contact as string[];
    await h.resetCounters();
    // One rep save makes all five enter at once.
    await h.updateRecords(
      'Contact',
      ids.map((Id) => ({ Id, Title: 'VP Engineering' })),
      h.repConn(),
    );
    for (const id of ids) await settledLogs(h, id, 1);
    expect((await members(h, setup.campaignIds[0]!)).map((m) => m.ContactId).sort()).toEqual([...ids].sort());
    const counters = await h.counters();
    // The integration user made no single-record create: every CampaignMember went in a collection.
    expect(counters.byRoute.sobject ?? 0).toBe(0);
  }, 180_000);
});
