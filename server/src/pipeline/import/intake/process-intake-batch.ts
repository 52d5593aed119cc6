import type { RecordObject } from '../../../domain/mirror-record';
import { RetryableWriteError, type RecordRefresher } from '../../refresh-records';
import { MembershipNotSavedError } from '../../segments/membership/membership-service';
import type { MirrorStore } from '../mirror-store';
import { traceRecord, tracing } from '../../../lib/record-trace';

/**
 * One intake batch: the records' newest mirrored state goes through the refresher. Writes that may succeed later
 * (a lock, a 5xx, the budget, an episode not saved) go back to the intake with backoff; the rest is done. A record
 * missing from the mirror was removed meanwhile: nothing to do.
 */
export async function processIntakeBatch(
  deps: { mirror: MirrorStore; refresher: RecordRefresher },
  object: RecordObject,
  recordIds: string[],
): Promise<{ retry: string[] }> {
  const records = [...(await deps.mirror.getMany(object, recordIds)).values()];
  if (tracing)
    for (const id of recordIds) traceRecord(id, 'intake.batch', { mirrored: records.some((r) => r.id === id) });
  try {
    await deps.refresher.refresh(object, records);
    return { retry: [] };
  } catch (error) {
    if (error instanceof RetryableWriteError || error instanceof MembershipNotSavedError) {
      return { retry: error.recordIds };
    }
    throw error;
  }
}
