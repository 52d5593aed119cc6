/* eslint-disable @typescript-eslint/no-explicit-any -- REST replies are inspected as loose JSON in tests */
import jsforce, { type Connection } from 'jsforce';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CommittedTransaction } from '../org-contract';
import type { RunningEmulator } from '../index';
import { connect, control, raw, startEmu } from './helpers';

let emu: RunningEmulator;
let conn: Connection;
const commits: CommittedTransaction[] = [];

beforeAll(async () => {
  emu = await startEmu();
  conn = connect(emu);
  emu.context.events.onCommit((tx) => commits.push(tx));
});
afterAll(async () => {
  await emu?.stop();
});

describe('auth', () => {
  it('client credentials login against loginUrl, identity and userinfo', async () => {
    const oauth2 = new jsforce.OAuth2({
      loginUrl: emu.loginUrl,
      clientId: emu.clientId,
      clientSecret: emu.clientSecret,
    });
    const c = new jsforce.Connection({ oauth2, version: '62.0' });
    const res = await c.authorize({ grant_type: 'client_credentials' });
    expect(c.accessToken).toMatch(/^00D\w{12,15}![.\w]+$/);
    expect(c.instanceUrl).toBe(emu.instanceUrl);
    expect(res.organizationId).toBe(emu.orgId);
    const integration = emu.users.find((u) => u.role === 'integration')!;
    expect(res.id).toBe(integration.id);
    const id = await c.identity();
    expect(id.user_id).toBe(integration.id);
    expect(id.organization_id).toBe(emu.orgId);
    const info = await raw(
      { ...emu, accessToken: c.accessToken! } as RunningEmulator,
      'GET',
      '/services/oauth2/userinfo',
    );
    expect(info.body.preferred_username).toBe(integration.username);
  });

  it('rejects bad tokens with 401 INVALID_SESSION_ID and bad secrets with invalid_client', async () => {
    const bad = connect(emu, '00DHs0000000001!AQbogus');
    await expect(bad.query('SELECT Id FROM Account')).rejects.toMatchObject({ errorCode: 'INVALID_SESSION_ID' });
    const res = await fetch(`${emu.loginUrl}/services/oauth2/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'client_credentials', client_id: emu.clientId, client_secret: 'nope' }),
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: 'invalid_client' });
  });

  it('session expiry → 401, then jsforce refreshes through the refresh token', async () => {
    const { accessToken, refreshToken } = await control(emu, '/tokens', { role: 'rep', refreshToken: true });
    const c = new jsforce.Connection({
      oauth2: { loginUrl: emu.loginUrl, clientId: emu.clientId, clientSecret: emu.clientSecret },
      instanceUrl: emu.instanceUrl,
      accessToken,
      refreshToken,
      version: '62.0',
    });
    let refreshed = 0;
    c.on('refresh', () => refreshed++);
    await c.query('SELECT Id FROM Account LIMIT 1');
    await control(emu, '/faults', { expireSessions: true });
    const r = await c.query('SELECT Id FROM Account LIMIT 1');
    expect(r.totalSize).toBe(1);
    expect(refreshed).toBe(1);
    expect(c.accessToken).not.toBe(accessToken);
    // the standing token is gone too: get a fresh one for the rest of the suite
    const t = await control(emu, '/tokens', { role: 'integration' });
    emu.accessToken = t.accessToken;
    conn = connect(emu);
  });

  it('tokens expire on the org clock', async () => {
    const { accessToken } = await control(emu, '/tokens', { role: 'rep' });
    const c = connect(emu, accessToken);
    await c.query('SELECT Id FROM Account LIMIT 1');
    await control(emu, '/clock/advance', { hours: 3 });
    await expect(c.query('SELECT Id FROM Account LIMIT 1')).rejects.toMatchObject({ errorCode: 'INVALID_SESSION_ID' });
    const t = await control(emu, '/tokens', { role: 'integration' });
    emu.accessToken = t.accessToken;
    conn = connect(emu);
  });
});

describe('query', () => {
  it('query with parent fields, WHERE, ORDER BY, LIMIT/OFFSET and COUNT()', async () => {
    const all = await conn.query<{ Id: string; Account: { Name: string; Type: string } | null }>(
      "SELECT Id, Name, Account.Name, Account.Type FROM Contact WHERE Account.Type != null AND (LastName LIKE 'a%' OR NOT LastName LIKE 'a%') ORDER BY LastName ASC, Id LIMIT 10 OFFSET 2",
    );
    expect(all.records).toHaveLength(10);
    expect(all.records[0]!.Account).toMatchObject({ attributes: { type: 'Account' } });
    const count = await conn.query('SELECT COUNT() FROM Contact');
    expect(count.totalSize).toBe(300);
    expect(count.records).toEqual([]);
    const agg = await conn.query('SELECT COUNT(Id) FROM Lead');
    expect(agg.records[0]).toMatchObject({ expr0: 80 });
    const grouped = await conn.query<any>(
      'SELECT LeadSource, COUNT(Id) n, MAX(CreatedDate) FROM Contact GROUP BY LeadSource ORDER BY LeadSource NULLS LAST',
    );
    expect(grouped.records.reduce((a, r) => a + r.n, 0)).toBe(300);
    expect(grouped.totalSize).toBe(grouped.records.length);
    expect(grouped.records[0]).toMatchObject({ attributes: { type: 'AggregateResult' } });
    expect(grouped.records[0].expr0).toMatch(/\+0000$/);
    await expect(conn.query('SELECT Name, COUNT(Id) FROM Account')).rejects.toMatchObject({
      errorCode: 'MALFORMED_QUERY',
    });
    const inQ = await conn.query(
      `SELECT Id FROM Contact WHERE Id IN ('${all.records[0]!.Id}', '${all.records[1]!.Id.slice(0, 15)}')`,
    );
    expect(inQ.totalSize).toBe(2);
    const today = await conn.query('SELECT Id FROM Contact WHERE CreatedDate = LAST_N_DAYS:1');
    expect(today.totalSize).toBe(300);
    const future = await conn.query('SELECT Id FROM Contact WHERE CreatedDate > TODAY');
    expect(future.totalSize).toBe(0);
    const nulls = await conn.query('SELECT Id FROM Contact WHERE Email = null');
    const notNulls = await conn.query('SELECT Id FROM Contact WHERE Email != null');
    expect(nulls.totalSize + notNulls.totalSize).toBe(300);
  });

  it('FIELDS(ALL) and semi-joins', async () => {
    const all = await conn.query<any>('SELECT FIELDS(ALL) FROM Contact LIMIT 2');
    expect(all.records[0]).toHaveProperty('Department');
    expect(all.records[0]).toHaveProperty('MailingAddress');
    await expect(conn.query('SELECT FIELDS(ALL) FROM Contact')).rejects.toMatchObject({ errorCode: 'MALFORMED_QUERY' });
    const { records } = await conn.query<{ Id: string }>('SELECT Id FROM Contact ORDER BY Id LIMIT 2');
    const camp = (await conn.sobject('Campaign').create({ Name: 'Semi' })) as any;
    await conn.sobject('CampaignMember').create({ CampaignId: camp.id, ContactId: records[0]!.Id });
    await conn.sobject('CampaignMember').create({ CampaignId: camp.id, ContactId: records[1]!.Id });
    const inCampaign = await conn.query(
      `SELECT Id FROM Contact WHERE Id IN (SELECT ContactId FROM CampaignMember WHERE CampaignId = '${camp.id}')`,
    );
    expect(inCampaign.totalSize).toBe(2);
    const notIn = await conn.query(
      'SELECT COUNT() FROM Contact WHERE Id NOT IN (SELECT ContactId FROM CampaignMember)',
    );
    expect(notIn.totalSize).toBe(298);
  });

  it('pages with queryMore honouring Sforce-Query-Options batchSize', async () => {
    const first: any = await conn.request({
      method: 'GET',
      url: `/services/data/v62.0/query?q=${encodeURIComponent('SELECT Id FROM Contact')}`,
      headers: { 'Sforce-Query-Options': 'batchSize=200' },
    });
    expect(first.done).toBe(false);
    expect(first.records).toHaveLength(200);
    expect(first.nextRecordsUrl).toMatch(/^\/services\/data\/v62\.0\/query\/01g\w+-200$/);
    const more = await conn.queryMore(first.nextRecordsUrl);
    expect(more.done).toBe(true);
    expect(more.records).toHaveLength(100);
    const ids = new Set([...first.records, ...more.records].map((r: any) => r.Id));
    expect(ids.size).toBe(300);
    const auto: unknown = await conn.query('SELECT Id FROM Lead').run({ autoFetch: true, maxFetch: 1000 });
    const n = Array.isArray(auto) ? auto.length : (auto as { records: unknown[] }).records.length;
    expect(n).toBe(80);
    const child = await conn.query<any>(
      'SELECT Id, Name, (SELECT Id, LastName FROM Contacts) FROM Account ORDER BY Name LIMIT 5',
    );
    const withKids = child.records.find((r) => r.Contacts !== null);
    expect(withKids.Contacts).toMatchObject({ done: true });
    expect(withKids.Contacts.records[0].attributes.type).toBe('Contact');
  });

  it('queryAll sees deleted records; getDeleted lists them', async () => {
    const created = (await conn.sobject('Lead').create({ LastName: 'Gone', Company: 'Tmp' })) as any;
    const start = new Date(emu.org.clock.now() - 60_000);
    await conn.sobject('Lead').destroy(created.id);
    const q = await conn.query(`SELECT Id FROM Lead WHERE Id = '${created.id}'`);
    expect(q.totalSize).toBe(0);
    const qa = await conn.query(`SELECT Id, IsDeleted FROM Lead WHERE Id = '${created.id}'`, { scanAll: true });
    expect(qa.records[0]).toMatchObject({ IsDeleted: true });
    const del = await conn.sobject('Lead').deleted(start, new Date(emu.org.clock.now() + 60_000));
    expect(del.deletedRecords.map((d: any) => d.id)).toContain(created.id);
  });

  it('reports MALFORMED_QUERY, INVALID_FIELD and INVALID_TYPE', async () => {
    await expect(conn.query('SELEC Id FROM Contact')).rejects.toMatchObject({ errorCode: 'MALFORMED_QUERY' });
    await expect(conn.query('SELECT Nope__c FROM Contact')).rejects.toMatchObject({ errorCode: 'INVALID_FIELD' });
    await expect(conn.query('SELECT Id FROM Nope__c')).rejects.toMatchObject({ errorCode: 'INVALID_TYPE' });
    await expect(conn.query("SELECT Id FROM Contact WHERE NumberOfEmployees = 'x'")).rejects.toMatchObject({
      errorCode: 'INVALID_FIELD',
    });
  });
});

describe('records', () => {
  it('create, retrieve, update, destroy; dates as +0000; one commit per write with changeOrigin', async () => {
    commits.length = 0;
    const c = connect(emu);
    const res = (await c
      .sobject('Contact')
      .create({ LastName: 'Lovelace', FirstName: 'Ada', Email: 'ada@example.com', Department: 'Math' }, {
        headers: { 'Sforce-Call-Options': 'client=audience-loop' },
      } as any)) as any;
    expect(res.success).toBe(true);
    expect(res.id).toMatch(/^003\w{15}$/);
    const rec: any = await c.sobject('Contact').retrieve(res.id);
    expect(rec.Name).toBe('Ada Lovelace');
    expect(rec.Department).toBe('Math');
    expect(rec.CreatedDate).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}\+0000$/);
    await c.sobject('Contact').update({ Id: res.id, Title: 'Countess', Email: 'ada@example.com' });
    expect(commits).toHaveLength(2);
    expect(commits[0]!.changes[0]).toMatchObject({ changeType: 'CREATE', entityName: 'Contact', recordId: res.id });
    expect(commits[1]!.changes[0]).toMatchObject({
      changeType: 'UPDATE',
      changedFields: ['Title', 'LastModifiedDate'],
    });
    expect(commits[1]!.changes[0]!.values.LastModifiedDate).toMatch(/Z$/);
    await c.sobject('Contact').destroy(res.id);
    expect(commits[2]!.changes[0]).toMatchObject({ changeType: 'DELETE', changedFields: [], values: {} });
    await expect(c.sobject('Contact').retrieve(res.id)).rejects.toMatchObject({ errorCode: 'ENTITY_IS_DELETED' });
    await expect(c.sobject('Contact').update({ Id: res.id, Title: 'x' })).rejects.toMatchObject({
      errorCode: 'ENTITY_IS_DELETED',
    });
  });

  it('changeOrigin carries the Sforce-Call-Options client', async () => {
    commits.length = 0;
    const r = await raw(
      emu,
      'POST',
      '/services/data/v62.0/sobjects/Account',
      { Name: 'Origin Co' },
      {
        'Sforce-Call-Options': 'client=audience-loop',
      },
    );
    expect(r.status).toBe(201);
    expect(commits[0]!.changeOrigin).toBe('com/salesforce/api/rest/62.0;client=audience-loop');
    expect(commits[0]!.commitUserId).toBe(emu.users.find((u) => u.role === 'integration')!.id);
    const r2 = await raw(emu, 'POST', '/services/data/v62.0/sobjects/Account', { Name: 'No Origin' });
    expect(r2.status).toBe(201);
    expect(commits[1]!.changeOrigin).toBe('com/salesforce/api/rest/62.0');
  });

  it('every validation error code', async () => {
    const sob = conn.sobject('Contact');
    const expectCode = async (p: Promise<unknown>, code: string): Promise<void> => {
      await expect(p).rejects.toMatchObject({ errorCode: code });
    };
    await expectCode(sob.create({ FirstName: 'NoLast' }), 'REQUIRED_FIELD_MISSING');
    await expectCode(sob.create({ LastName: 'x'.repeat(81) }), 'STRING_TOO_LONG');
    await expectCode(sob.create({ LastName: 'x', Email: 'not-an-email' }), 'INVALID_EMAIL_ADDRESS');
    await expectCode(sob.create({ LastName: 'x', Nope__c: 1 }), 'INVALID_FIELD');
    await expectCode(sob.create({ LastName: 'x', Name: 'computed' }), 'INVALID_FIELD_FOR_INSERT_UPDATE');
    await expectCode(sob.create({ LastName: 'x', AccountId: 'garbage' }), 'MALFORMED_ID');
    await expectCode(sob.create({ LastName: 'x', Birthdate: { a: 1 } } as any), 'INVALID_TYPE_ON_FIELD_IN_RECORD');
    await expectCode(sob.create({ LastName: 'x', DoNotCall: 'maybe' } as any), 'JSON_PARSER_ERROR');
    await expectCode(conn.sobject('Nope__c').create({ Name: 'x' }), 'NOT_FOUND');
    await expectCode(sob.retrieve('001Hs0000000001IAA'), 'MALFORMED_ID');
    const bad = await raw(emu, 'POST', '/services/data/v62.0/sobjects/Contact', '{"LastName": ');
    expect(bad.status).toBe(400);
    expect(bad.body[0].errorCode).toBe('JSON_PARSER_ERROR');
    const badQuery = await raw(emu, 'GET', '/services/data/v62.0/query?q=SELECT%20Id%20FROM%20Nope');
    expect(badQuery.body[0].errorCode).toBe('INVALID_TYPE');
  });

  it('restricted picklists reject unknown values (custom field from force-app when present)', async () => {
    const obj = emu.org.catalog.listObjects().find((o) => o.fields.some((f) => f.restrictedPicklist));
    if (!obj) return;
    const f = obj.fields.find((x) => x.restrictedPicklist)!;
    const r = await raw(emu, 'POST', `/services/data/v62.0/sobjects/${obj.name}`, {
      [f.name]: 'Definitely Not A Value',
    });
    expect(r.status).toBe(400);
    expect(r.body.map((e: any) => e.errorCode)).toContain('INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST');
  });

  it('If-Unmodified-Since → 412 when the record changed later', async () => {
    const { id } = (await conn.sobject('Account').create({ Name: 'Cond' })) as any;
    const r = await raw(
      emu,
      'PATCH',
      `/services/data/v62.0/sobjects/Account/${id}`,
      { Name: 'x' },
      {
        'If-Unmodified-Since': new Date(Date.now() - 86_400_000).toUTCString(),
      },
    );
    expect(r.status).toBe(412);
  });

  it('upsert by external id: 201 created, 200 updated, 404 unknown field', async () => {
    const obj = emu.org.catalog.listObjects().find((o) => o.fields.some((f) => f.externalId && f.type === 'string'));
    const target = obj ?? emu.org.catalog.getObject('Account')!;
    if (!obj) return;
    const ext = target.fields.find((f) => f.externalId && f.type === 'string')!;
    const required = target.fields.filter((f) => f.required && !f.system && f.name !== ext.name);
    const body: Record<string, unknown> = {};
    for (const f of required)
      body[f.name] = f.type === 'picklist' ? f.picklistValues[0]?.value : f.type === 'reference' ? undefined : 'v';
    const r1 = await raw(emu, 'PATCH', `/services/data/v62.0/sobjects/${target.name}/${ext.name}/KEY-1`, body);
    if (r1.status === 400) return; // object needs lookups we do not fill here
    expect(r1.status).toBe(201);
    expect(r1.body).toMatchObject({ success: true, created: true });
    const r2 = await raw(emu, 'PATCH', `/services/data/v62.0/sobjects/${target.name}/${ext.name}/KEY-1`, body);
    expect(r2.status).toBe(200);
    expect(r2.body).toMatchObject({ id: r1.body.id, created: false });
    const r3 = await raw(emu, 'PATCH', `/services/data/v62.0/sobjects/Account/Nope__c/1`, { Name: 'x' });
    expect(r3.status).toBe(404);
  });
});

describe('collections', () => {
  it('update with per-record errors, allOrNone rollback and the 200 cap', async () => {
    const q = await conn.query<{ Id: string }>('SELECT Id FROM Contact LIMIT 3');
    const [a, b, c] = q.records.map((r) => r.Id);
    commits.length = 0;
    const res = await conn.sobject('Contact').update([
      { Id: a!, Title: 'T1' },
      { Id: b!, Email: 'broken' },
      { Id: c!, Title: 'T3' },
    ]);
    expect(res.map((r) => r.success)).toEqual([true, false, true]);
    expect((res[1] as any).errors[0]).toMatchObject({ statusCode: 'INVALID_EMAIL_ADDRESS', fields: ['Email'] });
    expect(commits).toHaveLength(1);
    expect(commits[0]!.changes.map((ch) => ch.recordId)).toEqual([a, c]);

    const rolled = await conn
      .sobject('Contact')
      .update(
        [
          { Id: a!, Title: 'T9' },
          { Id: b!, Email: 'broken' },
        ],
        { allOrNone: true },
      )
      .catch((e) => e);
    const check = await conn.sobject('Contact').retrieve(a!);
    expect((check as any).Title).toBe('T1');
    expect(rolled).toBeDefined();
    const direct = await raw(emu, 'PATCH', '/services/data/v62.0/composite/sobjects', {
      allOrNone: true,
      records: [
        { attributes: { type: 'Contact' }, id: a, Title: 'T9' },
        { attributes: { type: 'Contact' }, id: b, Email: 'broken' },
      ],
    });
    expect(direct.status).toBe(200);
    expect(direct.body[0].errors[0].statusCode).toBe('ALL_OR_NONE_OPERATION_ROLLED_BACK');

    const tooMany = await raw(emu, 'POST', '/services/data/v62.0/composite/sobjects', {
      records: Array.from({ length: 201 }, () => ({ attributes: { type: 'Account' }, Name: 'x' })),
    });
    expect(tooMany.status).toBe(400);
    expect(tooMany.body[0].errorCode).toBe('EXCEEDED_ID_LIMIT');
  });

  it('create and delete arrays through jsforce', async () => {
    const created = await conn.sobject('Account').create([{ Name: 'A1' }, { Name: 'A2' }, { Name: '' }]);
    expect(created.map((r) => r.success)).toEqual([true, true, false]);
    const ids = created.filter((r) => r.success).map((r) => (r as any).id);
    const del = await conn.sobject('Account').destroy(ids);
    expect(del.every((r) => r.success)).toBe(true);
  });

  it('UNABLE_TO_LOCK_ROW per record when the fault is on', async () => {
    await control(emu, '/faults', { lockRowRate: 1 });
    const res = await conn.sobject('Account').create([{ Name: 'L1' }, { Name: 'L2' }]);
    await control(emu, '/faults', { lockRowRate: 0 });
    expect((res[0] as any).errors[0].statusCode).toBe('UNABLE_TO_LOCK_ROW');
  });
});

describe('composite', () => {
  it('references between subrequests', async () => {
    const res: any = await conn.requestPost('/composite', {
      allOrNone: true,
      compositeRequest: [
        {
          method: 'POST',
          url: '/services/data/v62.0/sobjects/Account',
          referenceId: 'refAccount',
          body: { Name: 'Composite Co' },
        },
        {
          method: 'POST',
          url: '/services/data/v62.0/sobjects/Contact',
          referenceId: 'refContact',
          body: { LastName: 'Ref', AccountId: '@{refAccount.id}' },
        },
        {
          method: 'GET',
          url: '/services/data/v62.0/sobjects/Contact/@{refContact.id}?fields=AccountId',
          referenceId: 'get',
        },
      ],
    });
    expect(res.compositeResponse.map((r: any) => r.httpStatusCode)).toEqual([201, 201, 200]);
    expect(res.compositeResponse[2].body.AccountId).toBe(res.compositeResponse[0].body.id);
    expect(res.compositeResponse[0].httpHeaders.Location).toMatch(/\/sobjects\/Account\//);
  });

  it('allOrNone halts and rolls back (HTTP 200, PROCESSING_HALTED)', async () => {
    commits.length = 0;
    const before = (await conn.query("SELECT COUNT() FROM Account WHERE Name = 'Halted Co'")).totalSize;
    const res: any = await conn.requestPost('/composite', {
      allOrNone: true,
      compositeRequest: [
        {
          method: 'POST',
          url: '/services/data/v62.0/sobjects/Account',
          referenceId: 'ok',
          body: { Name: 'Halted Co' },
        },
        { method: 'POST', url: '/services/data/v62.0/sobjects/Contact', referenceId: 'bad', body: { FirstName: 'x' } },
        { method: 'GET', url: '/services/data/v62.0/sobjects/Account/@{ok.id}', referenceId: 'after' },
      ],
    });
    const items = res.compositeResponse;
    expect(items[0]).toMatchObject({ httpStatusCode: 400, body: [{ errorCode: 'PROCESSING_HALTED' }] });
    expect(items[1].body[0].errorCode).toBe('REQUIRED_FIELD_MISSING');
    expect(items[2].body[0].errorCode).toBe('PROCESSING_HALTED');
    expect((await conn.query("SELECT COUNT() FROM Account WHERE Name = 'Halted Co'")).totalSize).toBe(before);
    expect(commits).toHaveLength(0);
  });

  it('caps subrequests at 25', async () => {
    const r = await raw(emu, 'POST', '/services/data/v62.0/composite', {
      compositeRequest: Array.from({ length: 26 }, (_, i) => ({
        method: 'GET',
        url: '/services/data/v62.0/limits',
        referenceId: `r${i}`,
      })),
    });
    expect(r.status).toBe(400);
  });
});

describe('limits, describe, FLS, faults, counters', () => {
  it('Sforce-Limit-Info, /limits and REQUEST_LIMIT_EXCEEDED', async () => {
    await conn.query('SELECT Id FROM Account LIMIT 1');
    expect(conn.limitInfo.apiUsage?.limit).toBe(15000);
    const limits: any = await conn.limits();
    expect(limits.DailyApiRequests.Max).toBe(15000);
    await control(emu, '/faults', { dailyApiLimit: 100, apiUsed: 100 });
    await expect(conn.query('SELECT Id FROM Account LIMIT 1')).rejects.toMatchObject({
      errorCode: 'REQUEST_LIMIT_EXCEEDED',
    });
    await control(emu, '/faults', { dailyApiLimit: 15000, apiUsed: 0 });
    await control(emu, '/faults', { requestLimitExceeded: true });
    await expect(conn.query('SELECT Id FROM Account LIMIT 1')).rejects.toMatchObject({
      errorCode: 'REQUEST_LIMIT_EXCEEDED',
    });
    await control(emu, '/faults', { requestLimitExceeded: false });
  });

  it('describe and describeGlobal', async () => {
    const d = await conn.sobject('Contact').describe();
    const dept = d.fields.find((f) => f.name === 'Department')!;
    expect(dept).toMatchObject({ type: 'string', length: 80, updateable: true, createable: true, nillable: true });
    const acc = d.fields.find((f) => f.name === 'AccountId')!;
    expect(acc).toMatchObject({ type: 'reference', referenceTo: ['Account'], relationshipName: 'Account' });
    const g = await conn.describeGlobal();
    expect(g.sobjects.map((s) => s.name)).toEqual(
      expect.arrayContaining(['Account', 'Contact', 'Lead', 'Campaign', 'CampaignMember', 'Task', 'User']),
    );
  });

  it('field-level security narrows describe, writes and queries', async () => {
    const rep = emu.users.find((u) => u.role === 'rep')!;
    await control(emu, '/fls', {
      userId: rep.id,
      object: 'Contact',
      fields: { Title: { readable: true, editable: false }, Department: { readable: false } },
    });
    const { accessToken } = await control(emu, '/tokens', { userId: rep.id });
    const c = connect(emu, accessToken);
    const d = await c.sobject('Contact').describe();
    expect(d.fields.find((f) => f.name === 'Title')!.updateable).toBe(false);
    expect(d.fields.find((f) => f.name === 'Department')).toBeUndefined();
    const { records } = await c.query<{ Id: string }>('SELECT Id FROM Contact LIMIT 1');
    await expect(c.sobject('Contact').update({ Id: records[0]!.Id, Title: 'x' })).rejects.toMatchObject({
      errorCode: 'INVALID_FIELD_FOR_INSERT_UPDATE',
    });
    await expect(c.query('SELECT Department FROM Contact')).rejects.toMatchObject({ errorCode: 'INVALID_FIELD' });
    await control(emu, '/fls', undefined, 'DELETE');
  });

  it('error-rate faults and latency; counters by route and user', async () => {
    await control(emu, '/counters', {});
    await control(emu, '/faults', { errorRate: { route: 'query', status: 503, rate: 1 } });
    const r = await raw(emu, 'GET', '/services/data/v62.0/query?q=SELECT+Id+FROM+Account');
    expect(r.status).toBe(503);
    await control(emu, '/faults', { errorRate: { route: 'query', status: 503, rate: 0 }, latencyMs: 50 });
    const t = Date.now();
    await raw(emu, 'GET', '/services/data/v62.0/limits');
    expect(Date.now() - t).toBeGreaterThanOrEqual(45);
    await control(emu, '/faults', undefined, 'DELETE');
    const counters = await control(emu, '/counters', undefined, 'GET');
    expect(counters.total).toBe(2);
    expect(counters.byRoute).toMatchObject({ query: 1, limits: 1 });
    expect(Object.values(counters.byUser)).toEqual([2]);
  });

  it('never crashes on bad requests', async () => {
    const cases = [
      raw(emu, 'GET', '/services/data/v62.0/sobjects/Contact/%E0%A4%A'),
      raw(emu, 'PUT', '/services/data/v62.0/sobjects/Contact'),
      raw(emu, 'GET', '/services/data/v99.0/limits'),
      raw(emu, 'POST', '/services/data/v62.0/composite', { compositeRequest: [{ referenceId: 'x' }] }),
      raw(emu, 'POST', '/services/data/v62.0/composite/sobjects', { records: [null, 5, 'x'] }),
      raw(emu, 'GET', '/services/data/v62.0/query?q=SELECT+Id+FROM+Contact+WHERE+CreatedDate+%3D+LAST_N_DAYS'),
      raw(emu, 'GET', '/services/data/v62.0/query/garbage'),
    ];
    const res = await Promise.all(cases);
    for (const r of res) expect(r.status).toBeGreaterThanOrEqual(200);
    expect(res.every((r) => r.status !== 500)).toBe(true);
    const ok = await raw(emu, 'GET', '/services/data/v62.0/limits');
    expect(ok.status).toBe(200);
  });
});
