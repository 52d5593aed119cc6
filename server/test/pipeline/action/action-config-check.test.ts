import { describe, expect, it } from 'vitest';
import type { AudienceConfig } from '../../../src/config/loop-config';
import { ActionConfigCheck } from '../../../src/pipeline/action/action-config-check';
import { createActionRegistry } from '../../../src/pipeline/action/action-registry';
import { TaskTarget } from '../../../src/pipeline/action/targets/task/task-target';
import { CampaignTarget } from '../../../src/pipeline/action/targets/campaign/campaign-target';
import type { OrgClient } from '../../../src/salesforce/org-client';
import type { CollectionsClient } from '../../../src/salesforce/writers/collections-client';

// The checks below end before any target talks to the org: none is reached.
const unreachable = new Proxy({}, { get: () => () => Promise.reject(new Error('the org was asked')) });
const registry = createActionRegistry([
  new CampaignTarget(unreachable as OrgClient, unreachable as CollectionsClient),
  new TaskTarget(unreachable as OrgClient, unreachable as CollectionsClient),
]);
const check = new ActionConfigCheck(registry);

const contacts: AudienceConfig = { id: 'a01000000000001AAA', name: 'VPs', object: 'Contact', filter: { all: [] } };
const accounts: AudienceConfig = { ...contacts, object: 'Account' };
const row = (fields: Record<string, unknown>) => ({
  Id: 'a05000000000001AAA',
  Name: 'Cadence',
  Audience__c: contacts.id,
  Active__c: true,
  Type__c: 'Task',
  ...fields,
});
const steps = '"steps":[{"dayOffset":0,"subject":"Call {FirstName}","type":"Call"}]';

describe('action config check', () => {
  it('when the action is inactive, then it is fine and not loaded', async () => {
    expect(await check.check(row({ Active__c: false }), contacts)).toEqual({});
  });

  it('when a Campaign or Task action is on an Account audience, then it is refused with the reason', async () => {
    expect((await check.check(row({ Settings__c: `{${steps}}` }), accounts)).problem).toBe(
      'Task actions cannot act on Account audiences',
    );
    expect((await check.check(row({ Type__c: 'Campaign' }), accounts)).problem).toBe(
      'Campaign actions cannot act on Account audiences',
    );
  });

  it('when Settings__c has a bad field, then the problem names its path', async () => {
    const verdict = await check.check(row({ Settings__c: '{"steps":[{"dayOffset":-1,"subject":"x"}]}' }), contacts);
    expect(verdict.problem).toMatch(/^Settings__c\.steps\.0\.dayOffset: /);
    const common = await check.check(row({ Settings__c: `{${steps},"backfill":"yes"}` }), contacts);
    expect(common.problem).toMatch(/^Settings__c\.backfill: /);
    expect((await check.check(row({ Settings__c: '[1]' }), contacts)).problem).toBe(
      'Settings__c must be a JSON object',
    );
  });

  it('when the type has no target in this process, then the problem says so', async () => {
    const verdict = await check.check(row({ Type__c: 'Webhook', Target__c: 'https://example.com' }), contacts);
    expect(verdict.problem).toMatch(/^Webhook actions are not set up on the server/);
  });

  it('when the action is good, then it carries its mirrored fields and the common settings', async () => {
    const verdict = await check.check(
      row({ Settings__c: `{${steps},"backfill":true,"removeOnSourceChange":true}`, On_Exit__c: 'Remove' }),
      contacts,
    );
    expect(verdict.problem).toBeUndefined();
    expect(verdict.action).toMatchObject({
      type: 'Task',
      object: 'Contact',
      onExit: 'Remove',
      backfill: true,
      removeOnSourceChange: true,
      settings: { assignTo: 'owner' },
    });
    expect(verdict.action?.mirrorFields).toEqual(
      expect.arrayContaining(['OwnerId', 'Email', 'HasOptedOutOfEmail', 'DoNotCall', 'FirstName']),
    );
  });
});
