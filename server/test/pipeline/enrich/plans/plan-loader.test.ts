import { describe, expect, it } from 'vitest';
import { createLogger } from '../../../../src/lib/logger';
import { loadEnrichmentPlans } from '../../../../src/pipeline/enrich/plans/plan-loader';
import type { OrgClient } from '../../../../src/salesforce/org-client';
import type { CollectionsClient } from '../../../../src/salesforce/writers/collections-client';
import type { SaveRow } from '../../../../src/salesforce/writers/write-types';

function fakeOrg(records: Record<string, unknown>[]) {
  const updates: Record<string, unknown>[] = [];
  const org = { query: async () => records } as unknown as OrgClient;
  const statuses = {
    save: async (_operation: string, rows: SaveRow[]) => {
      updates.push(...rows.map((row) => ({ Id: row.id, ...row.fields })));
      return rows.map((row) => ({ id: row.id, ok: true }));
    },
  } as unknown as CollectionsClient;
  return { org, statuses, updates };
}

const base = {
  Object__c: 'Lead',
  Audience__c: 'a01000000000001',
  Attributes__c: 'person.work_email',
  Providers__c: 'hunter',
  Time_Zone__c: 'Europe/Paris',
  Schedule__c: '0 6 * * 1',
};

describe('loadEnrichmentPlans', () => {
  it('parses valid plans and writes a status only where it changes', async () => {
    const { org, statuses, updates } = fakeOrg([
      { Id: 'p1', Name: 'Good', ...base, Status__c: 'OK', Status_Message__c: null },
      { Id: 'p2', Name: 'Unknown provider', ...base, Providers__c: 'clearbit', Status__c: null },
      { Id: 'p3', Name: 'Was broken', ...base, Status__c: 'Error', Status_Message__c: 'old problem' },
    ]);
    const loaded = await loadEnrichmentPlans(
      org,
      statuses,
      new Set(['offline', 'hunter']),
      createLogger({ level: 'silent' }),
    );
    expect(loaded.plans.map((p) => [p.id, p.timeZone, p.schedule])).toEqual([
      ['p1', 'Europe/Paris', '0 6 * * 1'],
      ['p3', 'Europe/Paris', '0 6 * * 1'],
    ]);
    expect(loaded.problems).toEqual([{ id: 'p2', message: expect.stringContaining('clearbit') }]);
    expect(updates).toEqual([
      { Id: 'p2', Status__c: 'Error', Status_Message__c: expect.stringContaining('clearbit') },
      { Id: 'p3', Status__c: 'OK', Status_Message__c: null },
    ]);
  });
});
