/**
 * Actions are background work: once the org's daily API budget is past API_BUDGET_PAUSE they wait, like imports —
 * an application the budget stops between its Pending row and its target call is deferred (its job delayed), with
 * no call made and no attempt counted, and it runs once the budget is back. Never a failed attempt or application.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { jobId } from '../../server/src/queues/job-ids';
import { LoopHarness, waitFor } from './support/loop-harness';

const VP_FILTER = '{"field":"Title","op":"contains","value":"VP"}';
const DAILY_LIMIT = 100_000;

type Row = Record<string, unknown> & { Id: string };

describe('e2e: an action application and the API budget', () => {
  let h: LoopHarness | undefined;
  afterEach(async () => {
    await h?.stop();
    h = undefined;
  });

  it('when the budget goes past API_BUDGET_PAUSE mid-application, then it waits and applies once after', async () => {
    h = await LoopHarness.create({
      start: false,
      dailyApiLimit: DAILY_LIMIT,
      sources: [{ Object__c: 'Contact' }],
      fieldMaps: [],
      audiences: [{ Name: 'VPs', Object__c: 'Contact', Filter__c: VP_FILTER }],
      records: {
        Contact: [{ FirstName: 'Ada', LastName: 'Lovelace', Title: 'VP Engineering', Email: 'ada@example.com' }],
      },
    });
    const harness = h;
    const [campaignId] = await harness.createRecords('Campaign', [{ Name: 'Budget campaign', IsActive: true }]);
    const audienceId = harness.ids.audiences[0]!;
    const [actionId] = await harness.createRecords('Audience_Action__c', [
      { Name: 'Join', Audience__c: audienceId, Active__c: true, Type__c: 'Campaign', Target__c: campaignId },
    ]);
    const [ada] = harness.records.Contact as [string];
    const key = `${actionId}-${audienceId}-${ada}-1-apply`;

    // The application is admitted (the budget is fine), then held just before its Pending row.
    let reached = false;
    let release!: () => void;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const loop = await harness.startRuntime({
      actions: {
        beforePendingRow: async () => {
          reached = true;
          await gate;
        },
      },
    });
    await waitFor(() => reached, 120_000, 'the application at its gate');

    // Meanwhile the day's calls run out past API_BUDGET_PAUSE (0.7), and a response says so.
    await harness.faults({ apiUsed: 0.75 * DAILY_LIMIT });
    await loop.apiUsage.start();
    expect(loop.governor.state).toBe('paused');
    release();

    const entry = jobId('entry', `${audienceId}-${ada}-1`);
    const membership = loop.queues.queue('membership');
    const [held] = await waitFor(
      async () => {
        const rows = await logs(harness);
        const state = await membership.getJobState(entry);
        // Deferred: the job waits (delayed, or due in the paused queue); a settled row would mean it went ahead.
        if (rows[0]?.Status__c !== 'Pending' && rows.length > 0) return rows;
        return rows.length > 0 && state !== 'active' ? rows : undefined;
      },
      60_000,
      'the application deferred (or settled)',
    );
    expect(held).toMatchObject({ Key__c: key, Status__c: 'Pending', Attempts__c: 0 });
    expect(await campaignMembers(harness, campaignId!)).toEqual([]);

    // The day's budget is raised (the 24-hour window rolls on) and the next reading says so: it applies, once.
    await harness.faults({ dailyApiLimit: 10 * DAILY_LIMIT });
    await loop.apiUsage.start();
    const [done] = await waitFor(
      async () => {
        const rows = await logs(harness);
        return rows[0]?.Status__c === 'Pending' ? undefined : rows;
      },
      120_000,
      'the application settled after the budget came back',
    );
    expect(done).toMatchObject({ Key__c: key, Status__c: 'Succeeded', Attempts__c: 1 });
    expect((await campaignMembers(harness, campaignId!)).map((m) => m.ContactId)).toEqual([ada]);
  }, 300_000);
});

function logs(h: LoopHarness) {
  return h.query<Row & { Key__c: string; Status__c: string; Attempts__c: number }>(
    'SELECT Id, Key__c, Status__c, Attempts__c FROM Audience_Action_Log__c ORDER BY Key__c',
  );
}

function campaignMembers(h: LoopHarness, campaignId: string) {
  return h.query<Row & { ContactId: string }>(
    `SELECT Id, ContactId FROM CampaignMember WHERE CampaignId = '${campaignId}'`,
  );
}
