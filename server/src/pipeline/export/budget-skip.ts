import type { RecordWritePlan, WriteSkip } from './write-plan';

/**
 * The governor's veto (DESIGN §6: API budget above the stop threshold): the plan's changes become `budget` skips and
 * nothing is sent, so the run record shows what was held back instead of going quiet.
 */
export function deferForBudget(
  plan: RecordWritePlan,
  detail = 'API budget reached; resumes by itself',
): RecordWritePlan {
  const deferred: WriteSkip[] = plan.changes.map((change) => ({
    field: change.field,
    attribute: change.attribute,
    reason: 'budget',
    detail,
  }));
  return {
    recordId: plan.recordId,
    object: plan.object,
    updates: {},
    changes: [],
    skips: [...plan.skips, ...deferred],
    // Recording an undo costs no API call: it is not held back with the writes.
    ...(plan.undos ? { undos: plan.undos } : {}),
  };
}
