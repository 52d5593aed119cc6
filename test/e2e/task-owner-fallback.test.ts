/**
 * A Task cadence whose record has no owner that can take a Task, over the emulator and a real Redis: a Lead owned by
 * the org's queue (`Lead_Inbox`, a Group of Type Queue) or by a user who has since been deactivated gets its Task
 * owned by the action's `fallbackOwner`; without a fallbackOwner the application is `Skipped` with the reason in
 * `Audience_Action_Log__c.Message__c` and no Task is made. The org itself refuses a Task owned by a queue
 * (`FIELD_INTEGRITY_EXCEPTION`) or by an inactive user (`INACTIVE_OWNER_OR_USER`), so only the fallback can succeed —
 * also when the owner is deactivated while the loop still holds them as active (the org's refusal makes it ask again).
 * Everything asserted is read back from the org as the admin.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { LoopHarness, waitFor } from './support/loop-harness';

type Row = Record<string, unknown> & { Id: string };
type TaskRow = Row & { OwnerId: string; Subject: string; WhoId: string };
type LogRow = Row & { Key__c: string; Status__c: string; Message__c: string | null };

const titleContains = (value: string) => JSON.stringify({ field: 'Title', op: 'contains', value });
const cadence = (fallbackOwner?: string) =>
  JSON.stringify({
    steps: [{ dayOffset: 0, subject: 'Call {FirstName}', type: 'Call' }],
    assignTo: 'owner',
    ...(fallbackOwner && { fallbackOwner }),
  });

describe('e2e: Task owner fallback', () => {
  let h: LoopHarness | undefined;
  afterEach(async () => {
    await h?.stop();
    h = undefined;
  });

  it('queue-owned and inactive-owned Leads get their Task from the fallbackOwner, or are Skipped with the reason', async () => {
    h = await LoopHarness.create({
      start: false,
      sources: [{ Object__c: 'Lead' }],
      fieldMaps: [],
      audiences: [
        { Name: 'Directors', Object__c: 'Lead', Filter__c: titleContains('Director') },
        { Name: 'Managers', Object__c: 'Lead', Filter__c: titleContains('Manager') },
      ],
    });
    const [withFallback, withoutFallback] = h.ids.audiences as [string, string];
    const { admin } = h.userIds;
    const leaver = h.emulator.users.filter((u) => u.role === 'rep')[1]!.id;
    const [queue] = await h.query<Row>("SELECT Id FROM Group WHERE Type = 'Queue' AND DeveloperName = 'Lead_Inbox'");
    const queueId = queue!.Id;

    const [queuedDirector, leaverDirector, leaverManager, queuedManager] = (await h.createRecords('Lead', [
      { FirstName: 'Quinn', LastName: 'Queue', Company: 'Acme', Title: 'Director of Sales', OwnerId: queueId },
      { FirstName: 'Ivo', LastName: 'Left', Company: 'Acme', Title: 'Director of IT', OwnerId: leaver },
      { FirstName: 'Ina', LastName: 'Left', Company: 'Acme', Title: 'IT Manager', OwnerId: leaver },
      { FirstName: 'Quade', LastName: 'Queue', Company: 'Acme', Title: 'Office Manager', OwnerId: queueId },
    ])) as [string, string, string, string];
    // The rep who owned two of them leaves the company: the admin deactivates the user, the Leads keep the owner.
    await h.updateRecords('User', [{ Id: leaver, IsActive: false }]);

    await h.createRecords('Audience_Action__c', [
      {
        Name: 'Cadence with fallback',
        Audience__c: withFallback,
        Active__c: true,
        Type__c: 'Task',
        Settings__c: cadence(admin),
      },
      {
        Name: 'Cadence without fallback',
        Audience__c: withoutFallback,
        Active__c: true,
        Type__c: 'Task',
        Settings__c: cadence(),
      },
    ]);
    await h.startRuntime();

    const logs = await waitFor(
      async () => {
        const rows = await h!.query<LogRow>('SELECT Id, Key__c, Status__c, Message__c FROM Audience_Action_Log__c');
        const settled = rows.filter((r) => r.Status__c !== 'Pending');
        return settled.length >= 4 ? settled : undefined;
      },
      90_000,
      'four settled action logs',
    );
    const logOf = (leadId: string) => logs.find((l) => l.Key__c.includes(`-${leadId}-1-apply`));

    const tasks = await h.query<TaskRow>(
      `SELECT Id, OwnerId, Subject, WhoId FROM Task WHERE WhoId IN ('${queuedDirector}', '${leaverDirector}', '${leaverManager}', '${queuedManager}')`,
    );
    const tasksOf = (leadId: string) => tasks.filter((t) => t.WhoId === leadId).map((t) => [t.Subject, t.OwnerId]);

    // Owned by the queue, with a fallbackOwner: the Task is the fallback owner's.
    expect(tasksOf(queuedDirector)).toEqual([['Call Quinn', admin]]);
    expect(logOf(queuedDirector)?.Status__c).toBe('Succeeded');
    // Owned by a deactivated user, with a fallbackOwner: the same.
    expect(tasksOf(leaverDirector)).toEqual([['Call Ivo', admin]]);
    expect(logOf(leaverDirector)?.Status__c).toBe('Succeeded');
    // Owned by a deactivated user, no fallbackOwner: Skipped with the reason, no Task.
    expect(tasksOf(leaverManager)).toEqual([]);
    expect(logOf(leaverManager)).toMatchObject({
      Status__c: 'Skipped',
      Message__c: expect.stringContaining('its owner is inactive'),
    });
    // Owned by the queue, no fallbackOwner: Skipped, the reason names the queue.
    expect(tasksOf(queuedManager)).toEqual([]);
    expect(logOf(queuedManager)).toMatchObject({
      Status__c: 'Skipped',
      Message__c: expect.stringContaining('owned by a queue'),
    });
    // The Leads kept their owners: the fallback only assigns the Task.
    const owners = await h.byId<Row & { OwnerId: string }>('Lead', ['OwnerId'], [queuedDirector, leaverManager]);
    expect([owners.get(queuedDirector)?.OwnerId, owners.get(leaverManager)?.OwnerId]).toEqual([queueId, leaver]);
  }, 180_000);

  it('an owner deactivated after the loop last saw them active: the org refuses, the Task goes to the fallbackOwner', async () => {
    h = await LoopHarness.create({
      start: false,
      sources: [{ Object__c: 'Lead' }],
      fieldMaps: [],
      audiences: [{ Name: 'Directors', Object__c: 'Lead', Filter__c: titleContains('Director') }],
    });
    const { admin } = h.userIds;
    const leaver = h.emulator.users.filter((u) => u.role === 'rep')[1]!.id;
    const [first, later] = (await h.createRecords('Lead', [
      { FirstName: 'Fay', LastName: 'First', Company: 'Acme', Title: 'Director of Sales', OwnerId: leaver },
      { FirstName: 'Lee', LastName: 'Later', Company: 'Acme', Title: 'Engineer', OwnerId: leaver },
    ])) as [string, string];
    await h.createRecords('Audience_Action__c', [
      {
        Name: 'Cadence',
        Audience__c: h.ids.audiences[0],
        Active__c: true,
        Type__c: 'Task',
        Settings__c: cadence(admin),
      },
    ]);
    await h.startRuntime();
    const settledLog = (leadId: string) =>
      waitFor(
        async () => {
          const rows = await h!.query<LogRow>(
            `SELECT Id, Key__c, Status__c, Message__c FROM Audience_Action_Log__c WHERE Key__c LIKE '%-${leadId}-1-apply'`,
          );
          return rows.find((r) => r.Status__c !== 'Pending');
        },
        90_000,
        `the settled action log of ${leadId}`,
      );
    // The owner is active when the first Lead enters: the Task is theirs (and the loop now knows them as active).
    expect((await settledLog(first)).Status__c).toBe('Succeeded');
    const tasksOf = async (leadId: string) =>
      (await h!.query<TaskRow>(`SELECT Id, OwnerId, Subject, WhoId FROM Task WHERE WhoId = '${leadId}'`)).map((t) => [
        t.Subject,
        t.OwnerId,
      ]);
    expect(await tasksOf(first)).toEqual([['Call Fay', leaver]]);

    // The rep leaves; a rep's edit then makes their other Lead enter.
    await h.updateRecords('User', [{ Id: leaver, IsActive: false }]);
    await h.updateRecords('Lead', [{ Id: later, Title: 'Director of IT' }]);
    const log = await settledLog(later);
    expect(log.Status__c).toBe('Succeeded');
    expect(await tasksOf(later)).toEqual([['Call Lee', admin]]);
  }, 180_000);
});
