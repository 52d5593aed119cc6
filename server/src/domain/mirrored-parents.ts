import type { RecordObject } from './mirror-record';

/**
 * The parent relationships whose fields the mirror keeps, per object (DESIGN §5: a Contact's `Account.<Field>`).
 * A filter or provider input may reach a parent only where this lists it: anywhere else the mirror holds no value,
 * and an evaluator over the mirror would see every record's parent field as blank.
 */
export const MIRRORED_PARENTS: Readonly<Record<RecordObject, readonly string[]>> = {
  Contact: ['Account'],
  Lead: [],
  Account: [],
};

export function mirrorsParent(object: RecordObject, relationship: string): boolean {
  return MIRRORED_PARENTS[object].some((name) => name.toLowerCase() === relationship.toLowerCase());
}
