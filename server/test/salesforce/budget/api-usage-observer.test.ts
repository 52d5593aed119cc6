import { Connection } from 'jsforce';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSalesforceEmulator, type RunningEmulator } from '../../../../test/emulators/salesforce';
import { ApiBudgetGovernor } from '../../../src/salesforce/budget/api-budget-governor';
import { ApiUsageObserver } from '../../../src/salesforce/budget/api-usage-observer';
import { OrgClient } from '../../../src/salesforce/org-client';

/** Issue 11, finding 6: /readyz's budget reading froze at its start-up value because only writes updated it. */
describe('API usage observer against the emulator', () => {
  let emulator: RunningEmulator;
  let org: OrgClient;

  beforeAll(async () => {
    emulator = await startSalesforceEmulator({ seed: 'none', dailyApiLimit: 15_000 });
    const integration = emulator.users.find((u) => u.role === 'integration')!;
    org = new OrgClient(
      new Connection({ instanceUrl: emulator.instanceUrl, accessToken: integration.accessToken, version: '62.0' }),
    );
  });

  afterAll(async () => {
    await emulator?.stop();
  });

  it('when the loop only reads, then the budget reading still follows the org’s count', async () => {
    const governor = new ApiBudgetGovernor();
    const observer = new ApiUsageObserver(org, governor);
    await observer.start();
    const first = governor.reading!.used;

    for (let i = 0; i < 5; i += 1) await org.query('SELECT Id FROM Contact LIMIT 1');

    const counted = (await (await fetch(`${emulator.instanceUrl}/__emulator/counters`)).json()) as { apiUsed: number };
    expect(governor.reading!.used).toBeGreaterThanOrEqual(first + 5);
    expect(governor.reading!.used).toBe(counted.apiUsed);
    expect(governor.reading!.source).toBe('header');
    expect(observer.callsSinceStart()).toBeGreaterThanOrEqual(5);
  });

  it('when a read fails, then its header still counts and the caller still sees the error', async () => {
    const governor = new ApiBudgetGovernor();
    const observer = new ApiUsageObserver(org, governor);
    await observer.start();
    const first = governor.reading!.used;

    await expect(org.query('SELECT Nope__c FROM Contact')).rejects.toThrow(/Nope__c/);

    expect(governor.reading!.used).toBeGreaterThan(first);
  });
});
