import { z } from 'zod';

/**
 * How the server sees one Salesforce field: its kind (what JSON value REST gives for it), whether the server
 * writes it, and for picklists the API names it may hold. The zod schemas the server parses records with are
 * derived from these specs, and the contract test holds them to `force-app`, so the two cannot drift apart.
 */
export type FieldKind =
  | 'id'
  | 'text'
  | 'long_text'
  | 'picklist'
  | 'checkbox'
  | 'number'
  | 'percent'
  | 'currency'
  | 'date'
  | 'datetime'
  | 'url'
  | 'lookup';

export interface FieldSpec {
  kind: FieldKind;
  /** Picklist API names, exactly as the server produces or accepts them. */
  values?: readonly string[];
  /** The server writes this field (the contract test checks it exists and is writable). */
  writes?: boolean;
  /** The server cannot work without a value (zod rejects the record otherwise). */
  required?: boolean;
  /** Lookup target object. */
  referenceTo?: string;
  /** Longest value the server will write (checked against the field's length). */
  maxLength?: number;
}

export type ObjectSpec = Record<string, FieldSpec>;

export const SALESFORCE_ID = z
  .string()
  .regex(/^[a-zA-Z0-9]{15}(?:[a-zA-Z0-9]{3})?$/, 'must be a 15- or 18-character Salesforce id');

function zodFor(spec: FieldSpec): z.ZodType {
  switch (spec.kind) {
    case 'id':
    case 'lookup':
      return SALESFORCE_ID;
    case 'picklist':
      return spec.values && spec.values.length > 0 ? z.enum(spec.values as [string, ...string[]]) : z.string();
    case 'checkbox':
      return z.boolean();
    case 'number':
    case 'percent':
    case 'currency':
      return z.number();
    case 'date':
      return z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date YYYY-MM-DD');
    case 'datetime':
      return z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}/, 'must be an ISO date-time');
    default:
      return spec.maxLength ? z.string().max(spec.maxLength) : z.string();
  }
}

/**
 * A zod object for records of one object as REST returns them: every field of the spec, null allowed unless the
 * spec requires a value (checkboxes are never null in Salesforce). Unknown keys (attributes, extra fields) pass.
 */
export function recordSchema<S extends ObjectSpec>(spec: S) {
  const shape: Record<string, z.ZodType> = { Id: SALESFORCE_ID };
  for (const [name, field] of Object.entries(spec)) {
    const base = zodFor(field);
    shape[name] = field.required || field.kind === 'checkbox' ? base : base.nullish();
  }
  return z.looseObject(shape);
}
