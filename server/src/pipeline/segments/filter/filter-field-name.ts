/**
 * Field names a filter may use: an API name on the object, or `Account.<API name>` (one parent hop, the
 * only one the mirror keeps). Checked by shape here; against describe in validate-filter-fields.
 */

import { isApiName } from '../../../salesforce/selectors/api-name';

export { isApiName };

/** The parent relationships a filter may reach through. */
export const PARENT_RELATIONSHIPS = ['Account'] as const;

export type ParentRelationship = (typeof PARENT_RELATIONSHIPS)[number];

export interface FilterFieldName {
  relationship?: ParentRelationship;
  /** The API name on the object (or on the parent when `relationship` is set). */
  name: string;
}

/** Splits `Account.Industry`; undefined when the name is not one a filter may use. */
export function parseFilterFieldName(field: string): FilterFieldName | undefined {
  const parts = field.split('.');
  if (parts.length === 1 && isApiName(field)) return { name: field };
  if (parts.length !== 2) return undefined;
  const [relationship, name] = parts as [string, string];
  const parent = PARENT_RELATIONSHIPS.find((candidate) => candidate.toLowerCase() === relationship.toLowerCase());
  if (!parent || !isApiName(name)) return undefined;
  return { relationship: parent, name };
}

/** `Account.Industry` / `Title`, with the relationship spelled canonically. */
export function formatFilterFieldName(field: FilterFieldName): string {
  return field.relationship ? `${field.relationship}.${field.name}` : field.name;
}
