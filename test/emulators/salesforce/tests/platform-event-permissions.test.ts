/* eslint-disable @typescript-eslint/no-explicit-any -- REST replies are inspected as loose JSON in tests */
/**
 * Publishing a platform event is creating a record of it: the user needs create permission on the event, from the
 * force-app permission sets a real org would assign (admin: Audience_Admin; reps: Audience_User; integration:
 * Audience_Integration). A refused publish answers as a real org does, and every published event carries the
 * publisher as CreatedById, whatever the payload tries.
 */
import type { Connection } from 'jsforce';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../index';
import type { PlatformEventPublished } from '../org-contract';
import { connect, startEmu } from './helpers';

let emu: RunningEmulator;
const published: PlatformEventPublished[] = [];

const user = (role: 'admin' | 'rep' | 'integration') => emu.users.find((u) => u.role === role)!;
const as = (role: 'admin' | 'rep' | 'integration'): Connection => connect(emu, user(role).accessToken);

async function restPublish(role: 'admin' | 'rep' | 'integration', event: string, body: Record<string, unknown>) {
  const response = await fetch(`${emu.instanceUrl}/services/data/v62.0/sobjects/${event}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${user(role).accessToken}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as any };
}

beforeAll(async () => {
  emu = await startEmu({ seed: 'none' });
  emu.context.events.onPlatformEvent((event) => published.push(event));
});

afterAll(async () => {
  await emu.stop();
});

describe('create permission on platform events', () => {
  it('when a rep publishes an Audience_Command__e through jsforce, then the org refuses it as a real org does and publishes nothing', async () => {
    const before = published.length;
    await expect(as('rep').sobject('Audience_Command__e').create({ Command__c: 'RUN_IMPORT' })).rejects.toMatchObject({
      errorCode: 'CANNOT_INSERT_UPDATE_ACTIVATE_ENTITY',
      message: 'entity type cannot be inserted: Audience Command',
    });
    const raw = await restPublish('rep', 'Audience_Command__e', { Command__c: 'RUN_ENRICHMENT' });
    expect(raw).toEqual({
      status: 400,
      body: [
        {
          errorCode: 'CANNOT_INSERT_UPDATE_ACTIVATE_ENTITY',
          message: 'entity type cannot be inserted: Audience Command',
          fields: [],
        },
      ],
    });
    expect(published.length).toBe(before);
  });

  it('when a rep publishes an Audience_Record_Request__e, then it is delivered with the rep as CreatedById', async () => {
    const result = await as('rep')
      .sobject('Audience_Record_Request__e')
      .create({ Request__c: 'ENRICH_RECORD', Record_Id__c: '003000000000001AAA', Object__c: 'Contact' });
    expect(result.success).toBe(true);
    expect(published.at(-1)).toMatchObject({
      eventName: 'Audience_Record_Request__e',
      payload: { Request__c: 'ENRICH_RECORD', Record_Id__c: '003000000000001AAA', CreatedById: user('rep').id },
    });
  });

  it('when a payload tries to name another requester, then the org refuses the field: only the platform sets CreatedById', async () => {
    const before = published.length;
    await expect(
      as('rep')
        .sobject('Audience_Record_Request__e')
        .create({ Request__c: 'ENRICH_RECORD', Record_Id__c: '003000000000001AAA', CreatedById: user('admin').id }),
    ).rejects.toMatchObject({ errorCode: 'INVALID_FIELD_FOR_INSERT_UPDATE' });
    await expect(
      as('admin')
        .sobject('Audience_Command__e')
        .create({ Command__c: 'RELOAD_CONFIG', Requested_By__c: user('integration').id }),
    ).rejects.toMatchObject({ errorCode: 'INVALID_FIELD' });
    expect(published.length).toBe(before);
  });

  it('when the admin publishes either event, then both are accepted with the admin as CreatedById', async () => {
    await as('admin').sobject('Audience_Command__e').create({ Command__c: 'RUN_IMPORT' });
    await as('admin')
      .sobject('Audience_Record_Request__e')
      .create({ Request__c: 'ENRICH_RECORD', Record_Id__c: '00Q000000000001AAA' });
    expect(published.slice(-2).map((e) => [e.eventName, e.payload.CreatedById])).toEqual([
      ['Audience_Command__e', user('admin').id],
      ['Audience_Record_Request__e', user('admin').id],
    ]);
  });

  it('when the integration user publishes, then it may send statuses but not commands or record requests', async () => {
    await expect(
      as('integration').sobject('Audience_Status__e').create({ Stage__c: 'Running' }),
    ).resolves.toMatchObject({
      success: true,
    });
    for (const [event, body] of [
      ['Audience_Command__e', { Command__c: 'RUN_IMPORT' }],
      ['Audience_Record_Request__e', { Request__c: 'ENRICH_RECORD', Record_Id__c: '003000000000001AAA' }],
    ] as const) {
      await expect(as('integration').sobject(event).create(body), event).rejects.toMatchObject({
        errorCode: 'CANNOT_INSERT_UPDATE_ACTIVATE_ENTITY',
      });
    }
  });

  it('when a user describes an event, then createable says whether that user may publish it', async () => {
    expect((await as('rep').sobject('Audience_Command__e').describe()).createable).toBe(false);
    expect((await as('rep').sobject('Audience_Record_Request__e').describe()).createable).toBe(true);
    expect((await as('admin').sobject('Audience_Command__e').describe()).createable).toBe(true);
  });

  it('when a config record is saved by a user without create permission on commands, then the trigger stand-in still publishes RELOAD_CONFIG (system context)', async () => {
    const created = await as('integration').sobject('Audience__c').create({ Name: 'Saved by the integration' });
    expect(published.at(-1)).toMatchObject({
      eventName: 'Audience_Command__e',
      payload: { Command__c: 'RELOAD_CONFIG', Target_Id__c: created.id, CreatedById: user('integration').id },
    });
  });
});
