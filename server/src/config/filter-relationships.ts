import { MIRRORED_PARENTS, mirrorsParent } from '../domain/mirrored-parents';
import type { RecordObject } from '../domain/mirror-record';
import { fieldsOfFilter, type Filter } from '../pipeline/segments/filter';
import type { ObjectDescribe } from '../salesforce/schema/describe-cache';

/**
 * Why a filter's relationship paths (`Account.Name`) cannot be used on this object, or undefined when they can:
 * the object must have that relationship (describe: a lookup whose `relationshipName` it is; Lead has none named
 * Account), and the mirror must keep that parent's fields for the object (only Contact's Account today).
 */
export function relationshipPathProblem(
  object: RecordObject,
  filter: Filter,
  describe: ObjectDescribe,
): string | undefined {
  for (const field of fieldsOfFilter(filter)) {
    const dot = field.indexOf('.');
    if (dot < 0) continue;
    const relationship = field.slice(0, dot);
    const lookup = describe.fields.find(
      (f) => f.type === 'reference' && f.relationshipName?.toLowerCase() === relationship.toLowerCase(),
    );
    if (!lookup) return `${object} has no relationship ${relationship} (${field})`;
    if (!mirrorsParent(object, relationship)) {
      const where = Object.entries(MIRRORED_PARENTS)
        .filter(([, parents]) => parents.some((p) => p.toLowerCase() === relationship.toLowerCase()))
        .map(([name]) => name);
      const only = where.length > 0 ? `only ${where.join(', ')} filters may use ${relationship}.<Field>` : '';
      return `${field}: the loop does not keep ${relationship} fields for ${object}${only ? `; ${only}` : ''}`;
    }
  }
  return undefined;
}
