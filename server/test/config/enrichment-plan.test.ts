import { describe, expect, it } from 'vitest';
import { parseEnrichmentPlan, type RawPlanFields } from '../../src/config/enrichment-plan';

const known = new Set(['offline', 'hunter', 'pdl', 'http:clearbit']);
const base: RawPlanFields = {
  Id: 'a03000000000001AAA',
  Name: 'Work emails',
  Object__c: 'Contact',
  Audience__c: 'a01000000000001AAA',
  Attributes__c: 'person.work_email, person.seniority',
  Providers__c: 'hunter,pdl',
  Schedule__c: '0 6 * * 1',
  Time_Zone__c: 'Europe/Paris',
  Run_On_Entry__c: true,
  Max_Credits_Per_Run__c: 500,
  Monthly_Credit_Budget__c: 5000,
};

describe('parseEnrichmentPlan', () => {
  it('when the record is complete, then the plan keeps the provider order and the zone', () => {
    const result = parseEnrichmentPlan(base, known);
    expect(result).toEqual({
      plan: expect.objectContaining({
        attributes: ['person.work_email', 'person.seniority'],
        providers: ['hunter', 'pdl'],
        schedule: '0 6 * * 1',
        timeZone: 'Europe/Paris',
        runOnEntry: true,
        maxCreditsPerRun: 500,
      }),
    });
  });

  it('when the time zone is blank, then it is UTC', () => {
    const result = parseEnrichmentPlan({ ...base, Time_Zone__c: null }, known);
    expect('plan' in result && result.plan.timeZone).toBe('UTC');
  });

  it.each([
    [{ Providers__c: 'hunter,zoominfo' }, 'unknown provider id zoominfo'],
    [{ Providers__c: 'apollo' }, 'provider apollo is not configured on the server'],
    [{ Attributes__c: 'person.shoe_size' }, 'unknown attribute person.shoe_size'],
    [{ Schedule__c: '0 6 * *' }, 'must be a 5-field cron expression'],
    [{ Schedule__c: '0 61 * * *' }, 'is not valid cron'],
    [{ Time_Zone__c: 'Mars/Olympus' }, 'unknown time zone Mars/Olympus'],
    [{ Max_Credits_Per_Run__c: -1 }, 'Max_Credits_Per_Run__c cannot be negative'],
    [{ Audience__c: null }, 'a scheduled plan needs an audience'],
  ])('when %o, then the plan reports "%s"', (change, message) => {
    const result = parseEnrichmentPlan({ ...base, ...change } as RawPlanFields, known);
    expect('problems' in result && result.problems.join('; ')).toContain(message);
  });
});
