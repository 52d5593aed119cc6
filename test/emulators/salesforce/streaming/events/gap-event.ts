import { randomUUID } from 'node:crypto';
import type { ChangeEvent } from './change-event-builder';

export type GapChangeType = 'GAP_CREATE' | 'GAP_UPDATE' | 'GAP_DELETE' | 'GAP_UNDELETE' | 'GAP_OVERFLOW';

export interface GapEventRequest {
  changeType: GapChangeType;
  entityName: string;
  recordIds?: string[];
  commitUser?: string;
}

/**
 * Gap events carry the header only (no field values); an overflow event names the entity but no record ids.
 * They come from outside an API transaction, so `changeOrigin` is empty.
 */
export function buildGapEvent(request: GapEventRequest, now: number, commitNumber: number): ChangeEvent {
  const recordIds = request.changeType === 'GAP_OVERFLOW' ? [] : (request.recordIds ?? []);
  return {
    entityName: request.entityName,
    payload: {
      ChangeEventHeader: {
        commitNumber,
        commitUser: request.commitUser ?? '',
        sequenceNumber: 1,
        entityName: request.entityName,
        changeType: request.changeType,
        changedFields: [],
        changeOrigin: '',
        transactionKey: randomUUID(),
        commitTimestamp: now,
        recordIds,
      },
    },
  };
}
