/**
 * Turns a REST record body into stored values, with the validation a real org does and its error codes.
 * Per-record problems come back as `errors` (collections report them per record); malformed JSON values throw
 * `JSON_PARSER_ERROR` for the whole request, as Salesforce's deserializer does.
 */
import { jsonParserError, recordError, type RecordError } from '../errors';
import type { FieldSpec, ObjectSpec } from '../schema/field-builders';
import { parseDate, parseDateTime } from '../org/clock';
import { normalizeId } from '../org/ids';
import { ownerAssignmentError } from '../org/owner-rules';
import type { Org } from '../org/org';
import type { Row } from '../org/store';
import { referenceFieldFor, resolveExternalIdReference } from './external-id-reference';

export interface PreparedWrite {
  values: Row;
  errors: RecordError[];
}

const EMAIL =
  /^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+$/;

const TEXT_TYPES = new Set(['string', 'textarea', 'email', 'phone', 'url', 'picklist', 'multipicklist', 'combobox']);
const NUMBER_TYPES = new Set(['int', 'double', 'currency', 'percent']);

function show(v: unknown): string {
  return typeof v === 'string' ? v : JSON.stringify(v);
}

function deserializeError(kind: string, v: unknown): never {
  const token = typeof v === 'string' ? 'VALUE_STRING' : typeof v === 'number' ? 'VALUE_NUMBER_INT' : 'START_OBJECT';
  throw jsonParserError(
    `Cannot deserialize instance of ${kind} from ${token} value ${show(v)} or request may be missing a required field at [line:1, column:1]`,
  );
}

/** Converts one JSON value for field `f`; pushes per-record errors; throws for deserializer errors. */
export function coerceValue(org: Org, f: FieldSpec, v: unknown, errors: RecordError[]): unknown {
  if (v === null || v === undefined) return null;
  if (TEXT_TYPES.has(f.type)) {
    if (typeof v === 'object') {
      errors.push(
        recordError('INVALID_TYPE_ON_FIELD_IN_RECORD', `${f.label}: value not of required type: ${show(v)}`, [f.name]),
      );
      return undefined;
    }
    const s = String(v);
    if (s === '') return null;
    if (f.length && s.length > f.length) {
      errors.push(
        recordError('STRING_TOO_LONG', `${f.label}: data value too large: ${s} (max length=${f.length})`, [f.name]),
      );
      return undefined;
    }
    if (f.type === 'email' && !EMAIL.test(s)) {
      errors.push(recordError('INVALID_EMAIL_ADDRESS', `${f.label}: invalid email address: ${s}`, [f.name]));
      return undefined;
    }
    if (f.type === 'picklist' && f.restrictedPicklist && !f.picklistValues.some((p) => p.value === s)) {
      errors.push(
        recordError(
          'INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST',
          `${f.label}: bad value for restricted picklist field: ${s}`,
          [f.name],
        ),
      );
      return undefined;
    }
    return s;
  }
  if (f.type === 'boolean') {
    if (typeof v === 'boolean') return v;
    if (typeof v === 'string' && /^(true|false)$/i.test(v)) return v.toLowerCase() === 'true';
    if (typeof v === 'object') {
      errors.push(
        recordError('INVALID_TYPE_ON_FIELD_IN_RECORD', `${f.label}: value not of required type: ${show(v)}`, [f.name]),
      );
      return undefined;
    }
    return deserializeError('boolean', v);
  }
  if (NUMBER_TYPES.has(f.type)) {
    let n: number;
    if (typeof v === 'number') n = v;
    else if (typeof v === 'string' && v.trim() !== '' && !Number.isNaN(Number(v))) n = Number(v);
    else if (typeof v === 'string') return deserializeError(f.type === 'int' ? 'int' : 'double', v);
    else {
      errors.push(
        recordError('INVALID_TYPE_ON_FIELD_IN_RECORD', `${f.label}: value not of required type: ${show(v)}`, [f.name]),
      );
      return undefined;
    }
    if (f.type === 'int' && !Number.isInteger(n)) n = Math.round(n);
    if (f.precision) {
      const intDigits = Math.trunc(Math.abs(n)).toString().length;
      if (intDigits > f.precision - (f.scale ?? 0)) {
        errors.push(
          recordError('NUMBER_OUTSIDE_VALID_RANGE', `${f.label}: value outside of valid range on numeric field: ${n}`, [
            f.name,
          ]),
        );
        return undefined;
      }
    }
    return n;
  }
  if (f.type === 'date') {
    if (typeof v !== 'string') {
      errors.push(
        recordError('INVALID_TYPE_ON_FIELD_IN_RECORD', `${f.label}: value not of required type: ${show(v)}`, [f.name]),
      );
      return undefined;
    }
    const d = parseDate(v);
    if (d === undefined) return deserializeError('date', v);
    return d;
  }
  if (f.type === 'datetime') {
    if (typeof v !== 'string') {
      errors.push(
        recordError('INVALID_TYPE_ON_FIELD_IN_RECORD', `${f.label}: value not of required type: ${show(v)}`, [f.name]),
      );
      return undefined;
    }
    const ms = parseDateTime(v);
    if (ms === undefined) return deserializeError('datetime', v);
    return ms;
  }
  if (f.type === 'reference' || f.type === 'id') {
    if (typeof v !== 'string') {
      errors.push(
        recordError('INVALID_TYPE_ON_FIELD_IN_RECORD', `${f.label}: value not of required type: ${show(v)}`, [f.name]),
      );
      return undefined;
    }
    if (v === '') return null;
    const id = normalizeId(v);
    const target = id ? org.catalog.byKeyPrefix(id.slice(0, 3)) : undefined;
    if (!id || !target) {
      errors.push(recordError('MALFORMED_ID', `${f.label}: id value of incorrect type: ${v}`, [f.name]));
      return undefined;
    }
    if (!f.referenceTo.some((r) => r.toLowerCase() === target.name.toLowerCase())) {
      // A real id of another object (a queue's 00G… as a Contact's owner): the platform's integrity check.
      errors.push(recordError('FIELD_INTEGRITY_EXCEPTION', `${f.label}: id value of incorrect type: ${v}`, [f.name]));
      return undefined;
    }
    const found = org.store.find(id);
    if (!found || found.row.IsDeleted === true) {
      errors.push(recordError('INVALID_CROSS_REFERENCE_KEY', `invalid cross reference id`, [f.name]));
      return undefined;
    }
    return id;
  }
  if (f.type === 'base64') {
    if (typeof v !== 'string' || !/^[A-Za-z0-9+/\s]*={0,2}\s*$/.test(v)) {
      errors.push(
        recordError('INVALID_TYPE_ON_FIELD_IN_RECORD', `${f.label}: value not of required type: ${show(v)}`, [f.name]),
      );
      return undefined;
    }
    return v.replace(/\s+/g, '');
  }
  // address/location and anything else: not writable this way
  errors.push(
    recordError(
      'INVALID_FIELD_FOR_INSERT_UPDATE',
      `Unable to create/update fields: ${f.name}. Please check the security settings of this field and verify that it is read/write for your profile or permission set.`,
      [f.name],
    ),
  );
  return undefined;
}

/** `"Parent__r": {"Ext__c": "…"}`: sets the lookup `Parent__c` to the record with that external id. */
function writeReference(
  org: Org,
  obj: ObjectSpec,
  lookup: FieldSpec,
  relationship: string,
  body: Record<string, unknown>,
  mode: 'create' | 'update',
  userId: string | undefined,
  existing: Row | undefined,
  out: { values: Row; errors: RecordError[]; notWritable: string[] },
): void {
  const idToo = Object.entries(body).some(([k, v]) => k.toLowerCase() === lookup.name.toLowerCase() && v != null);
  if (idToo) {
    out.errors.push(
      recordError(
        'INVALID_FIELD',
        `Cannot specify both an external ID reference ${relationship} and a salesforce id, ${lookup.name}`,
        [],
      ),
    );
    return;
  }
  const id = resolveExternalIdReference(org, lookup, relationship, body[relationship], out.errors);
  if (id === undefined) return;
  const access = org.fls.get(userId, obj.name, lookup.name);
  if (mode === 'update' && lookup.masterDetail && !lookup.reparentable && access.editable) {
    if (id !== (existing?.[lookup.name] ?? null)) out.notWritable.push(lookup.name);
    return;
  }
  const writable = mode === 'create' ? lookup.createable : lookup.updateable;
  if (!writable || !access.editable) out.notWritable.push(lookup.name);
  else out.values[lookup.name] = id;
}

/** As the platform: not nillable, createable, not defaulted (booleans always have a value), not system-set. */
function isRequiredOnCreate(f: FieldSpec): boolean {
  if (f.system || f.calculated || !f.createable || f.type === 'boolean') return false;
  if (f.defaultValue !== undefined || f.defaultedOnCreate) return false;
  return f.required === true || !f.nillable;
}

interface ObjectRules {
  defaults: FieldSpec[];
  required: FieldSpec[];
}
const RULES = new WeakMap<ObjectSpec, ObjectRules>();

/** Fields with create defaults and fields required on save, computed once per object. */
function rulesOf(obj: ObjectSpec): ObjectRules {
  let r = RULES.get(obj);
  if (!r) {
    r = {
      defaults: obj.fields.filter((f) => !f.system && !f.calculated && f.defaultValue !== undefined),
      required: obj.fields.filter(isRequiredOnCreate),
    };
    RULES.set(obj, r);
  }
  return r;
}

/**
 * Validates a body for create or update. `Id`/`id` and `attributes` are ignored here (the caller reads them).
 * On create, picklist/boolean defaults are applied and required fields checked.
 */
export function prepareWrite(
  org: Org,
  obj: ObjectSpec,
  body: Record<string, unknown>,
  mode: 'create' | 'update',
  userId: string | undefined,
  existing?: Row,
): PreparedWrite {
  const errors: RecordError[] = [];
  const values: Row = {};
  const notWritable: string[] = [];
  for (const [key, raw] of Object.entries(body)) {
    if (key === 'attributes') continue;
    if (key.toLowerCase() === 'id' && mode === 'update') continue;
    const f = obj.getField(key);
    const access = f ? org.fls.get(userId, obj.name, f.name) : undefined;
    if (!f || !access!.readable) {
      const lookup = f ? undefined : referenceFieldFor(obj, key);
      if (lookup && org.fls.get(userId, obj.name, lookup.name).readable) {
        writeReference(org, obj, lookup, key, body, mode, userId, existing, { values, errors, notWritable });
        continue;
      }
      errors.push(recordError('INVALID_FIELD', `No such column '${key}' on sobject of type ${obj.name}`, [key]));
      continue;
    }
    if (f.name === 'Id' && mode === 'create') {
      errors.push(recordError('INVALID_FIELD_FOR_INSERT_UPDATE', 'cannot specify Id in an insert call', ['Id']));
      continue;
    }
    if (mode === 'update' && f.masterDetail && !f.reparentable && access!.editable) {
      // The same parent sent again is accepted (upserts resend it); another parent is refused as not updateable.
      const v = coerceValue(org, f, raw, errors);
      if (v !== undefined && v !== (existing?.[f.name] ?? null)) notWritable.push(f.name);
      continue;
    }
    const writable = mode === 'create' ? f.createable : f.updateable;
    if (!writable || !access!.editable) {
      notWritable.push(f.name);
      continue;
    }
    const v = coerceValue(org, f, raw, errors);
    if (v !== undefined) values[f.name] = v;
  }
  const ownerId = values.OwnerId;
  if (typeof ownerId === 'string' && (mode === 'create' || ownerId !== existing?.OwnerId)) {
    const ownerError = ownerAssignmentError(org, obj, ownerId);
    if (ownerError) errors.push(ownerError);
  }
  if (notWritable.length) {
    errors.unshift(
      recordError(
        'INVALID_FIELD_FOR_INSERT_UPDATE',
        `Unable to create/update fields: ${notWritable.join(', ')}. Please check the security settings of this field and verify that it is read/write for your profile or permission set.`,
        notWritable,
      ),
    );
  }
  const rules = rulesOf(obj);
  if (mode === 'create') {
    for (const f of rules.defaults) {
      if (!(f.name in values)) values[f.name] = f.defaultValue;
    }
  }
  if (errors.length === 0) {
    const missing: string[] = [];
    for (const f of rules.required) {
      const v = mode === 'create' ? values[f.name] : f.name in values ? values[f.name] : existing?.[f.name];
      if (v === undefined || v === null) missing.push(f.name);
    }
    if (missing.length) {
      errors.push(
        recordError('REQUIRED_FIELD_MISSING', `Required fields are missing: [${missing.join(', ')}]`, missing),
      );
    }
  }
  return { values, errors };
}
