/**
 * Episodes and actions over the emulator and a real Redis: episode numbers survive a Redis that lost the audience's
 * membership state (seeded from Audience_Member__c, so a re-entry never reuses an old episode or action key), a
 * backfill action reaches the members it predates once, and a Task owned by an inactive user goes to the fallback.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { clearPrefix, LoopHarness, waitFor } from './support/loop-harness';

const VP_FILTER = '{"field":"Title","op":"contains","value":"VP"}';
type Row = Record<string, unknown> & { Id: string };

describe('e2e: action episodes', () => {
  let h: LoopHarness | undefined;
  afterEach(async () => {
    await h?.stop();
    h = undefined;
  });

  it('after Redis lost the membership state, a re-entry opens a new episode instead of reusing the old one', async () => {
    h = await LoopHarness.create({
      sources: [{ Object__c: 'Contact' }],
      fieldMaps: [],
      audiences: [{ Name: 'VPs', Object__c: 'Contact', Filter__c: VP_FILTER }],
      records: { Contact: [{ LastName: 'Lovelace', Title: 'VP Engineering' }] },
    });
    const [ada] = h.records.Contact as [string];
    const audienceId = h.ids.audiences[0]!;
    const episodes = () =>
      h!.query<Row & { Key__c: string; Is_Active__c: boolean }>(
        `SELECT Id, Key__c, Is_Active__c FROM Audience_Member__c WHERE Record_Id__c = '${ada}'`,
      );
    await h.updateRecords('Contact', [{ Id: ada, Title: 'Engineer' }], h.repConn());
    await waitFor(async () => (await episodes()).every((e) => !e.Is_Active__c), 30_000, 'the exit');

    // Redis loses who is in the audience (a restart without persistence).
    await clearPrefix(h.redis, `${h.prefix}:members`);
    await h.updateRecords('Contact', [{ Id: ada, Title: 'VP Engineering' }], h.repConn());
    const rows = await waitFor(
      async () => {
        const all = await episodes();
        return all.some((e) => e.Is_Active__c) ? all : undefined;
      },
      30_000,
      'the re-entry',
    );
    expect(rows.map((r) => [r.Key__c, r.Is_Active__c]).sort()).toEqual([
      [`${audienceId}-${ada}-1`, false],
      [`${audienceId}-${ada}-2`, true],
    ]);
  }, 120_000);

  it('a backfill action reaches current members once; a Task whose owner is inactive goes to the fallback owner', async () => {
    h = await LoopHarness.create({
      sources: [{ Object__c: 'Contact' }],
      fieldMaps: [],
      audiences: [{ Name: 'VPs', Object__c: 'Contact', Filter__c: VP_FILTER }],
      records: { Contact: [{ FirstName: 'Ada', LastName: 'Lovelace', Title: 'VP Engineering' }] },
    });
    const [ada] = h.records.Contact as [string];
    const { admin, rep } = h.userIds;
    await h.updateRecords('Contact', [{ Id: ada, OwnerId: rep }]);
    await h.updateRecords('User', [{ Id: rep, IsActive: false }]);
    await h.settle();
    // Ada entered before the action existed: only the backfill brings it to her.
    const [actionId] = await h.createRecords('Audience_Action__c', [
      {
        Name: 'Cadence',
        Audience__c: h.ids.audiences[0],
        Active__c: true,
        Type__c: 'Task',
        Settings__c: JSON.stringify({
          steps: [{ dayOffset: 1, subject: 'Call {FirstName}', type: 'Call' }],
          assignTo: 'owner',
          fallbackOwner: admin,
          backfill: true,
        }),
      },
    ]);
    await h.loop.reloader.request('test');
    await h.loop.actions.backfill();
    await h.loop.actions.backfill();
    const tasks = await waitFor(
      async () => {
        const rows = await h!.query<Row & { OwnerId: string; Subject: string }>(
          `SELECT Id, OwnerId, Subject FROM Task WHERE WhoId = '${ada}'`,
        );
        return rows.length > 0 ? rows : undefined;
      },
      60_000,
      'the backfilled task',
    );
    expect(tasks).toEqual([expect.objectContaining({ OwnerId: admin, Subject: 'Call Ada' })]);
    const logs = await h.query<Row & { Key__c: string; Status__c: string }>(
      'SELECT Id, Key__c, Status__c FROM Audience_Action_Log__c',
    );
    expect(logs).toEqual([expect.objectContaining({ Key__c: `${actionId}-${h.ids.audiences[0]}-${ada}-1-apply` })]);
  }, 120_000);
});
