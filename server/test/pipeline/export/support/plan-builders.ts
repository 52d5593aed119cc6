import type { RecordWritePlan, WriteSkip } from '../../../../src/pipeline/export/write-plan';

/** A plan as the planner would return it, for tests of what consumes plans. */
export function buildPlan(recordId: string, overrides: Partial<RecordWritePlan> = {}): RecordWritePlan {
  return { recordId, object: 'Contact', updates: {}, changes: [], skips: [], ...overrides };
}

export function skip(field: string, reason: WriteSkip['reason']): WriteSkip {
  return { field, attribute: 'person.title', reason };
}
