import { describe, expect, it } from 'vitest';
import { activityDate } from '../../../src/pipeline/action/targets/task/activity-date';
import { fillTemplate, templateFields } from '../../../src/pipeline/action/targets/task/task-template';

describe('task cadence', () => {
  it('fills {Field} placeholders from the record, blank for a missing value', () => {
    expect(templateFields('Call {FirstName} at {Account.Name}')).toEqual(['FirstName', 'Account.Name']);
    expect(fillTemplate('Call {FirstName} {LastName}', { FirstName: 'Ada', LastName: null })).toBe('Call Ada');
    expect(fillTemplate('Score {Contact_Score__c}', { Contact_Score__c: 7 })).toBe('Score 7');
  });

  it("counts the due date in the owner's time zone", () => {
    // 03:30 UTC on 1 March is still 28 February in Los Angeles.
    expect(activityDate('2026-03-01T03:30:00Z', 0, 'America/Los_Angeles')).toBe('2026-02-28');
    expect(activityDate('2026-03-01T03:30:00Z', 2, 'America/Los_Angeles')).toBe('2026-03-02');
    expect(activityDate('2026-03-01T03:30:00Z', 0, 'GMT')).toBe('2026-03-01');
    expect(activityDate('2026-12-31T23:30:00Z', 1, 'Europe/London')).toBe('2027-01-01');
    expect(activityDate('2026-03-01T03:30:00Z', 0, 'Not/AZone')).toBe('2026-03-01');
  });
});
