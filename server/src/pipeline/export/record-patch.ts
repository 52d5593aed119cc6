import type { FieldValue } from '../../domain/mirror-record';
import { LAST_ENRICHED_FIELD, PROVENANCE_FIELD } from './provenance';
import type { RecordWritePlan } from './write-plan';

/**
 * Everything a plan sends for its record: the mapped updates plus the loop's own fields. Empty when there is nothing
 * to write. The writer sends this and marks it as a pending echo; only `plan.updates` goes into the ledger.
 */
export function recordPatch(plan: RecordWritePlan): Record<string, FieldValue> {
  const patch: Record<string, FieldValue> = { ...plan.updates };
  if (Object.keys(patch).length === 0) return patch;
  if (plan.provenance !== undefined) patch[PROVENANCE_FIELD] = plan.provenance;
  if (plan.lastEnrichedAt !== undefined) patch[LAST_ENRICHED_FIELD] = plan.lastEnrichedAt;
  return patch;
}
