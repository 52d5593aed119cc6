/**
 * The Job_Change detector over the Salesforce emulator, a real Redis and the PDL fake: a person whose current employer
 * (asked through the enrichment waterfall) differs from their Account's website fires once, with evidence and the
 * signal attributes; a re-run hands over the same identity (never alerted twice for the same move); a rule's credit
 * limit stops its run visibly.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Loop } from '../../server/src/runtime/compose';
import { startProviderFakes, type ProviderFakes } from '../emulators/providers/index';
import { clearPrefix, LoopHarness } from './support/loop-harness';
import { detectorRuns } from './support/detector-runs';
import { RecordingSignalSink } from './support/recording-signal-sink';

describe('Job_Change detector', () => {
  let harness: LoopHarness;
  let fakes: ProviderFakes;
  let loop: Loop;
  let sink: RecordingSignalSink;
  let ruleId = '';
  let budgetRuleId = '';
  let contacts: string[] = [];

  const { firstRunDone, detect } = detectorRuns(
    () => harness,
    () => loop,
  );

  beforeAll(async () => {
    fakes = await startProviderFakes();
    harness = await LoopHarness.create({
      sources: [{ Object__c: 'Contact' }],
      fieldMaps: [],
      start: false,
      records: {
        Account: [
          { Name: 'OldCo', Website: 'https://www.oldco.com' },
          { Name: 'Acme', Website: 'acme.com' },
        ],
      },
    });
    const [oldCo, acme] = harness.records.Account!;
    contacts = await harness.createRecords('Contact', [
      {
        FirstName: 'Olivia',
        LastName: 'Martin',
        Email: 'olivia.martin@oldco.com',
        LinkedIn_URL__c: 'https://www.linkedin.com/in/olivia-martin',
        Title: 'Sales Manager',
        AccountId: oldCo,
      },
      { FirstName: 'Lucas', LastName: 'Bernard', Email: 'lucas.bernard@acme.com', AccountId: acme },
      { FirstName: 'No', LastName: 'Body', Email: 'no.body@oldco.com', AccountId: oldCo },
    ]);
    const created = await harness.admin.sobject('Audience_Signal_Rule__c').create([
      {
        Name: 'Job changes',
        Type__c: 'Job_Change',
        Object__c: 'Contact',
        Active__c: true,
        Settings__c: JSON.stringify({ cadenceDays: 1, minConfidence: 0.7, providers: ['pdl'] }),
      },
      {
        Name: 'Job changes on a tight budget',
        Type__c: 'Job_Change',
        Object__c: 'Contact',
        Active__c: false,
        Settings__c: JSON.stringify({ cadenceDays: 1, maxCreditsPerRun: 0.5 }),
      },
    ]);
    [ruleId, budgetRuleId] = created.map((result) => (result as { id: string }).id) as [string, string];
    loop = await harness.startRuntime(
      { enrichment: { environment: { PDL_API_KEY: fakes.keys.pdl, PDL_BASE_URL: fakes.pdlBaseUrl } } },
      (composed) => (sink = RecordingSignalSink.watch(composed.signals.sink)),
    );
  }, 120_000);

  afterAll(async () => {
    await harness?.stop();
    await fakes?.stop();
  });

  it('fires once for a person whose employer moved, with evidence and the signal attributes', async () => {
    const [first] = await firstRunDone(ruleId);
    expect(first).toMatchObject({ Status__c: 'Succeeded', Succeeded__c: 1 });
    expect(first!.Credits_Used__c).toBeGreaterThanOrEqual(1);
    expect(sink.firings).toHaveLength(1);
    const [firing] = sink.firings;
    expect(firing).toMatchObject({
      object: 'Contact',
      recordId: contacts[0],
      identity: 'employer:acme.com',
      attributes: { 'signal.previous_company': 'OldCo', 'signal.job_change_at': expect.any(String) },
      evidence: expect.objectContaining({
        provider: 'pdl',
        previousEmployer: { name: 'OldCo', domain: 'oldco.com' },
        newEmployer: { domain: 'acme.com' },
      }),
    });
    expect(firing!.confidence).toBeGreaterThanOrEqual(0.7);
  });

  it('never alerts twice for the same move: a re-run hands over the same identity', async () => {
    expect(await detect(ruleId)).toMatchObject({ status: 'Succeeded', fired: 0 });
    expect(sink.firings).toHaveLength(1);
    expect(sink.outcomes.filter((o) => o.status === 'duplicate')).toHaveLength(1);
    const stored = await harness.admin.query<{ Contact__c: string; Confidence__c: number; Evidence__c: string }>(
      `SELECT Id, Contact__c, Confidence__c, Evidence__c FROM Audience_Signal__c WHERE Audience_Signal_Rule__c = '${ruleId}'`,
    );
    expect(stored.records).toEqual([expect.objectContaining({ Contact__c: contacts[0] })]);
    expect(stored.records[0]!.Confidence__c).toBeGreaterThanOrEqual(70);
    expect(JSON.parse(stored.records[0]!.Evidence__c)).toMatchObject({ provider: 'pdl' });
  });

  it('stops a run at the rule credit limit, visibly', async () => {
    // Values bought by the first rule are cached (free); forget them so the budgeted rule has to buy.
    await clearPrefix(harness.redis, `${harness.prefix}:enrich:cache:`);
    await clearPrefix(harness.redis, `${harness.prefix}:enrich:miss:`);
    const calls = fakes.calls('pdl');
    await harness.admin.sobject('Audience_Signal_Rule__c').update({ Id: budgetRuleId, Active__c: true });
    await loop.reloader.request('test: budgeted rule activated');
    await loop.reloader.idle();
    const [run] = await firstRunDone(budgetRuleId);
    expect(run).toMatchObject({ Status__c: 'Paused', Processed__c: 0 });
    expect(run!.Status_Message__c).toMatch(/credit/i);
    expect(fakes.calls('pdl')).toBe(calls);
    expect(sink.firings).toHaveLength(1);
  });
});
