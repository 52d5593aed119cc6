/**
 * Who may be made a record's owner, checked wherever `OwnerId` is written (create, or an update that changes it):
 * an active user, or — for objects whose `OwnerId` also points at `Group` (Lead) — a queue that may own the object.
 * A group that is no queue of the object is refused like an id of the wrong type (`FIELD_INTEGRITY_EXCEPTION`, the
 * emulator's choice); an inactive user with `INACTIVE_OWNER_OR_USER`, as an org without the "Update Records with
 * Inactive Owners" permission answers the integration user.
 */
import { recordError, type RecordError } from '../errors';
import type { ObjectSpec } from '../schema/field-builders';
import type { Org } from './org';
import { queueOwns } from './queues';

export function ownerAssignmentError(org: Org, obj: ObjectSpec, ownerId: string): RecordError | undefined {
  const owner = org.store.find(ownerId);
  if (!owner) return undefined; // already refused as INVALID_CROSS_REFERENCE_KEY
  if (owner.obj.name === 'Group' && !queueOwns(org.store, org.catalog, owner.row, obj.name)) {
    const label = obj.getField('OwnerId')?.label ?? 'Owner ID';
    return recordError('FIELD_INTEGRITY_EXCEPTION', `${label}: id value of incorrect type: ${ownerId}`, ['OwnerId']);
  }
  if (owner.obj.name === 'User' && owner.row.IsActive === false) {
    return recordError(
      'INACTIVE_OWNER_OR_USER',
      `operation performed with inactive user [${ownerId.slice(0, 15)}] as owner of ${obj.label.toLowerCase()}`,
    );
  }
  return undefined;
}
