import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startSalesforceEmulator, type RunningEmulator } from '../../index';

const V = '/services/data/v62.0';
const MASTER = '012000000000000AAA';
let emulator: RunningEmulator;
let contact: { Id: string; AccountId: string; Title: string | null };

type FieldValue = { value: unknown; displayValue: string | null };
type RecordBody = { apiName: string; id: string; fields: Record<string, FieldValue>; [key: string]: unknown };

beforeAll(async () => {
  emulator = await startSalesforceEmulator({ seed: 20, pubSub: false });
  const found = await get<{ records: (typeof contact)[] }>(
    `${V}/query?q=${encodeURIComponent('SELECT Id, AccountId, Title FROM Contact WHERE AccountId != null LIMIT 1')}`,
  );
  contact = found.body.records[0]!;
});
afterAll(async () => {
  await emulator?.stop();
});
afterEach(async () => {
  await fetch(`${emulator.instanceUrl}/__emulator/fls`, { method: 'DELETE' });
});

function token(role: 'integration' | 'rep' = 'integration'): string {
  return emulator.users.find((u) => u.role === role)!.accessToken;
}
async function get<T>(path: string, role: 'integration' | 'rep' = 'integration'): Promise<{ status: number; body: T }> {
  const res = await fetch(`${emulator.instanceUrl}${path}`, { headers: { Authorization: `Bearer ${token(role)}` } });
  return { status: res.status, body: (await res.json()) as T };
}
async function hideFromReps(object: string, field: string): Promise<void> {
  const res = await fetch(`${emulator.instanceUrl}/__emulator/fls`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ role: 'rep', object, fields: { [field]: { readable: false, editable: false } } }),
  });
  expect(res.ok).toBe(true);
}

describe('UI API records (getRecord)', () => {
  it('returns the requested fields as {value, displayValue}, a lookup path as the related record, and the record metadata', async () => {
    const { status, body } = await get<RecordBody>(
      `${V}/ui-api/records/${contact.Id}?fields=Contact.LastName,Contact.Account.Name,Contact.CreatedDate&optionalFields=Contact.Title`,
    );
    expect(status).toBe(200);
    expect(body).toMatchObject({ apiName: 'Contact', id: contact.Id, recordTypeId: MASTER, childRelationships: {} });
    expect(Object.keys(body.fields).sort()).toEqual(['Account', 'CreatedDate', 'LastName', 'Title']);
    expect(body.fields.LastName).toEqual({ value: expect.any(String), displayValue: null });
    expect(body.fields.Title!.value).toBe(contact.Title);
    expect(body.fields.CreatedDate!.value).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(body.fields.CreatedDate!.displayValue).toMatch(/^\d{1,2}\/\d{1,2}\/\d{4}, \d{1,2}:\d\d [AP]M$/);
    const account = body.fields.Account!.value as RecordBody;
    expect(account).toMatchObject({ apiName: 'Account', id: contact.AccountId });
    expect(body.fields.Account!.displayValue).toBe(account.fields.Name!.value);
    expect(body.lastModifiedDate).toMatch(/Z$/);
    expect(typeof body.weakEtag).toBe('number');
    expect(typeof body.eTag).toBe('string');
  });

  it('silently skips optionalFields that do not exist or name another object', async () => {
    const { status, body } = await get<RecordBody>(
      `${V}/ui-api/records/${contact.Id}?fields=Contact.LastName&optionalFields=Contact.No_Such__c,Account.Name,Contact.Email`,
    );
    expect(status).toBe(200);
    expect(Object.keys(body.fields).sort()).toEqual(['Email', 'LastName']);
  });

  it('fails a missing required field with INVALID_FIELD and a request with neither fields nor layoutTypes with INVALID_ARGUMENT', async () => {
    const unknown = await get<{ errorCode: string; message: string }[]>(
      `${V}/ui-api/records/${contact.Id}?fields=Contact.No_Such__c`,
    );
    expect(unknown.status).toBe(400);
    expect(unknown.body[0]).toMatchObject({ errorCode: 'INVALID_FIELD' });
    expect(unknown.body[0]!.message).toContain('No_Such__c');
    const bare = await get<{ errorCode: string }[]>(`${V}/ui-api/records/${contact.Id}`);
    expect(bare.status).toBe(400);
    expect(bare.body[0]!.errorCode).toBe('INVALID_ARGUMENT');
    const missing = await get<{ errorCode: string }[]>(`${V}/ui-api/records/003000000000000AAA?fields=Contact.Name`);
    expect(missing.status).toBe(404);
  });

  it('respects field-level security: a hidden field fails in fields, is skipped in optionalFields', async () => {
    await hideFromReps('Contact', 'Title');
    const required = await get<{ errorCode: string }[]>(
      `${V}/ui-api/records/${contact.Id}?fields=Contact.Title`,
      'rep',
    );
    expect(required.status).toBe(400);
    expect(required.body[0]!.errorCode).toBe('INVALID_FIELD');
    const optional = await get<RecordBody>(
      `${V}/ui-api/records/${contact.Id}?fields=Contact.LastName&optionalFields=Contact.Title`,
      'rep',
    );
    expect(optional.status).toBe(200);
    expect(Object.keys(optional.body.fields)).toEqual(['LastName']);
    const admin = await get<RecordBody>(`${V}/ui-api/records/${contact.Id}?fields=Contact.Title`);
    expect(admin.status).toBe(200);
  });

  it('updateRecord (PATCH {fields}) writes through the org and answers with the written fields', async () => {
    const res = await fetch(`${emulator.instanceUrl}${V}/ui-api/records/${contact.Id}`, {
      method: 'PATCH',
      headers: { Authorization: `Bearer ${token()}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ fields: { Title: 'Head of UI' } }),
    });
    expect(res.status).toBe(200);
    expect(((await res.json()) as RecordBody).fields.Title).toEqual({ value: 'Head of UI', displayValue: null });
    const after = await get<RecordBody>(`${V}/ui-api/records/${contact.Id}?fields=Contact.Title`);
    expect(after.body.fields.Title!.value).toBe('Head of UI');
  });
});

describe('UI API object-info (getObjectInfo)', () => {
  type ObjectInfoBody = { apiName: string; fields: Record<string, Record<string, unknown>>; [key: string]: unknown };

  it('describes fields with UI API data types, relationships and picklist-free metadata', async () => {
    const { status, body } = await get<ObjectInfoBody>(`${V}/ui-api/object-info/Contact`);
    expect(status).toBe(200);
    expect(body).toMatchObject({
      apiName: 'Contact',
      keyPrefix: '003',
      defaultRecordTypeId: MASTER,
      nameFields: ['Name'],
    });
    expect(body.fields.Email).toMatchObject({ apiName: 'Email', dataType: 'Email', updateable: true });
    expect(body.fields.AccountId).toMatchObject({
      dataType: 'Reference',
      relationshipName: 'Account',
      referenceToInfos: [{ apiName: 'Account', nameFields: ['Name'] }],
    });
    expect(body.fields.LastModifiedDate).toMatchObject({ dataType: 'DateTime', updateable: false });
    expect(body.fields.MailingCity).toMatchObject({ compoundFieldName: 'MailingAddress' });
    expect((await get(`${V}/ui-api/object-info/No_Such__c`)).status).toBe(404);
  });

  it('leaves out fields hidden by field-level security', async () => {
    await hideFromReps('Contact', 'Title');
    const rep = await get<ObjectInfoBody>(`${V}/ui-api/object-info/Contact`, 'rep');
    expect(rep.body.fields.Title).toBeUndefined();
    expect(rep.body.fields.Email).toBeDefined();
  });
});

describe('UI API record-ui', () => {
  it('returns a generated Full layout, the object info and the record with the layout fields', async () => {
    await hideFromReps('Contact', 'Title');
    const { status, body } = await get<{
      layouts: Record<
        string,
        Record<string, { Full: { View: { sections: { layoutRows: { layoutItems: { label: string }[] }[] }[] } } }>
      >;
      objectInfos: Record<string, { apiName: string }>;
      records: Record<string, RecordBody>;
    }>(`${V}/ui-api/record-ui/${contact.Id}`, 'rep');
    expect(status).toBe(200);
    const layout = body.layouts.Contact![MASTER]!.Full.View;
    expect(layout.sections[0]!.layoutRows.length).toBeGreaterThan(5);
    expect(body.objectInfos.Contact!.apiName).toBe('Contact');
    const record = body.records[contact.Id]!;
    expect(record.fields.LastName).toBeDefined();
    expect(record.fields.Title).toBeUndefined();
  });
});
