import type { FieldDef, FieldType, ObjectDef, ObjectKind } from '../org-contract';

/** FieldDef plus what describe and validation need beyond the contract. */
export interface FieldSpec extends FieldDef {
  precision?: number;
  scale?: number;
  /** Required on create (not nillable and not defaulted). */
  required?: boolean;
  nameField?: boolean;
  /** An auto-number field's display format (`RUN-{0000000}`): the platform fills it on insert. */
  autoNumberFormat?: string;
  defaultValue?: unknown;
  defaultedOnCreate?: boolean;
  /** System-maintained field (Id, CreatedDate, …). */
  system?: boolean;
  /** Master-detail reference: required, and changed only when `reparentable`. */
  masterDetail?: boolean;
  reparentable?: boolean;
  /** The child relationship name this reference gives its parent (`Audience_Members__r`, `Contacts`). */
  childRelationshipName?: string;
}

export interface ObjectSpec extends ObjectDef {
  fields: FieldSpec[];
  getField(name: string): FieldSpec | undefined;
  /** Child relationships pointing at this object: relationship name → child object + field. */
  childRelationships: { childSObject: string; field: string; relationshipName: string | null }[];
}

type Opts = Partial<FieldSpec>;

export function field(name: string, type: FieldType, label: string, opts: Opts = {}): FieldSpec {
  const readOnly = type === 'id' || type === 'address' || type === 'location';
  return {
    name,
    label,
    type,
    length: opts.length ?? defaultLength(type),
    createable: !readOnly,
    updateable: !readOnly,
    nillable: type !== 'boolean' && type !== 'id' && !opts.required,
    calculated: false,
    externalId: false,
    unique: false,
    restrictedPicklist: false,
    picklistValues: [],
    referenceTo: [],
    ...opts,
  };
}

function defaultLength(type: FieldType): number {
  switch (type) {
    case 'id':
    case 'reference':
      return 18;
    case 'string':
    case 'url':
      return 255;
    case 'email':
    case 'picklist':
      return type === 'email' ? 80 : 255;
    case 'phone':
      return 40;
    case 'textarea':
      return 32000;
    case 'multipicklist':
      return 4099;
    default:
      return 0;
  }
}

export const str = (name: string, label: string, length = 255, opts: Opts = {}): FieldSpec =>
  field(name, 'string', label, { length, ...opts });

export const pick = (name: string, label: string, values: string[], opts: Opts = {}): FieldSpec =>
  field(name, 'picklist', label, {
    picklistValues: values.map((v) => ({
      value: v,
      label: v,
      active: true,
      defaultValue: v === opts.defaultValue,
    })),
    ...opts,
  });

export const ref = (name: string, label: string, to: string[], relationshipName: string, opts: Opts = {}): FieldSpec =>
  field(name, 'reference', label, { referenceTo: to, relationshipName, ...opts });

const sys = (name: string, type: FieldType, label: string, opts: Opts = {}): FieldSpec =>
  field(name, type, label, { createable: false, updateable: false, system: true, ...opts });

/** Id, IsDeleted and the audit fields every stored object has. */
export function systemFields(withOwner: boolean): FieldSpec[] {
  const out = [
    sys('Id', 'id', 'Record ID', { nillable: false }),
    sys('IsDeleted', 'boolean', 'Deleted', { nillable: false }),
    sys('CreatedDate', 'datetime', 'Created Date', { nillable: false }),
    sys('CreatedById', 'reference', 'Created By ID', {
      nillable: false,
      referenceTo: ['User'],
      relationshipName: 'CreatedBy',
    }),
    sys('LastModifiedDate', 'datetime', 'Last Modified Date', { nillable: false }),
    sys('LastModifiedById', 'reference', 'Last Modified By ID', {
      nillable: false,
      referenceTo: ['User'],
      relationshipName: 'LastModifiedBy',
    }),
    sys('SystemModstamp', 'datetime', 'System Modstamp', { nillable: false }),
  ];
  if (withOwner) {
    out.push(ref('OwnerId', 'Owner ID', ['User'], 'Owner', { nillable: false, defaultedOnCreate: true }));
  }
  return out;
}

/** Street/City/State/PostalCode/Country/Latitude/Longitude plus the compound address field. */
export function addressFields(prefix: string, label: string): FieldSpec[] {
  const compound = `${prefix}Address`;
  const c = { compoundFieldName: compound };
  return [
    field(`${prefix}Street`, 'textarea', `${label} Street`.trim(), { length: 255, ...c }),
    str(`${prefix}City`, `${label} City`.trim(), 40, c),
    str(`${prefix}State`, `${label} State/Province`.trim(), 80, c),
    str(`${prefix}PostalCode`, `${label} Zip/Postal Code`.trim(), 20, c),
    str(`${prefix}Country`, `${label} Country`.trim(), 80, c),
    field(`${prefix}Latitude`, 'double', `${label} Latitude`.trim(), { precision: 18, scale: 15, ...c }),
    field(`${prefix}Longitude`, 'double', `${label} Longitude`.trim(), { precision: 18, scale: 15, ...c }),
    field(compound, 'address', `${label} Address`.trim()),
  ];
}

/** FirstName/LastName/Salutation plus the compound, calculated Name. */
export function personNameFields(lastRequired = true): FieldSpec[] {
  const c = { compoundFieldName: 'Name' };
  return [
    str('LastName', 'Last Name', 80, { ...c, required: lastRequired, nillable: !lastRequired }),
    str('FirstName', 'First Name', 40, c),
    pick('Salutation', 'Salutation', ['Mr.', 'Ms.', 'Mrs.', 'Dr.', 'Prof.'], c),
    str('Name', 'Full Name', 121, {
      createable: false,
      updateable: false,
      calculated: true,
      nillable: false,
      nameField: true,
      compoundFieldName: undefined,
    }),
  ];
}

export function makeObject(
  name: string,
  label: string,
  labelPlural: string,
  keyPrefix: string,
  kind: ObjectKind,
  fields: FieldSpec[],
): ObjectSpec {
  const byName = new Map<string, FieldSpec>();
  for (const f of fields) byName.set(f.name.toLowerCase(), f);
  return {
    name,
    label,
    labelPlural,
    keyPrefix,
    kind,
    fields,
    childRelationships: [],
    getField(n: string) {
      return byName.get(n.toLowerCase());
    },
  };
}

/** Adds a field to an object, replacing one of the same name. */
export function addField(obj: ObjectSpec, f: FieldSpec): void {
  const i = obj.fields.findIndex((x) => x.name.toLowerCase() === f.name.toLowerCase());
  if (i >= 0) obj.fields[i] = f;
  else obj.fields.push(f);
  const get = new Map(obj.fields.map((x) => [x.name.toLowerCase(), x]));
  obj.getField = (n: string) => get.get(n.toLowerCase());
}
