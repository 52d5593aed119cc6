import { SfError } from '../errors';
import type { Org } from '../org/org';
import type { FieldSpec, ObjectSpec } from '../schema/field-builders';

/**
 * A requested field of a record: `Contact.Title`, or a path through a lookup `Contact.Account.Name`
 * (`relationship` is the lookup field, `rest` the path on the related record).
 */
export type FieldPath =
  { kind: 'field'; field: FieldSpec } | { kind: 'relationship'; lookup: FieldSpec; rest: string[] };

/**
 * Parses one `Object.Field[.Field…]` name for a record of `obj`, as seen by `userId`. Field-level security
 * hides fields: an unreadable field is reported like a missing one. Returns undefined when the name does not
 * resolve (the caller decides: `fields` fails, `optionalFields` skips).
 */
export function resolvePath(org: Org, obj: ObjectSpec, names: string[], userId: string): FieldPath | undefined {
  const [head, ...rest] = names;
  if (!head) return undefined;
  if (rest.length === 0) {
    const field = obj.getField(head);
    return field && org.fls.get(userId, obj.name, field.name).readable ? { kind: 'field', field } : undefined;
  }
  const lookup = obj.fields.find(
    (f) => f.type === 'reference' && f.relationshipName?.toLowerCase() === head.toLowerCase(),
  );
  if (!lookup || !org.fls.get(userId, obj.name, lookup.name).readable) return undefined;
  return { kind: 'relationship', lookup, rest };
}

/** Splits `fields=Contact.Name,Contact.Title` into per-field name paths, keeping only those of `objectName`. */
export function qualifiedNames(list: string | undefined, objectName: string): { names: string[]; foreign: string[] } {
  const names: string[] = [];
  const foreign: string[] = [];
  for (const item of (list ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)) {
    const dot = item.indexOf('.');
    if (dot > 0 && item.slice(0, dot).toLowerCase() === objectName.toLowerCase()) names.push(item.slice(dot + 1));
    else foreign.push(item);
  }
  return { names, foreign };
}

export function invalidField(name: string, obj: ObjectSpec): SfError {
  return new SfError(
    400,
    'INVALID_FIELD',
    `No such column '${name}' on entity '${obj.name}'. If you are attempting to use a custom field, be sure to append the '__c' after the custom field name. Please reference your WSDL or the describe call for the appropriate names.`,
  );
}
