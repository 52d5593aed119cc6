/** How a describe type is compared and coerced: the planner never reasons about raw describe types elsewhere. */
export type FieldTypeKind = 'number' | 'boolean' | 'date' | 'datetime' | 'multipicklist' | 'exact' | 'text';

const KIND_BY_TYPE: Record<string, FieldTypeKind> = {
  double: 'number',
  int: 'number',
  long: 'number',
  currency: 'number',
  percent: 'number',
  boolean: 'boolean',
  date: 'date',
  datetime: 'datetime',
  multipicklist: 'multipicklist',
  // Case matters in an email's local part and a URL's path, so these compare exactly.
  email: 'exact',
  url: 'exact',
};

export function fieldTypeKind(type: string): FieldTypeKind {
  return KIND_BY_TYPE[type.toLowerCase()] ?? 'text';
}

/** Types whose `length` from describe limits the value we may send. */
export function hasTextLength(type: string): boolean {
  const kind = fieldTypeKind(type);
  return kind === 'text' || kind === 'exact' || kind === 'multipicklist';
}
