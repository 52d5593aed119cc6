/* eslint-disable @typescript-eslint/no-explicit-any -- REST replies are inspected as loose JSON in tests */
import type { Connection } from 'jsforce';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../index';
import type { CommittedTransaction } from '../org-contract';
import { buildChangeEvents } from '../streaming/events/change-event-builder';
import { subscribeWithJsforce, type JsforceSubscriber } from '../streaming/testing/jsforce-subscriber';
import { connect, control, createAudience, raw, startEmu } from './helpers';

const V = '/services/data/v62.0';
let emu: RunningEmulator;
let conn: Connection;
const commits: CommittedTransaction[] = [];
const subscribers: JsforceSubscriber[] = [];

beforeAll(async () => {
  emu = await startEmu({ seed: 'demo' });
  conn = connect(emu);
  emu.context.events.onCommit((tx) => commits.push(tx));
});
afterAll(async () => {
  await emu?.stop();
});
afterEach(() => {
  for (const s of subscribers.splice(0)) s.disconnect();
});

async function contactIds(n: number, offset = 0): Promise<string[]> {
  const r = await conn.query<{ Id: string }>(`SELECT Id FROM Contact ORDER BY Id LIMIT ${n} OFFSET ${offset}`);
  return r.records.map((x) => x.Id);
}

describe('one timestamp per transaction', () => {
  it('3 records updated in one Collections call always share their audit times and produce one event', async () => {
    const ids = await contactIds(3);
    for (let round = 0; round < 20; round++) {
      commits.length = 0;
      const title = `Round ${round}`;
      const res = await conn.sobject('Contact').update(ids.map((Id) => ({ Id, Title: title })));
      expect(res.every((r) => r.success)).toBe(true);
      expect(commits).toHaveLength(1);
      const events = buildChangeEvents(commits[0]!, emu.context.schema);
      expect(events).toHaveLength(1);
      expect((events[0]!.payload.ChangeEventHeader as any).recordIds).toEqual(ids);
      const rows = await conn.query<{ LastModifiedDate: string; SystemModstamp: string }>(
        `SELECT LastModifiedDate, SystemModstamp FROM Contact WHERE Id IN ('${ids.join("','")}')`,
      );
      expect(new Set(rows.records.flatMap((r) => [r.LastModifiedDate, r.SystemModstamp])).size).toBe(1);
    }
  });

  it('a subscriber sees the merged event once over CometD', async () => {
    const ids = await contactIds(3, 3);
    const sub = subscribeWithJsforce(emu.instanceUrl, emu.accessToken, '/data/ContactChangeEvent', -1);
    subscribers.push(sub);
    await sub.subscribed;
    await conn.sobject('Contact').update(ids.map((Id) => ({ Id, Department: 'Merged' })));
    const [event] = await sub.waitFor(1);
    expect(event!.payload.ChangeEventHeader).toMatchObject({ changeType: 'UPDATE', recordIds: ids });
  });
});

describe('LastModifiedById in UPDATE events', () => {
  it('is in the body and changedFields only when the modifier changed', async () => {
    const [id] = await contactIds(1, 10); // seeded: last modified by the admin
    const admin = emu.users.find((u) => u.role === 'admin')!;
    const integration = emu.users.find((u) => u.role === 'integration')!;
    const before = await conn.sobject('Contact').retrieve(id!);
    expect(before.LastModifiedById).toBe(admin.id);
    commits.length = 0;
    await conn.sobject('Contact').update({ Id: id!, Title: 'First' });
    await conn.sobject('Contact').update({ Id: id!, Title: 'Second' });
    const [first, second] = commits.map((tx) => buildChangeEvents(tx, emu.context.schema)[0]!.payload);
    expect(first).toMatchObject({ Title: 'First', LastModifiedById: integration.id });
    expect((first!.ChangeEventHeader as any).changedFields).toEqual(['Title', 'LastModifiedDate', 'LastModifiedById']);
    expect(second).not.toHaveProperty('LastModifiedById');
    expect((second!.ChangeEventHeader as any).changedFields).toEqual(['Title', 'LastModifiedDate']);
  });
});

describe('unique fields', () => {
  it('DUPLICATE_VALUE on create and update; upsert by the external id updates', async () => {
    const key = `uniq-${Date.now()}`;
    const Audience__c = await createAudience(emu);
    const first = await raw(emu, 'POST', `${V}/sobjects/Audience_Member__c`, { Key__c: key, Audience__c });
    expect(first.status).toBe(201);
    const dup = await raw(emu, 'POST', `${V}/sobjects/Audience_Member__c`, { Key__c: key.toUpperCase(), Audience__c });
    expect(dup.status).toBe(400);
    expect(dup.body).toEqual([
      {
        message: `duplicate value found: Key__c duplicates value on record with id: ${first.body.id}`,
        errorCode: 'DUPLICATE_VALUE',
        fields: [],
      },
    ]);
    const other = await raw(emu, 'POST', `${V}/sobjects/Audience_Member__c`, { Key__c: `${key}-other`, Audience__c });
    const upd = await raw(emu, 'PATCH', `${V}/sobjects/Audience_Member__c/${other.body.id}`, { Key__c: key });
    expect(upd.status).toBe(400);
    expect(upd.body[0].errorCode).toBe('DUPLICATE_VALUE');
    const ups = await raw(emu, 'PATCH', `${V}/sobjects/Audience_Member__c/Key__c/${key}`, {});
    expect(ups.status).toBe(200);
    expect(ups.body).toMatchObject({ id: first.body.id, created: false });
  });

  it('Collections: a duplicate inside one call fails that record; allOrNone rolls everything back', async () => {
    const key = `uniq-batch-${Date.now()}`;
    const Audience__c = await createAudience(emu);
    const records = [
      { attributes: { type: 'Audience_Member__c' }, Key__c: key, Audience__c },
      { attributes: { type: 'Audience_Member__c' }, Key__c: key, Audience__c },
    ];
    const partial = await raw(emu, 'POST', `${V}/composite/sobjects`, { allOrNone: false, records });
    expect(partial.body[0]).toMatchObject({ success: true });
    expect(partial.body[1]).toEqual({
      success: false,
      errors: [
        {
          statusCode: 'DUPLICATE_VALUE',
          message: `duplicate value found: Key__c duplicates value on record with id: ${partial.body[0].id}`,
          fields: [],
        },
      ],
    });
    const key2 = `${key}-aon`;
    const aon = await raw(emu, 'POST', `${V}/composite/sobjects`, {
      allOrNone: true,
      records: records.map((r) => ({ ...r, Key__c: key2 })),
    });
    expect(aon.body[0]).toEqual({
      success: false,
      errors: [
        {
          statusCode: 'ALL_OR_NONE_OPERATION_ROLLED_BACK',
          message: 'Record rolled back because not all records were valid and the request was using AllOrNone header',
          fields: [],
        },
      ],
    });
    expect(aon.body[1].errors[0].statusCode).toBe('DUPLICATE_VALUE');
    const left = await conn.query(`SELECT Id FROM Audience_Member__c WHERE Key__c = '${key2}'`);
    expect(left.totalSize).toBe(0);
  });
});

describe('streaming control', () => {
  it('/__emulator/reset also resets streaming state', async () => {
    await conn.sobject('Contact').create({ LastName: 'BeforeReset' });
    const before = await control(emu, '/streaming/state', undefined, 'GET');
    expect(before.eventLogSize).toBeGreaterThan(0);
    await control(emu, '/reset', { seed: 'demo' });
    const after = await control(emu, '/streaming/state', undefined, 'GET');
    expect(after.eventLogSize).toBe(0);
    expect(after.clients).toEqual([]);
  });

  it('injects a raw malformed change event that subscribers receive verbatim', async () => {
    const sub = subscribeWithJsforce(emu.instanceUrl, emu.accessToken, '/data/ContactChangeEvent', -1);
    subscribers.push(sub);
    await sub.subscribed;
    const payload = { ChangeEventHeader: { entityName: 'Contact', changeType: 'BOGUS' }, LastName: 42 };
    const res = await control(emu, '/streaming/faults', { inject: { raw: payload } });
    expect(res.ok).toBe(true);
    expect(res.injected.channels).toContain('/data/ContactChangeEvent');
    const [event] = await sub.waitFor(1);
    expect(event!.payload).toEqual(payload);
    const onChannel = await control(emu, '/streaming/faults', {
      inject: { raw: { not: 'a change event' }, channel: '/data/ContactChangeEvent' },
    });
    expect(onChannel.injected.channels).toEqual(['/data/ContactChangeEvent']);
    const events = await sub.waitFor(2);
    expect(events[1]!.payload).toEqual({ not: 'a change event' });
    const bad = await fetch(`${emu.instanceUrl}/__emulator/streaming/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ inject: { raw: { no: 'header' } } }),
    });
    expect(bad.status).toBe(400);
  });
});
