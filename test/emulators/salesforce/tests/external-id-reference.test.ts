import type { Connection } from 'jsforce';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../index';
import { connect, createAudience, raw, startEmu } from './helpers';

const V = '/services/data/v62.0';
let emu: RunningEmulator;
let conn: Connection;

beforeAll(async () => {
  emu = await startEmu();
  conn = connect(emu);
});
afterAll(async () => {
  await emu?.stop();
});

/** An episode row with `key`, for log rows to point at. */
async function member(key: string): Promise<string> {
  const Audience__c = await createAudience(emu);
  const res = await raw(emu, 'POST', `${V}/sobjects/Audience_Member__c`, { Key__c: key, Audience__c });
  expect(res.status).toBe(201);
  return res.body.id as string;
}

const log = (key: string, fields: Record<string, unknown>) => ({
  attributes: { type: 'Audience_Action_Log__c' },
  Key__c: key,
  Status__c: 'Pending',
  ...fields,
});

describe('external-id relationship references', () => {
  it('Collections create and upsert set the lookup from the parent’s external id', async () => {
    const episode = `ref-episode-${Date.now()}`;
    const memberId = await member(episode);
    const created = await raw(emu, 'POST', `${V}/composite/sobjects`, {
      allOrNone: false,
      records: [log(`${episode}-apply`, { Audience_Member__r: { Key__c: episode } })],
    });
    expect(created.body[0]).toMatchObject({ success: true });
    const upserted = await raw(emu, 'PATCH', `${V}/composite/sobjects/Audience_Action_Log__c/Key__c`, {
      allOrNone: false,
      records: [
        log(`${episode}-apply`, { Status__c: 'Succeeded', Audience_Member__r: { Key__c: episode.toUpperCase() } }),
        log(`${episode}-remove`, { Audience_Member__r: { Key__c: episode } }),
      ],
    });
    expect(upserted.body).toMatchObject([
      { success: true, created: false },
      { success: true, created: true },
    ]);
    const rows = await conn.query<{ Key__c: string; Status__c: string; Audience_Member__c: string }>(
      `SELECT Key__c, Status__c, Audience_Member__c FROM Audience_Action_Log__c WHERE Key__c LIKE '${episode}%' ORDER BY Key__c`,
    );
    expect(rows.records.map((r) => [r.Key__c, r.Status__c, r.Audience_Member__c])).toEqual([
      [`${episode}-apply`, 'Succeeded', memberId],
      [`${episode}-remove`, 'Pending', memberId],
    ]);
  });

  it('a reference to no record, to a field that is not an external id, or next to the id fails that row only', async () => {
    const episode = `ref-missing-${Date.now()}`;
    const memberId = await member(episode);
    const res = await raw(emu, 'POST', `${V}/composite/sobjects`, {
      allOrNone: false,
      records: [
        log(`${episode}-a`, { Audience_Member__r: { Key__c: 'no-such-episode' } }),
        log(`${episode}-b`, { Audience_Member__r: { Record_Id__c: 'x' } }),
        log(`${episode}-c`, { Audience_Member__c: memberId, Audience_Member__r: { Key__c: episode } }),
        log(`${episode}-d`, { Audience_Member__r: { Key__c: episode } }),
      ],
    });
    expect(res.body[0]).toEqual({
      success: false,
      errors: [
        {
          statusCode: 'INVALID_FIELD',
          message: 'Foreign key external ID: no-such-episode not found for field Key__c in entity Audience_Member__c',
          fields: [],
        },
      ],
    });
    expect(res.body[1].errors[0]).toMatchObject({
      statusCode: 'INVALID_FIELD',
      message: 'Field name provided, Record_Id__c is not an External ID or indexed field for Audience_Member__c',
    });
    expect(res.body[2].errors[0]).toMatchObject({
      statusCode: 'INVALID_FIELD',
      message:
        'Cannot specify both an external ID reference Audience_Member__r and a salesforce id, Audience_Member__c',
    });
    expect(res.body[3]).toMatchObject({ success: true });
    const saved = await conn.query(`SELECT Id FROM Audience_Action_Log__c WHERE Key__c LIKE '${episode}%'`);
    expect(saved.totalSize).toBe(1);
  });
});
