/**
 * `UserRecordAccess` is not stored: a real org answers it per user and record, and only when the query names both
 * (`UserId = '…' AND RecordId = '…'` or `RecordId IN (…)`). Admins and the integration user may do everything;
 * a rep reads every record and edits, deletes and transfers the ones it owns.
 */
import { SfError } from '../errors';
import { normalizeId } from '../org/ids';
import type { Org } from '../org/org';
import type { Row } from '../org/store';

interface Condition {
  left?: { field?: string; operator?: string; value?: string | string[] };
  right?: Condition;
}

function valuesOf(where: Condition | undefined, field: string): string[] {
  const out: string[] = [];
  for (let c = where; c; c = c.right) {
    const l = c.left;
    if (!l?.field || l.field.toLowerCase() !== field.toLowerCase()) continue;
    const raw = Array.isArray(l.value) ? l.value : l.value !== undefined ? [l.value] : [];
    for (const v of raw) out.push(v.replace(/^'|'$/g, ''));
  }
  return out;
}

export function userRecordAccessRows(org: Org, where: unknown): Row[] {
  const userIds = valuesOf(where as Condition, 'UserId');
  const recordIds = valuesOf(where as Condition, 'RecordId');
  if (userIds.length !== 1 || recordIds.length === 0) {
    throw new SfError(
      400,
      'MALFORMED_QUERY',
      "Must specify UserId = '…' and RecordId in the WHERE clause of a UserRecordAccess query",
    );
  }
  const user = org.userById(normalizeId(userIds[0]) ?? '');
  const rows: Row[] = [];
  for (const raw of recordIds) {
    const id = normalizeId(raw);
    const record = id ? org.store.find(id) : undefined;
    const full = !!user && user.role !== 'rep';
    const owner = !!record && record.row.OwnerId === user?.id;
    const read = !!user && !!record;
    const edit = read && (full || owner);
    rows.push({
      Id: id ?? raw,
      UserId: user?.id ?? userIds[0],
      RecordId: id ?? raw,
      HasReadAccess: read,
      HasEditAccess: edit,
      HasDeleteAccess: edit,
      HasTransferAccess: edit,
      HasAllAccess: read && full,
      MaxAccessLevel: !read ? 'None' : full ? 'All' : owner ? 'Transfer' : 'Read',
    });
  }
  return rows;
}
