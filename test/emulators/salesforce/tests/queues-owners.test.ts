/* eslint-disable @typescript-eslint/no-explicit-any -- REST replies are inspected as loose JSON in tests */
/**
 * Record owners as in a real org: the seeded queue (`Group` of Type `Queue` with a `QueueSobject` for Lead) and the
 * seeded former user (inactive) are there on every start; a Lead takes a queue or a user as owner and SOQL reads
 * either through the polymorphic `Owner` (the `Name` object); Contact, Account and Task owners are users only
 * (`FIELD_INTEGRITY_EXCEPTION` for another object's id); an inactive user is never made an owner
 * (`INACTIVE_OWNER_OR_USER`), while records a since-deactivated user owns can still be edited.
 */
import type { Connection } from 'jsforce';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../index';
import { connect, control, raw, startEmu } from './helpers';

const V = '/services/data/v62.0';
let emu: RunningEmulator;
let conn: Connection;
let queueId: string;
let formerUserId: string;

beforeAll(async () => {
  emu = await startEmu({ seed: 'none' });
  conn = connect(emu);
  const queues = await conn.query<any>(
    "SELECT Id, Name, Type, (SELECT SobjectType FROM QueueSobjects) FROM Group WHERE DeveloperName = 'Lead_Inbox'",
  );
  queueId = queues.records[0].Id;
  const former = await conn.query<any>('SELECT Id FROM User WHERE IsActive = false');
  formerUserId = former.records[0].Id;
});
afterAll(async () => {
  await emu?.stop();
});

describe('queues', () => {
  it('the seeded Lead queue is a Group of Type Queue that may own Leads, and survives a reset', async () => {
    const read = () =>
      conn.query<any>(
        "SELECT Id, Name, DeveloperName, Type FROM Group WHERE Type = 'Queue' AND DeveloperName = 'Lead_Inbox'",
      );
    expect((await read()).records).toEqual([
      expect.objectContaining({ Id: queueId, Name: 'Lead Inbox', DeveloperName: 'Lead_Inbox', Type: 'Queue' }),
    ]);
    expect(queueId.startsWith('00G')).toBe(true);
    const links = await conn.query<any>(`SELECT QueueId, SobjectType, Queue.Name FROM QueueSobject`);
    expect(links.records.map((l: any) => [l.QueueId, l.SobjectType, l.Queue.Name])).toEqual([
      [queueId, 'Lead', 'Lead Inbox'],
    ]);
    await control(emu, '/reset', { seed: 'none' });
    expect((await read()).records.map((r: any) => r.Id)).toEqual([queueId]);
  });

  it('describe: Group and QueueSobject are listed, Lead.OwnerId points at Group and User, Contact.OwnerId at User', async () => {
    const group = await conn.sobject('Group').describe();
    expect(group.keyPrefix).toBe('00G');
    expect(group.fields.find((f) => f.name === 'Type')?.picklistValues?.map((p) => p.value)).toContain('Queue');
    const link = await conn.sobject('QueueSobject').describe();
    expect(link.fields.find((f) => f.name === 'QueueId')).toMatchObject({ referenceTo: ['Group'] });
    const leadOwner = (await conn.sobject('Lead').describe()).fields.find((f) => f.name === 'OwnerId');
    expect(leadOwner).toMatchObject({
      referenceTo: ['Group', 'User'],
      relationshipName: 'Owner',
      polymorphicForeignKey: true,
    });
    for (const object of ['Contact', 'Account', 'Task']) {
      const owner = (await conn.sobject(object).describe()).fields.find((f) => f.name === 'OwnerId');
      expect(owner?.referenceTo).toEqual(['User']);
    }
  });

  it('a Lead owned by the queue reads its owner through Owner (the Name object): Name and Type', async () => {
    const lead = await conn.sobject('Lead').create({ LastName: 'Queued', Company: 'Acme', OwnerId: queueId });
    expect(lead.success).toBe(true);
    const admin = emu.users.find((u) => u.role === 'admin')!;
    const mine = await conn.sobject('Lead').create({ LastName: 'Owned', Company: 'Acme', OwnerId: admin.id });
    const rows = await raw(
      emu,
      'GET',
      `${V}/query?q=${encodeURIComponent(
        `SELECT Id, OwnerId, Owner.Name, Owner.Type FROM Lead WHERE Id IN ('${lead.id}', '${mine.id}') ORDER BY LastName`,
      )}`,
    );
    expect(rows.status).toBe(200);
    const [owned, queued] = rows.body.records;
    expect(queued).toMatchObject({ OwnerId: queueId, Owner: { Name: 'Lead Inbox', Type: 'Queue' } });
    expect(queued.Owner.attributes).toEqual({ type: 'Name', url: `${V}/sobjects/Group/${queueId}` });
    expect(owned).toMatchObject({ OwnerId: admin.id, Owner: { Name: 'Alex Morgan', Type: 'User' } });
    const filtered = await conn.query<any>(`SELECT Id FROM Lead WHERE Owner.Type = 'Queue'`);
    expect(filtered.records.map((r: any) => r.Id)).toEqual([lead.id]);
  });

  it('a queue id where only users may own, or a group that is no Lead queue, is FIELD_INTEGRITY_EXCEPTION', async () => {
    for (const object of ['Contact', 'Account', 'Task']) {
      const body =
        object === 'Account' ? { Name: 'Acme' } : object === 'Task' ? { Subject: 'Call' } : { LastName: 'X' };
      const res = await raw(emu, 'POST', `${V}/sobjects/${object}`, { ...body, OwnerId: queueId });
      expect(res.status).toBe(400);
      expect(res.body[0]).toMatchObject({
        errorCode: 'FIELD_INTEGRITY_EXCEPTION',
        message: `Owner ID: id value of incorrect type: ${queueId}`,
        fields: ['OwnerId'],
      });
    }
    const regular = await conn
      .sobject('Group')
      .create({ Name: 'Sales team', DeveloperName: 'Sales_Team', Type: 'Regular' });
    const res = await raw(emu, 'POST', `${V}/sobjects/Lead`, { LastName: 'X', Company: 'Y', OwnerId: regular.id });
    expect(res.body[0]).toMatchObject({ errorCode: 'FIELD_INTEGRITY_EXCEPTION', fields: ['OwnerId'] });
    // A malformed id stays MALFORMED_ID; another object's real id in a lookup is an integrity error.
    const account = await conn.sobject('Account').create({ Name: 'Parent' });
    const wrongType = await raw(emu, 'POST', `${V}/sobjects/Contact`, { LastName: 'X', ReportsToId: account.id });
    expect(wrongType.body[0]).toMatchObject({ errorCode: 'FIELD_INTEGRITY_EXCEPTION', fields: ['ReportsToId'] });
    const malformed = await raw(emu, 'POST', `${V}/sobjects/Contact`, { LastName: 'X', AccountId: 'garbage' });
    expect(malformed.body[0]).toMatchObject({ errorCode: 'MALFORMED_ID' });
  });
});

describe('inactive users', () => {
  it('the seeded former user is inactive and has no login; no record or Task can be assigned to them', async () => {
    const former = await conn.query<any>(`SELECT Id, Name, IsActive, Username FROM User WHERE Id = '${formerUserId}'`);
    expect(former.records[0]).toMatchObject({ Name: 'Jordan Blake', IsActive: false });
    expect(emu.users.some((u) => u.id === formerUserId)).toBe(false);

    const lead = await conn.sobject('Lead').create({ LastName: 'Active owner', Company: 'Acme' });
    const results = await raw(emu, 'POST', `${V}/composite/sobjects`, {
      allOrNone: false,
      records: [
        { attributes: { type: 'Lead' }, LastName: 'L', Company: 'C', OwnerId: formerUserId },
        { attributes: { type: 'Contact' }, LastName: 'C', OwnerId: formerUserId },
        { attributes: { type: 'Task' }, Subject: 'Call', WhoId: lead.id, OwnerId: formerUserId },
        { attributes: { type: 'Task' }, Subject: 'Call', WhoId: lead.id },
      ],
    });
    expect(results.status).toBe(200);
    const codes = results.body.map((r: any) => (r.success ? 'ok' : r.errors[0].statusCode));
    expect(codes).toEqual(['INACTIVE_OWNER_OR_USER', 'INACTIVE_OWNER_OR_USER', 'INACTIVE_OWNER_OR_USER', 'ok']);
    expect(results.body[2].errors[0].message).toBe(
      `operation performed with inactive user [${formerUserId.slice(0, 15)}] as owner of task`,
    );
    const reassign = await raw(emu, 'PATCH', `${V}/sobjects/Lead/${lead.id}`, { OwnerId: formerUserId });
    expect(reassign.status).toBe(400);
    expect(reassign.body[0].errorCode).toBe('INACTIVE_OWNER_OR_USER');
  });

  it('a user deactivated after owning a record: the record keeps its owner and can still be edited', async () => {
    const rep = emu.users.filter((u) => u.role === 'rep')[1]!;
    const lead = await conn.sobject('Lead').create({ LastName: 'Kept', Company: 'Acme', OwnerId: rep.id });
    const off = await raw(emu, 'PATCH', `${V}/sobjects/User/${rep.id}`, { IsActive: false });
    expect(off.status).toBe(204);
    const edit = await raw(emu, 'PATCH', `${V}/sobjects/Lead/${lead.id}`, { Title: 'VP Sales' });
    expect(edit.status).toBe(204);
    const again = await raw(emu, 'POST', `${V}/sobjects/Lead`, { LastName: 'New', Company: 'Acme', OwnerId: rep.id });
    expect(again.body[0].errorCode).toBe('INACTIVE_OWNER_OR_USER');
    const row = await conn.query<any>(`SELECT OwnerId, Owner.IsActive FROM Lead WHERE Id = '${lead.id}'`);
    expect(row.records[0]).toMatchObject({ OwnerId: rep.id, Owner: { IsActive: false } });
  });
});
