/**
 * A run in which every provider refuses the key (issue 11, finding 8): over the Salesforce emulator, the provider
 * fakes switched to answer 401 and a real Redis. The run must end Failed (not Partially_Succeeded), its
 * Error_Summary__c must name each provider and "bad credentials", Skips_By_Reason__c must count why records were not
 * enriched, and an error line must be logged. Everything is read back from the org and the captured log.
 */
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../server/src/lib/logger';
import { startProviderFakes, type ProviderFakes } from '../emulators/providers/index';
import { LoopHarness, waitFor } from './support/loop-harness';

interface RunRow {
  Id: string;
  Status__c: string;
  Succeeded__c: number;
  Failed__c: number;
  Processed__c: number;
  Error_Summary__c: string | null;
  Skips_By_Reason__c: string | null;
}

let h: LoopHarness;
let fakes: ProviderFakes;
let planId = '';
const logLines: Record<string, unknown>[] = [];

beforeAll(async () => {
  fakes = await startProviderFakes();
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split('\n')) if (line.trim()) logLines.push(JSON.parse(line));
      done();
    },
  });
  h = await LoopHarness.create({
    start: false,
    logger: createLogger({ level: 'warn', format: 'json' }, sink),
    sources: [{ Object__c: 'Lead', Inclusion_Filter__c: null }],
    fieldMaps: [
      { Object__c: 'Lead', Field__c: 'Email', Attribute__c: 'person.work_email', Write_Rule__c: 'Fill_Blank' },
    ],
    audiences: [
      {
        Name: 'Web leads',
        Object__c: 'Lead',
        Filter__c: JSON.stringify({ field: 'LeadSource', op: 'eq', value: 'Web' }),
      },
    ],
    records: {
      Lead: ['Olivia Martin', 'Lucas Bernard', 'Emma Dubois'].map((name) => {
        const [FirstName, LastName] = name.split(' ');
        return { FirstName, LastName, Company: 'Acme Inc', Website: 'https://acme.com', LeadSource: 'Web' };
      }),
    },
  });
  const [plan] = await h.createRecords('Audience_Enrichment__c', [
    {
      Name: 'Work emails',
      Object__c: 'Lead',
      Audience__c: h.ids.audiences[0],
      Attributes__c: 'person.work_email',
      Providers__c: 'pdl,hunter,apollo',
      Active__c: true,
    },
  ]);
  planId = plan as string;
  for (const provider of ['hunter', 'pdl', 'apollo'] as const) fakes.control.setMode(provider, 'bad_key');
  await h.startRuntime({
    enrichment: {
      environment: {
        HUNTER_API_KEY: fakes.keys.hunter,
        HUNTER_BASE_URL: fakes.hunterBaseUrl,
        PDL_API_KEY: fakes.keys.pdl,
        PDL_BASE_URL: fakes.pdlBaseUrl,
        APOLLO_API_KEY: fakes.keys.apollo,
        APOLLO_BASE_URL: fakes.apolloBaseUrl,
      },
      retryDelayMs: 0,
    },
  });
  await waitFor(
    async () => (await h.activeMembers(h.ids.audiences[0] as string)).size === 3,
    20_000,
    'three audience members',
  );
}, 90_000);

afterAll(async () => {
  await h?.stop();
  await fakes?.stop();
});

describe('an enrichment run where every provider answers 401', { timeout: 60_000 }, () => {
  it('when nothing succeeded, then the run is Failed and says per provider: bad credentials', async () => {
    const outcome = await h.loop.enrichment.runPlan(planId);

    expect(outcome.status).toBe('Failed');
    const [run] = await h.query<RunRow & Record<string, unknown>>(
      'SELECT Id, Status__c, Succeeded__c, Failed__c, Processed__c, Error_Summary__c, Skips_By_Reason__c ' +
        `FROM Audience_Run__c WHERE Audience_Enrichment__c = '${planId}'`,
    );
    expect(run).toMatchObject({ Status__c: 'Failed', Processed__c: 3, Succeeded__c: 0, Failed__c: 3 });
    const summary = run?.Error_Summary__c ?? '';
    for (const provider of ['pdl', 'hunter', 'apollo'])
      expect(summary).toMatch(new RegExp(`^${provider}: bad credentials`, 'm'));
    expect(summary).toContain('HTTP 401');
    // No key, raw or encoded, in what the org stores.
    for (const key of Object.values(fakes.keys)) {
      expect(summary).not.toContain(key);
      expect(summary).not.toContain(encodeURIComponent(key));
    }
    expect(JSON.parse(run?.Skips_By_Reason__c ?? '{}')).toEqual({ 'failed:bad_credentials': 3 });
    const logged = logLines.find(
      (line) => line.level === 50 && String(line.msg).startsWith('enrichment run ended with 3 failed records'),
    );
    expect(logged).toMatchObject({ runId: run?.Id, status: 'Failed', succeeded: 0, failed: 3 });
  });
});
