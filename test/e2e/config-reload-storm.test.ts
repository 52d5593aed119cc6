/**
 * Issue 11, finding 6: saving 34 config records at once (two Collections calls, as a setup tab or a deployment
 * does) must cost a reload or two, not one per record. The config triggers publish one RELOAD_CONFIG per record.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { LoopHarness, waitFor } from './support/loop-harness';

describe('e2e: a storm of config saves', () => {
  let h: LoopHarness | undefined;

  afterEach(async () => {
    await h?.stop();
    h = undefined;
  });

  it('when 34 audiences are saved in two calls, then at most two reloads run and few API calls are spent', async () => {
    h = await LoopHarness.create({
      start: false,
      sources: [{ Object__c: 'Contact' }],
      fieldMaps: [],
      records: { Contact: Array.from({ length: 20 }, (_, i) => ({ LastName: `P${i}`, Title: 'CEO' })) },
    });
    const harness = h;
    let reloads = 0;
    await harness.startRuntime({}, (loop) => {
      const load = loop.config.load.bind(loop.config);
      loop.config.load = () => {
        reloads += 1;
        return load();
      };
    });
    reloads = 0;
    await harness.resetCounters();

    const rows = Array.from({ length: 34 }, (_, i) => ({
      Name: `Audience ${i}`,
      Object__c: 'Contact',
      Active__c: true,
      Filter__c: JSON.stringify({ field: 'Title', op: 'eq', value: `Title ${i}` }),
    }));
    for (const chunk of [rows.slice(0, 17), rows.slice(17)]) await harness.admin.sobject('Audience__c').create(chunk);

    await waitFor(
      async () => {
        const saved = await harness.query<{ Id: string; Status__c: string | null }>(
          'SELECT Id, Status__c FROM Audience__c',
        );
        return saved.length === 34 && saved.every((r) => r.Status__c === 'OK');
      },
      60_000,
      'every audience to show Status OK',
    );
    await harness.loop.reloader.idle();

    const counters = await harness.counters();
    const byLoop = counters.byUser[harness.userIds.integration] ?? 0;
    expect(reloads).toBeGreaterThanOrEqual(1);
    expect(reloads).toBeLessThanOrEqual(2);
    // Measured: one reload and 14 calls by the loop (config queries, describes, the status write, member counts);
    // 48 when new audiences were seeded from Audience_Member__c one query each (now one query for all of them).
    expect(byLoop).toBeLessThanOrEqual(20);
  });
});
