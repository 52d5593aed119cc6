import { describe, expect, it } from 'vitest';
import type { PlatformEventPublished } from '../org-contract';
import { createFakeContext, REP_USER } from '../streaming/testing/fake-context';
import { installApexStandins } from './index';

function setup() {
  const fake = createFakeContext();
  const published: PlatformEventPublished[] = [];
  fake.ctx.events.onPlatformEvent((e) => published.push(e));
  const uninstall = installApexStandins(fake.ctx);
  return { fake, published, uninstall };
}

describe('AudienceConfigTriggerHandler stand-in', () => {
  it('when config records are inserted, deleted or undeleted, then one RELOAD_CONFIG per record names it', () => {
    const { fake, published, uninstall } = setup();
    fake.commit(
      [
        {
          changeType: 'CREATE',
          entityName: 'Audience__c',
          recordId: 'a01000000000001AAA',
          changedFields: [],
          values: { Name: 'VPs' },
        },
        {
          changeType: 'DELETE',
          entityName: 'Audience_Source__c',
          recordId: 'a02000000000001AAA',
          changedFields: [],
          values: {},
        },
        {
          changeType: 'UNDELETE',
          entityName: 'Audience_Action__c',
          recordId: 'a03000000000001AAA',
          changedFields: [],
          values: {},
        },
      ],
      { commitUserId: REP_USER },
    );
    expect(
      published.map((e) => [e.eventName, e.payload.Command__c, e.payload.Target_Id__c, e.payload.CreatedById]),
    ).toEqual([
      ['Audience_Command__e', 'RELOAD_CONFIG', 'a01000000000001AAA', REP_USER],
      ['Audience_Command__e', 'RELOAD_CONFIG', 'a02000000000001AAA', REP_USER],
      ['Audience_Command__e', 'RELOAD_CONFIG', 'a03000000000001AAA', REP_USER],
    ]);
    expect(published[0]?.payload.CreatedById).toBe(REP_USER);
    uninstall();
  });

  it('when an update touches only server-written status fields, then nothing is published', () => {
    const { fake, published, uninstall } = setup();
    const update = (changedFields: string[]) => ({
      changeType: 'UPDATE' as const,
      entityName: 'Audience__c',
      recordId: 'a01000000000001AAA',
      changedFields,
      values: {},
    });
    fake.commit([update(['Status__c', 'Member_Count__c', 'LastModifiedDate'])]);
    expect(published).toHaveLength(0);
    fake.commit([update(['Active__c', 'LastModifiedDate'])]);
    expect(published).toHaveLength(1);
    uninstall();
  });

  it('when non-config records change or the stand-ins are uninstalled, then nothing is published', () => {
    const { fake, published, uninstall } = setup();
    fake.commit([
      { changeType: 'CREATE', entityName: 'Contact', recordId: '003000000000001AAA', changedFields: [], values: {} },
    ]);
    uninstall();
    fake.commit([
      {
        changeType: 'CREATE',
        entityName: 'Audience__c',
        recordId: 'a01000000000001AAA',
        changedFields: [],
        values: {},
      },
    ]);
    expect(published).toHaveLength(0);
  });
});
