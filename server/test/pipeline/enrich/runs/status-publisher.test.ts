import { describe, expect, it } from 'vitest';
import { createLogger } from '../../../../src/lib/logger';
import { StatusPublisher } from '../../../../src/pipeline/enrich/runs/status-publisher';
import type { OrgClient } from '../../../../src/salesforce/org-client';

function fakeConn(): { conn: OrgClient; sent: Record<string, unknown>[] } {
  const sent: Record<string, unknown>[] = [];
  const conn = {
    publish: async (name: string, fields: Record<string, unknown>) => {
      sent.push({ name, ...fields });
      return 'e';
    },
  } as unknown as OrgClient;
  return { conn, sent };
}

describe('StatusPublisher', () => {
  it('publishes Audience_Status__e at most once per interval per run and keeps only the latest in between', async () => {
    const { conn, sent } = fakeConn();
    let now = 10_000;
    const publisher = new StatusPublisher(conn, createLogger({ level: 'silent' }), 1000, () => now);
    await publisher.publish({ runId: 'a', stage: 'enrichment', progress: 0, message: 'start' });
    now += 200;
    await publisher.publish({ runId: 'a', stage: 'enrichment', progress: 10, message: 'kept back' });
    await publisher.publish({ runId: 'b', stage: 'enrichment', progress: 0, message: 'other run' });
    now += 900;
    await publisher.publish({ runId: 'a', stage: 'enrichment', progress: 50, message: 'half' });
    expect(sent.map((e) => [e.Run_Id__c, e.Message__c])).toEqual([
      ['a', 'start'],
      ['b', 'other run'],
      ['a', 'half'],
    ]);
    expect(sent[0]).toMatchObject({ name: 'Audience_Status__e', Stage__c: 'enrichment', Progress__c: 0 });
  });

  it('flushes the final state once the interval allows', async () => {
    const { conn, sent } = fakeConn();
    let now = 0;
    const publisher = new StatusPublisher(conn, createLogger({ level: 'silent' }), 1000, () => now);
    await publisher.publish({ runId: 'a', stage: 'enrichment', message: 'start' });
    now = 1500;
    await publisher.flush({ runId: 'a', stage: 'done', progress: 100, message: 'done' });
    expect(sent.map((e) => e.Stage__c)).toEqual(['enrichment', 'done']);
    expect(sent[1]).toMatchObject({ Progress__c: 100, Message__c: 'done' });
  });
});
