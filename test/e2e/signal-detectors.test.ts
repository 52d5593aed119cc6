/**
 * The scheduled signal detectors over the Salesforce emulator, a real Redis and loopback job boards and funding feed:
 * each rule gets a BullMQ scheduler on the `signals` queue, each run is an Audience_Run__c of type Signal, Hiring_Surge
 * and Funding_Round fire once per event (a re-run hands over the same identity), a board answering HTML or 404 is
 * recorded for its Account while the others go on, the API budget's pause level pauses a run visibly, and a rule
 * made inactive loses its scheduler at the next reload.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Loop } from '../../server/src/runtime/compose';
import { DETECT_JOB, detectSchedulerId } from '../../server/src/signals/schedules/detect-schedules';
import { startFundingFeedFake, type FundingFeedFake } from '../emulators/funding-feed/index';
import { startJobBoardFakes, type FakeRole, type JobBoardFakes } from '../emulators/job-boards/index';
import { LoopHarness, waitFor } from './support/loop-harness';
import { detectorRuns } from './support/detector-runs';
import { RecordingSignalSink } from './support/recording-signal-sink';

const roles = (prefix: string, count: number, department = 'Engineering'): FakeRole[] =>
  Array.from({ length: count }, (_, i) => ({
    id: `${prefix}${i + 1}`,
    title: `${department} role ${i + 1}`,
    department,
  }));

const daysAgo = (days: number) => new Date(Date.now() - days * 86_400_000).toISOString().slice(0, 10);

describe('scheduled signal detectors', () => {
  let harness: LoopHarness;
  let boards: JobBoardFakes;
  let feed: FundingFeedFake;
  let loop: Loop;
  let sink: RecordingSignalSink;
  const rules: { surge: string; funding: string } = { surge: '', funding: '' };

  const { runsOf, firstRunDone, detect } = detectorRuns(
    () => harness,
    () => loop,
  );

  beforeAll(async () => {
    [boards, feed] = await Promise.all([startJobBoardFakes(), startFundingFeedFake()]);
    boards.setBoard('greenhouse', 'acme', { roles: roles('100', 3) });
    boards.setBoard('lever', 'beta', { status: 'html' });
    boards.setBoard('ashby', 'gamma', { roles: roles('as', 2, 'Sales') });
    feed.addRound({
      id: 'round-fundco-a',
      organization: { id: 'org-fundco', name: 'FundCo', website: 'https://fundco.io/' },
      announcedOn: daysAgo(2),
      type: 'series_a',
      amountUsd: 20_000_000,
      investors: ['Sequoia', 'Index'],
      leadInvestors: ['Sequoia'],
    });
    feed.addRound({
      id: 'round-tiny-seed',
      organization: { id: 'org-tiny', name: 'Tiny', website: 'tiny.dev' },
      announcedOn: daysAgo(1),
      type: 'seed',
      amountUsd: 500_000,
    });
    feed.addRound({
      id: 'round-nobody',
      organization: { id: 'org-nobody', name: 'Nobody', website: 'https://nobody.example' },
      announcedOn: daysAgo(1),
      type: 'series_b',
      amountUsd: 50_000_000,
    });
    harness = await LoopHarness.create({
      sources: [{ Object__c: 'Account' }],
      fieldMaps: [
        {
          Object__c: 'Account',
          Field__c: 'Open_Roles__c',
          Attribute__c: 'company.open_roles',
          Write_Rule__c: 'Always',
        },
        {
          Object__c: 'Account',
          Field__c: 'Last_Funding_Amount__c',
          Attribute__c: 'company.last_funding_amount',
          Write_Rule__c: 'Always',
        },
        {
          Object__c: 'Account',
          Field__c: 'Last_Funding_Round__c',
          Attribute__c: 'company.last_funding_round',
          Write_Rule__c: 'Fill_Blank',
        },
      ],
      dailyApiLimit: 10_000,
      start: false,
      records: {
        Account: [
          { Name: 'Acme', Website: 'acme.com', Job_Board_Url__c: 'https://boards.greenhouse.io/acme' },
          { Name: 'Beta', Website: 'beta.com', Job_Board_Url__c: 'https://jobs.lever.co/beta' },
          { Name: 'Gamma', Website: 'gamma.com', Job_Board_Url__c: 'https://jobs.ashbyhq.com/gamma' },
          { Name: 'Gone', Website: 'gone.com', Job_Board_Url__c: 'https://boards.greenhouse.io/gone' },
          { Name: 'FundCo', Website: 'https://www.fundco.io' },
          { Name: 'Tiny', Website: 'http://tiny.dev/' },
        ],
      },
    });
    const created = await harness.admin.sobject('Audience_Signal_Rule__c').create([
      {
        Name: 'Hiring surge',
        Type__c: 'Hiring_Surge',
        Object__c: 'Account',
        Active__c: true,
        Settings__c: JSON.stringify({ minAdded: 2, minPercent: 20, windowDays: 30 }),
      },
      {
        Name: 'Funding',
        Type__c: 'Funding_Round',
        Object__c: 'Account',
        Active__c: true,
        Settings__c: JSON.stringify({ minAmountUsd: 1_000_000 }),
      },
    ]);
    const [surgeId, fundingId] = created.map((result) => (result as { id: string }).id);
    rules.surge = surgeId!;
    rules.funding = fundingId!;
    loop = await harness.startRuntime(
      {
        signalDetectors: {
          jobBoards: { greenhouse: boards.greenhouseApiUrl, lever: boards.leverApiUrl, ashby: boards.ashbyApiUrl },
          fundingFeed: { url: feed.url, key: feed.key },
        },
      },
      (composed) => (sink = RecordingSignalSink.watch(composed.signals.sink)),
    );
  }, 120_000);

  afterAll(async () => {
    await harness?.stop();
    await Promise.all([boards?.stop(), feed?.stop()]);
  });

  /** Waits until the Account's field holds the value (the writer works through the loop's queues). */
  const waitForField = (accountId: string, field: string, value: unknown) =>
    waitFor(
      async () =>
        ((await harness.admin.sobject('Account').retrieve(accountId)) as Record<string, unknown>)[field] === value,
      60_000,
      `${field} of ${accountId} to be ${String(value)}`,
    );

  const signalsOf = async (ruleId: string) =>
    (
      await harness.admin.query<{ Account__c: string; Status__c: string; Confidence__c: number }>(
        `SELECT Id, Account__c, Status__c, Confidence__c FROM Audience_Signal__c WHERE Audience_Signal_Rule__c = '${ruleId}'`,
      )
    ).records;

  it('makes a scheduler per active rule on the signals queue', async () => {
    const schedulers = await loop.queues.queue('signals').getJobSchedulers(0, -1);
    expect(schedulers.filter((s) => s.name === DETECT_JOB).map((s) => s.key)).toEqual(
      expect.arrayContaining([detectSchedulerId(rules.surge), detectSchedulerId(rules.funding)]),
    );
  });

  it('Hiring_Surge: records unreadable boards per Account, fires once when roles grow, not again on a re-run', async () => {
    const [first] = await firstRunDone(rules.surge);
    // Acme and Gamma counted; Beta (HTML) and Gone (404) recorded, the run went on.
    expect(first).toMatchObject({ Status__c: 'Partially_Succeeded', Processed__c: 2, Failed__c: 2, Succeeded__c: 0 });
    expect(first!.Error_Summary__c).toContain('JOB_BOARD_NOT_JSON');
    expect(first!.Error_Summary__c).toContain('JOB_BOARD_NOT_FOUND');
    expect(sink.firedFor(rules.surge)).toHaveLength(0);

    boards.setBoard('greenhouse', 'acme', { roles: roles('100', 6) });
    expect(await detect(rules.surge)).toMatchObject({ status: 'Partially_Succeeded', fired: 1 });
    const [firing] = sink.firedFor(rules.surge);
    expect(firing).toMatchObject({
      object: 'Account',
      recordId: harness.records.Account![0],
      identity: expect.stringMatching(/^open_roles:6:\d{4}-\d{2}-\d{2}$/),
      attributes: { 'company.open_roles': 6 },
    });
    expect((firing!.evidence.rolesAdded as { id: string }[]).map((role) => role.id)).toEqual(['1004', '1005', '1006']);
    expect(firing!.confidence).toBeGreaterThan(0);

    expect(await detect(rules.surge)).toMatchObject({ fired: 0 });
    expect(sink.firedFor(rules.surge)).toHaveLength(1);
    const stored = await signalsOf(rules.surge);
    expect(stored).toEqual([expect.objectContaining({ Account__c: harness.records.Account![0], Status__c: 'New' })]);
    expect(stored[0]!.Confidence__c).toBeGreaterThan(0);
    // The counts land on the Accounts under the field map: fired (Acme) or merely counted (Gamma).
    const accounts = harness.records.Account!;
    await waitForField(accounts[0]!, 'Open_Roles__c', 6);
    await waitForField(accounts[2]!, 'Open_Roles__c', 2);
    const runs = await runsOf(rules.surge);
    expect(runs).toHaveLength(3);
    expect(runs[1]).toMatchObject({ Succeeded__c: 1, Processed__c: 2 });
  });

  it('Funding_Round: fires once per round matched by website domain, within the rule amount, never twice', async () => {
    const [first] = await firstRunDone(rules.funding);
    expect(first).toMatchObject({ Status__c: 'Succeeded', Succeeded__c: 1 });
    const fired = sink.firedFor(rules.funding);
    expect(fired).toHaveLength(1);
    expect(fired[0]).toMatchObject({
      recordId: harness.records.Account![4],
      identity: 'round-fundco-a',
      attributes: {
        'company.last_funding_round': 'series_a',
        'company.last_funding_amount': 20_000_000,
        'company.last_funding_date': daysAgo(2),
      },
      evidence: expect.objectContaining({ investors: ['Sequoia', 'Index'], leadInvestors: ['Sequoia'] }),
    });

    expect(await detect(rules.funding)).toMatchObject({ status: 'Succeeded', fired: 0 });
    expect(sink.firedFor(rules.funding)).toHaveLength(1);
    // The second run asked from the cursor: the latest announcement day the first run read.
    const searches = feed.searches() as { query: { field_id: string; values: unknown[] }[] }[];
    const since = searches.at(-1)!.query.find((p) => p.field_id === 'announced_on')!.values[0];
    expect(since).toBe(daysAgo(1));

    // With the cursor gone the round is read again: the same identity is handed over, so nothing fires twice.
    await harness.redis.del(`${harness.prefix}:signal:funding-cursor:${rules.funding}`);
    expect(await detect(rules.funding)).toMatchObject({ status: 'Succeeded', fired: 0 });
    expect(sink.seen.filter((s) => s.status === 'duplicate' && s.identity === 'round-fundco-a')).toHaveLength(1);
    await waitForField(harness.records.Account![4]!, 'Last_Funding_Amount__c', 20_000_000);
    await waitForField(harness.records.Account![4]!, 'Last_Funding_Round__c', 'series_a');
    expect(await signalsOf(rules.funding)).toEqual([
      expect.objectContaining({ Account__c: harness.records.Account![4], Status__c: 'New' }),
    ]);
  });

  it('pauses a run at the API budget pause level, visibly on its run record', async () => {
    await harness.faults({ apiUsed: 7_500 });
    const paused = await detect(rules.surge);
    expect(paused).toMatchObject({ status: 'Paused' });
    const run = (await runsOf(rules.surge)).find((r) => r.Id === paused.runId);
    expect(run).toMatchObject({ Status__c: 'Paused', Processed__c: 0 });
    expect(run!.Status_Message__c).toMatch(/API budget paused/);
    await harness.faults({ dailyApiLimit: 100_000 });
    expect(await detect(rules.surge)).toMatchObject({ status: 'Partially_Succeeded' });
  });

  it('removes the scheduler of a rule made inactive at the next reload', async () => {
    await harness.admin.sobject('Audience_Signal_Rule__c').update({ Id: rules.funding, Active__c: false });
    await loop.reloader.request('test: rule deactivated');
    await loop.reloader.idle();
    const keys = (await loop.queues.queue('signals').getJobSchedulers(0, -1)).map((s) => s.key);
    expect(keys).toContain(detectSchedulerId(rules.surge));
    expect(keys).not.toContain(detectSchedulerId(rules.funding));
    expect(await detect(rules.funding)).toEqual({ skipped: 'rule not active' });
  });
});
