import { randomUUID } from 'node:crypto';
import type { ChangeEvent } from './change-event-builder';

export type GapChangeType = 'GAP_CREATE' | 'GAP_UPDATE' | 'GAP_DELETE' | 'GAP_UNDELETE' | 'GAP_OVERFLOW';

/** A change the org makes outside any API transaction, e.g. the `001*` update after a field-type conversion. */
export type OrgChangeType = 'CREATE' | 'UPDATE' | 'DELETE' | 'UNDELETE';

export interface GapEventRequest {
  changeType: GapChangeType | OrgChangeType;
  entityName: string;
  recordIds?: string[];
  commitUser?: string;
  /** Non-gap events only: the header's changedFields (flat API names). */
  changedFields?: string[];
  /** Non-gap events only: flat body values (an UPDATE's changed field missing here arrives as null). */
  fields?: Record<string, string | number | boolean | null>;
}

/**
 * Gap events carry the header only (no field values); an overflow event names the entity but no record ids.
 * They come from outside an API transaction, so `changeOrigin` is empty. The same holds for the other change types
 * when injected: the record ids are taken as given (Salesforce sends `<keyPrefix>*` after a field-type conversion),
 * with the fields and values the request names.
 */
export function buildGapEvent(request: GapEventRequest, now: number, commitNumber: number): ChangeEvent {
  const gap = request.changeType.startsWith('GAP_');
  const recordIds = request.changeType === 'GAP_OVERFLOW' ? [] : (request.recordIds ?? []);
  const changedFields = !gap && request.changeType === 'UPDATE' ? (request.changedFields ?? []) : [];
  const body = gap || request.changeType === 'DELETE' ? {} : (request.fields ?? {});
  return {
    entityName: request.entityName,
    payload: {
      ChangeEventHeader: {
        commitNumber,
        commitUser: request.commitUser ?? '',
        sequenceNumber: 1,
        entityName: request.entityName,
        changeType: request.changeType,
        changedFields,
        changeOrigin: '',
        transactionKey: randomUUID(),
        commitTimestamp: now,
        recordIds,
      },
      ...body,
    },
  };
}
