/* eslint-disable @typescript-eslint/no-explicit-any -- REST replies are inspected as loose JSON in tests */
/**
 * Rules a real org enforces that a lenient emulator would let slip: required fields and master-detail reparenting on
 * every write path, whole-second audit timestamps, the API part of changeOrigin, relationship names as the platform
 * derives them, and every API version up to the current release.
 */
import type { Connection } from 'jsforce';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../index';
import type { CommittedTransaction } from '../org-contract';
import { connect, createAudience, raw, startEmu } from './helpers';

const V = '/services/data/v62.0';
const MISSING = {
  statusCode: 'REQUIRED_FIELD_MISSING',
  message: 'Required fields are missing: [Audience__c]',
  fields: ['Audience__c'],
};
const NOT_UPDATEABLE = {
  statusCode: 'INVALID_FIELD_FOR_INSERT_UPDATE',
  message:
    'Unable to create/update fields: Audience__c. Please check the security settings of this field and verify that it is read/write for your profile or permission set.',
  fields: ['Audience__c'],
};

let emu: RunningEmulator;
let conn: Connection;
let audienceA: string;
let audienceB: string;
let contactId: string;
const commits: CommittedTransaction[] = [];

beforeAll(async () => {
  emu = await startEmu({ seed: 'demo' });
  conn = connect(emu);
  emu.context.events.onCommit((tx) => commits.push(tx));
  audienceA = await createAudience(emu, 'A');
  audienceB = await createAudience(emu, 'B');
  contactId = (await conn.query<{ Id: string }>('SELECT Id FROM Contact LIMIT 1')).records[0]!.Id;
});
afterAll(async () => {
  await emu?.stop();
});

describe('required fields and master-detail', () => {
  it('describe says the master-detail is required and, not reparentable, not updateable', async () => {
    const d = await conn.sobject('Audience_Member__c').describe();
    const f = d.fields.find((x) => x.name === 'Audience__c')!;
    expect(f).toMatchObject({ nillable: false, createable: true, updateable: false, defaultedOnCreate: false });
  });

  it('REST create without the master → 400 REQUIRED_FIELD_MISSING', async () => {
    const res = await raw(emu, 'POST', `${V}/sobjects/Audience_Member__c`, { Key__c: 'rq-rest' });
    expect(res.status).toBe(400);
    expect(res.body).toEqual([{ errorCode: MISSING.statusCode, message: MISSING.message, fields: MISSING.fields }]);
  });

  it('upsert by external id (single and Collections) that would insert needs the master too', async () => {
    const single = await raw(emu, 'PATCH', `${V}/sobjects/Audience_Member__c/Key__c/rq-upsert`, {});
    expect(single.status).toBe(400);
    expect(single.body[0].errorCode).toBe('REQUIRED_FIELD_MISSING');
    const many = await raw(emu, 'PATCH', `${V}/composite/sobjects/Audience_Member__c/Key__c`, {
      allOrNone: false,
      records: [{ attributes: { type: 'Audience_Member__c' }, Key__c: 'rq-coll' }],
    });
    expect(many.body[0]).toMatchObject({ success: false, errors: [MISSING] });
  });

  it('Collections create and Composite subrequests refuse it', async () => {
    const coll = await raw(emu, 'POST', `${V}/composite/sobjects`, {
      allOrNone: false,
      records: [{ attributes: { type: 'Audience_Member__c' }, Key__c: 'rq-c1' }],
    });
    expect(coll.body[0]).toEqual({ success: false, errors: [MISSING] });
    const comp = await raw(emu, 'POST', `${V}/composite`, {
      compositeRequest: [
        { method: 'POST', url: `${V}/sobjects/Audience_Member__c`, referenceId: 'm', body: { Key__c: 'rq-c2' } },
      ],
    });
    expect(comp.body.compositeResponse[0]).toMatchObject({
      httpStatusCode: 400,
      body: [{ errorCode: MISSING.statusCode }],
    });
  });

  it('Bulk ingest rows without it fail with REQUIRED_FIELD_MISSING', async () => {
    const res = await conn.bulk2.loadAndWaitForResults({
      object: 'Audience_Member__c',
      operation: 'upsert',
      externalIdFieldName: 'Key__c',
      input: [{ Key__c: 'rq-bulk' }],
    });
    expect(res.successfulResults).toEqual([]);
    expect(res.failedResults[0]?.sf__Error).toBe(
      'REQUIRED_FIELD_MISSING:Required fields are missing: [Audience__c]:Audience__c --',
    );
  });

  it('the same parent sent again is accepted; another parent is refused, on every path', async () => {
    const created = await raw(emu, 'POST', `${V}/sobjects/Audience_Member__c`, {
      Key__c: 'md-1',
      Audience__c: audienceA,
    });
    expect(created.status).toBe(201);
    const id = created.body.id as string;
    const same = await raw(emu, 'PATCH', `${V}/composite/sobjects/Audience_Member__c/Key__c`, {
      allOrNone: false,
      records: [{ attributes: { type: 'Audience_Member__c' }, Key__c: 'md-1', Audience__c: audienceA }],
    });
    expect(same.body[0]).toMatchObject({ success: true, created: false, id });
    const other = await raw(emu, 'PATCH', `${V}/sobjects/Audience_Member__c/${id}`, { Audience__c: audienceB });
    expect(other.status).toBe(400);
    expect(other.body[0]).toMatchObject({ errorCode: NOT_UPDATEABLE.statusCode, message: NOT_UPDATEABLE.message });
    const coll = await raw(emu, 'PATCH', `${V}/composite/sobjects`, {
      allOrNone: false,
      records: [{ attributes: { type: 'Audience_Member__c' }, Id: id, Audience__c: audienceB }],
    });
    expect(coll.body[0]).toEqual({ id, success: false, errors: [NOT_UPDATEABLE] });
    const bulk = await conn.bulk2.loadAndWaitForResults({
      object: 'Audience_Member__c',
      operation: 'upsert',
      externalIdFieldName: 'Key__c',
      input: [{ Key__c: 'md-1', Audience__c: audienceB }],
    });
    expect(bulk.failedResults[0]?.sf__Error).toMatch(
      /^INVALID_FIELD_FOR_INSERT_UPDATE:Unable to create\/update fields: Audience__c/,
    );
    const row = await conn.sobject('Audience_Member__c').retrieve(id);
    expect((row as any).Audience__c).toBe(audienceA);
  });

  it('a required standard field (Account.Name) is enforced as before', async () => {
    const res = await raw(emu, 'POST', `${V}/sobjects/Account`, {});
    expect(res.body[0]).toMatchObject({ errorCode: 'REQUIRED_FIELD_MISSING', fields: ['Name'] });
  });
});

describe('whole-second timestamps', () => {
  it('audit fields end in .000 and the change event commitTimestamp equals LastModifiedDate', async () => {
    commits.length = 0;
    const res = await conn.sobject('Contact').create({ LastName: 'Seconds' });
    const row = (await conn.sobject('Contact').retrieve(res.id!)) as any;
    for (const k of ['CreatedDate', 'LastModifiedDate', 'SystemModstamp']) {
      expect(row[k]).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.000\+0000$/);
    }
    expect(commits).toHaveLength(1);
    expect(commits[0]!.commitTimestamp).toBe(Date.parse(row.LastModifiedDate.replace('+0000', 'Z')));
  });

  it('platform events keep their milliseconds', () => {
    const published = emu.org.publishPlatformEvent('Audience_Command__e', {}, emu.users[0]!.id);
    expect(published.payload.CreatedDate).toBe(new Date(published.publishedAt).toISOString());
  });
});

describe('changeOrigin', () => {
  it('REST writes without Sforce-Call-Options carry the API part', async () => {
    commits.length = 0;
    await raw(emu, 'PATCH', `/services/data/v64.0/sobjects/Contact/${contactId}`, { Title: 'Origin' });
    expect(commits[0]!.changeOrigin).toBe('com/salesforce/api/rest/64.0');
  });
});

describe('relationship names', () => {
  it('a custom lookup is Contact__r; the parent child relationship is the metadata name + __r', async () => {
    const member = await conn.sobject('Audience_Member__c').describe();
    expect(member.fields.find((f) => f.name === 'Contact__c')!.relationshipName).toBe('Contact__r');
    expect(member.fields.find((f) => f.name === 'Audience__c')!.relationshipName).toBe('Audience__r');
    const contact = await conn.sobject('Contact').describe();
    expect(contact.childRelationships.find((r) => r.childSObject === 'Audience_Member__c')).toMatchObject({
      field: 'Contact__c',
      relationshipName: 'Audience_Members__r',
    });
    const account = await conn.sobject('Account').describe();
    expect(
      account.childRelationships.find((r) => r.field === 'AccountId' && r.childSObject === 'Contact'),
    ).toMatchObject({ relationshipName: 'Contacts' });
  });

  it('jsforce queries a __r parent path and a child subquery', async () => {
    const c = (await conn.sobject('Contact').retrieve(contactId)) as any;
    await conn.sobject('Audience_Member__c').create({ Key__c: 'rel-1', Audience__c: audienceA, Contact__c: contactId });
    const parents = await conn.query<any>(
      "SELECT Key__c, Contact__r.Name, Audience__r.Name FROM Audience_Member__c WHERE Key__c = 'rel-1'",
    );
    expect(parents.records[0]).toMatchObject({ Contact__r: { Name: c.Name }, Audience__r: { Name: 'A' } });
    const children = await conn.query<any>(
      `SELECT Id, (SELECT Key__c FROM Audience_Members__r) FROM Contact WHERE Id = '${contactId}'`,
    );
    expect(children.records[0].Audience_Members__r.records.map((r: any) => r.Key__c)).toEqual(['rel-1']);
  });
});

describe('API versions', () => {
  it('lists 31.0 to 68.0 and serves v64.0 and v68.0 to jsforce', async () => {
    const list = (await (await fetch(`${emu.instanceUrl}/services/data`)).json()) as any[];
    expect(list[0].version).toBe('31.0');
    expect(list.at(-1)).toEqual({ label: "Winter '27", url: '/services/data/v68.0', version: '68.0' });
    expect(list.find((v) => v.version === '64.0').label).toBe("Summer '25");
    for (const version of ['64.0', '68.0']) {
      const c = connect(emu, emu.accessToken, version);
      const r = await c.query<{ Id: string }>('SELECT Id FROM Account LIMIT 1');
      expect(r.records).toHaveLength(1);
    }
    expect((await raw(emu, 'GET', '/services/data/v69.0/sobjects')).status).toBe(404);
  });
});

describe('SOQL beyond the basics', () => {
  const q = (soql: string) => raw(emu, 'GET', `${V}/query?q=${encodeURIComponent(soql)}`);

  it('toLabel() and FORMAT() read the field; TYPEOF, HAVING and date GROUP BY say the emulator lacks them', async () => {
    const labelled = await q('SELECT toLabel(Status), FORMAT(AnnualRevenue) FROM Lead LIMIT 1');
    expect(labelled.status).toBe(200);
    expect(labelled.body.records[0]).toHaveProperty('Status');
    for (const soql of [
      'SELECT TYPEOF What WHEN Account THEN Name END FROM Task',
      'SELECT LeadSource, COUNT(Id) FROM Lead GROUP BY LeadSource HAVING COUNT(Id) > 1',
      'SELECT CALENDAR_YEAR(CreatedDate), COUNT(Id) FROM Contact GROUP BY CALENDAR_YEAR(CreatedDate)',
    ]) {
      const res = await q(soql);
      expect(res.status).toBe(400);
      expect(res.body[0].errorCode).toBe('EMULATOR_UNSUPPORTED');
    }
  });

  it('a syntax error echoes the query with a caret under the token, its row and column', async () => {
    const res = await q("SELECT Id FROM Contact\nWHERE Name = 'x' ANDD Title = 'y'");
    expect(res.body[0]).toEqual({
      errorCode: 'MALFORMED_QUERY',
      message:
        "\nSELECT Id FROM Contact\nWHERE Name = 'x' ANDD Title = 'y'\n                      ^\nERROR at Row:2:Column:23\nunexpected token: 'Title'",
    });
  });
});
