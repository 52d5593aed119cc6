/**
 * Auto-number name fields as an org fills them: `Audience_Run__c.Name` (display format `RUN-{0000000}`) gets the
 * next number on every insert, describe says `autoNumber: true` and not createable, and a client cannot set it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../index';
import { formatAutoNumber } from '../org/auto-number';
import { connect, startEmu } from './helpers';

let emu: RunningEmulator;

beforeAll(async () => {
  emu = await startEmu({ seed: 'none' });
});
afterAll(async () => {
  await emu?.stop();
});

describe('auto-number fields', () => {
  it('numbers each new run record by the display format, and refuses a Name from the client', async () => {
    const conn = connect(emu);
    const created = await conn.sobject('Audience_Run__c').create([
      { Type__c: 'Import', Status__c: 'Running' },
      { Type__c: 'Import', Status__c: 'Running' },
    ]);
    const ids = created.map((r) => {
      if (!r.success) throw new Error(JSON.stringify(r));
      return r.id;
    });
    const rows = await conn.query<{ Id: string; Name: string }>(
      `SELECT Id, Name FROM Audience_Run__c WHERE Id IN ('${ids.join("','")}') ORDER BY Name`,
    );
    expect(rows.records.map((r) => r.Name)).toEqual(['RUN-0000001', 'RUN-0000002']);

    const name = (await conn.sobject('Audience_Run__c').describe()).fields.find((f) => f.name === 'Name');
    expect(name).toMatchObject({ autoNumber: true, createable: false, updateable: false });

    const refused = await conn
      .sobject('Audience_Run__c')
      .create({ Name: 'mine', Type__c: 'Import' })
      .then(
        (result) => result,
        (error: { errorCode?: string }) => ({ success: false, errorCode: error.errorCode }),
      );
    expect(refused.success).toBe(false);
  });

  it('formats the number and the insert date as the display format says', () => {
    const at = new Date('2026-03-07T10:00:00Z');
    expect(formatAutoNumber('RUN-{0000000}', 42, at)).toBe('RUN-0000042');
    expect(formatAutoNumber('{YYYY}{MM}{DD}-{000}', 7, at)).toBe('20260307-007');
    expect(formatAutoNumber('A-{0}', 12345, at)).toBe('A-12345');
  });
});
