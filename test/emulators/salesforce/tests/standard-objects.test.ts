/* eslint-disable @typescript-eslint/no-explicit-any -- REST replies are inspected as loose JSON in tests */
/**
 * The standard objects an integration touches behave as in a real org: campaign members are unique per campaign
 * and person, campaigns get their member statuses and roll-ups, a Lead task cannot relate to a record, Activity
 * fields are Task fields, change events are listed, files keep their bytes, the Tooling channel query answers,
 * Composite graph runs all-or-nothing, and usernames carry the org.
 */
import type { Connection } from 'jsforce';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../index';
import { connect, raw, startEmu } from './helpers';

const V = '/services/data/v62.0';
let emu: RunningEmulator;
let conn: Connection;
let contactId: string;
let leadId: string;
let accountId: string;

beforeAll(async () => {
  emu = await startEmu({ seed: 'demo' });
  conn = connect(emu);
  contactId = (await conn.query<{ Id: string }>('SELECT Id FROM Contact LIMIT 1')).records[0]!.Id;
  leadId = (await conn.query<{ Id: string }>('SELECT Id FROM Lead LIMIT 1')).records[0]!.Id;
  accountId = (await conn.query<{ Id: string }>('SELECT Id FROM Account LIMIT 1')).records[0]!.Id;
});
afterAll(async () => {
  await emu?.stop();
});

describe('campaigns', () => {
  it('statuses per campaign, DUPLICATE_VALUE per campaign and person, roll-ups of members', async () => {
    const campaignId = (await conn.sobject('Campaign').create({ Name: 'Spring webinar' })).id!;
    const statuses = await conn.query<any>(
      `SELECT Label, IsDefault, HasResponded FROM CampaignMemberStatus WHERE CampaignId = '${campaignId}' ORDER BY SortOrder`,
    );
    expect(statuses.records.map((s) => [s.Label, s.IsDefault, s.HasResponded])).toEqual([
      ['Sent', true, false],
      ['Responded', false, true],
    ]);
    const first = await raw(emu, 'POST', `${V}/sobjects/CampaignMember`, {
      CampaignId: campaignId,
      ContactId: contactId,
    });
    expect(first.status).toBe(201);
    const dup = await raw(emu, 'POST', `${V}/sobjects/CampaignMember`, {
      CampaignId: campaignId,
      ContactId: contactId,
    });
    expect(dup.body).toEqual([{ errorCode: 'DUPLICATE_VALUE', message: 'Already a campaign member.', fields: [] }]);
    await conn.sobject('CampaignMember').create({ CampaignId: campaignId, LeadId: leadId, Status: 'Responded' });
    const member = (await conn.sobject('CampaignMember').retrieve(first.body.id)) as any;
    expect(member).toMatchObject({ Status: 'Sent', HasResponded: false, Type: 'Contact' });
    const campaign = (await conn.sobject('Campaign').retrieve(campaignId)) as any;
    expect(campaign).toMatchObject({ NumberOfContacts: 1, NumberOfLeads: 1, NumberOfResponses: 1 });
    await conn.sobject('CampaignMember').destroy(first.body.id);
    expect(((await conn.sobject('Campaign').retrieve(campaignId)) as any).NumberOfContacts).toBe(0);
  });
});

describe('activities', () => {
  it('Task.WhoId is a Contact or a Lead; a Lead cannot come with a WhatId', async () => {
    const d = await conn.sobject('Task').describe();
    expect(d.fields.find((f) => f.name === 'WhoId')).toMatchObject({
      referenceTo: ['Contact', 'Lead'],
      polymorphicForeignKey: true,
    });
    const ok = await conn.sobject('Task').create({ WhoId: contactId, WhatId: accountId, Subject: 'Call' });
    expect(ok.success).toBe(true);
    const bad = await raw(emu, 'POST', `${V}/sobjects/Task`, { WhoId: leadId, WhatId: accountId, Subject: 'Call' });
    expect(bad.status).toBe(400);
    expect(bad.body[0]).toMatchObject({ errorCode: 'FIELD_INTEGRITY_EXCEPTION', fields: ['WhatId'] });
    const tasks = await conn.query<any>(`SELECT Subject, Who.Name FROM Task WHERE WhoId = '${contactId}'`);
    expect(tasks.records[0].Who.Name).toBeTruthy();
  });
});

describe('schema', () => {
  it('Contact, User and the setup objects carry the fields an integration reads', async () => {
    const contact = await conn.sobject('Contact').describe();
    for (const f of [
      'Fax',
      'ReportsToId',
      'MasterRecordId',
      'IsEmailBounced',
      'EmailBouncedReason',
      'LastViewedDate',
    ]) {
      expect(contact.fields.map((x) => x.name)).toContain(f);
    }
    const users = await conn.query<any>('SELECT Username, Email, Profile.Name FROM User');
    for (const u of users.records) {
      expect(u.Email).toMatch(/@/);
      expect(u.Profile.Name).toBeTruthy();
    }
    for (const o of ['Profile', 'RecordType', 'Opportunity', 'Event', 'PermissionSetAssignment', 'UserRecordAccess']) {
      expect((await raw(emu, 'GET', `${V}/sobjects/${o}/describe`)).status).toBe(200);
    }
    const global = await conn.describeGlobal();
    expect(global.sobjects.map((s) => s.name)).toEqual(
      expect.arrayContaining(['ContactChangeEvent', 'LeadChangeEvent', 'Audience_Member__ChangeEvent']),
    );
  });

  it('usernames carry the org, stable for a seed, different for another key', async () => {
    const admin = emu.users.find((u) => u.role === 'admin')!;
    expect(admin.username).toMatch(/^admin-[0-9a-f]{6}@audience-loop\.demo$/);
    const again = await startEmu({ seed: 'none', orgKey: 'demo' });
    const other = await startEmu({ seed: 'none' });
    try {
      expect(again.orgId).toBe(emu.orgId);
      expect(again.users.map((u) => u.username)).toEqual(emu.users.map((u) => u.username));
      expect(other.orgId).not.toBe(emu.orgId);
      expect(other.users.find((u) => u.role === 'admin')!.username).not.toBe(admin.username);
    } finally {
      await again.stop();
      await other.stop();
    }
  });
});

describe('UserRecordAccess', () => {
  it('answers per user and record: a rep edits what it owns, reads the rest', async () => {
    const rep = emu.users.find((u) => u.role === 'rep')!;
    const owned = (await conn.query<any>(`SELECT Id FROM Contact WHERE OwnerId = '${rep.id}' LIMIT 1`)).records[0].Id;
    const other = (await conn.query<any>(`SELECT Id FROM Contact WHERE OwnerId != '${rep.id}' LIMIT 1`)).records[0].Id;
    const res = await conn.query<any>(
      `SELECT RecordId, HasReadAccess, HasEditAccess, MaxAccessLevel FROM UserRecordAccess WHERE UserId = '${rep.id}' AND RecordId IN ('${owned}', '${other}')`,
    );
    expect(res.records.map((r) => [r.RecordId, r.HasReadAccess, r.HasEditAccess, r.MaxAccessLevel])).toEqual([
      [owned, true, true, 'Transfer'],
      [other, true, false, 'Read'],
    ]);
  });
});

describe('files, tooling and graph', () => {
  it('a base64 ContentVersion creates its document; VersionData downloads the bytes', async () => {
    const created = await conn
      .sobject('ContentVersion')
      .create({ PathOnClient: 'notes.txt', VersionData: Buffer.from('hello').toString('base64') });
    const v = (await conn.sobject('ContentVersion').retrieve(created.id!)) as any;
    expect(v).toMatchObject({ Title: 'notes', FileType: 'TEXT', ContentSize: 5, VersionNumber: '1', IsLatest: true });
    expect(v.ContentDocumentId).toMatch(/^069/);
    const res = await fetch(`${emu.instanceUrl}${v.VersionData}`, {
      headers: { authorization: `Bearer ${emu.accessToken}` },
    });
    expect(await res.text()).toBe('hello');
  });

  it('Tooling query of PlatformEventChannelMember lists the change channel members; other Tooling objects are INVALID_TYPE', async () => {
    const q = (s: string) => raw(emu, 'GET', `${V}/tooling/query?q=${encodeURIComponent(s)}`);
    const res = await q(
      "SELECT DeveloperName, SelectedEntity FROM PlatformEventChannelMember WHERE SelectedEntity = 'ContactChangeEvent'",
    );
    expect(res.status).toBe(200);
    expect(res.body.records).toHaveLength(
      emu.context.schema.changeChannels().filter((c) => c.members.includes('Contact')).length,
    );
    expect((await q('SELECT Id FROM ApexClass')).body[0].errorCode).toBe('INVALID_TYPE');
    expect((await raw(emu, 'GET', `${V}/search?q=${encodeURIComponent('FIND {x}')}`)).body[0].errorCode).toBe(
      'NOT_FOUND',
    );
  });

  it('Composite graph: each graph all-or-nothing', async () => {
    const res = await raw(emu, 'POST', `${V}/composite/graph`, {
      graphs: [
        {
          graphId: 'good',
          compositeRequest: [
            { method: 'POST', url: `${V}/sobjects/Account`, referenceId: 'acc', body: { Name: 'Graph Co' } },
            {
              method: 'POST',
              url: `${V}/sobjects/Contact`,
              referenceId: 'con',
              body: { LastName: 'G', AccountId: '@{acc.id}' },
            },
          ],
        },
        {
          graphId: 'bad',
          compositeRequest: [
            { method: 'POST', url: `${V}/sobjects/Account`, referenceId: 'acc2', body: { Name: 'Rolled back' } },
            { method: 'POST', url: `${V}/sobjects/Contact`, referenceId: 'con2', body: {} },
          ],
        },
      ],
    });
    expect(res.body.graphs.map((g: any) => [g.graphId, g.isSuccessful])).toEqual([
      ['good', true],
      ['bad', false],
    ]);
    const rolled = await conn.query("SELECT Id FROM Account WHERE Name = 'Rolled back'");
    expect(rolled.totalSize).toBe(0);
  });
});
