/**
 * Holds the server's view of Salesforce (the field specs its zod schemas come from) to the metadata in
 * force-app: every field the server reads or writes exists with a compatible type, picklists hold exactly the
 * server's values, every custom field force-app defines on our objects is known to the server, and the
 * integration user's permission set lets it edit every field the server writes.
 */
import type { ForceAppField, ForceAppModel, ForceAppObject } from '@audience-loop/force-app-model';
import {
  ACTIVITY_FIELDS,
  CONFIG_OBJECTS,
  PLATFORM_EVENTS,
  RECORD_FIELDS,
  RESULT_OBJECTS,
  type FieldKind,
  type FieldSpec,
  type ObjectSpec,
} from '../../server/src/domain/records';

/** Metadata field types that can hold what the server reads or writes for each kind. */
const COMPATIBLE_TYPES: Record<FieldKind, readonly string[]> = {
  id: ['Id'],
  text: ['Text', 'Email', 'Phone'],
  long_text: ['LongTextArea', 'TextArea'],
  picklist: ['Picklist'],
  checkbox: ['Checkbox'],
  number: ['Number'],
  percent: ['Percent'],
  currency: ['Currency'],
  date: ['Date'],
  datetime: ['DateTime'],
  url: ['Url'],
  lookup: ['Lookup', 'MasterDetail'],
};

/** Types the server can never write to: Salesforce computes them. */
const COMPUTED_TYPES = new Set(['Summary', 'AutoNumber']);

/** Fields every object has without force-app declaring them. */
const IMPLICIT_FIELDS = new Set(['Id', 'Name']);

export interface ContractSpecs {
  objects: Record<string, ObjectSpec>;
  /** Standard objects whose custom fields are all listed (force-app may not add fields the server ignores). */
  standardObjects: Record<string, ObjectSpec>;
  integrationPermissionSet: string;
}

export const SERVER_SPECS: ContractSpecs = {
  objects: { ...CONFIG_OBJECTS, ...RESULT_OBJECTS, ...PLATFORM_EVENTS },
  standardObjects: { ...RECORD_FIELDS, Activity: ACTIVITY_FIELDS },
  integrationPermissionSet: 'Audience_Integration',
};

function checkField(objectName: string, name: string, spec: FieldSpec, field: ForceAppField | undefined): string[] {
  const where = `${objectName}.${name}`;
  if (!field) return [`${where}: the server uses it but force-app does not define it`];
  const problems: string[] = [];
  if (!COMPATIBLE_TYPES[spec.kind].includes(field.type)) {
    problems.push(`${where}: force-app type ${field.type} cannot hold the server's ${spec.kind}`);
  }
  if (spec.kind === 'picklist' && spec.values) {
    const defined = (field.picklist?.values ?? []).map((v) => v.fullName);
    if (!field.picklist?.restricted) problems.push(`${where}: picklist must be restricted`);
    if (JSON.stringify([...defined].sort()) !== JSON.stringify([...spec.values].sort())) {
      problems.push(
        `${where}: picklist values ${JSON.stringify(defined)} differ from the server's ${JSON.stringify(spec.values)}`,
      );
    }
  }
  if (spec.kind === 'lookup' && spec.referenceTo && field.referenceTo !== spec.referenceTo) {
    problems.push(`${where}: refers to ${field.referenceTo ?? 'nothing'}, the server expects ${spec.referenceTo}`);
  }
  if (spec.maxLength !== undefined && field.length !== undefined && field.length < spec.maxLength) {
    problems.push(`${where}: length ${field.length} is shorter than the ${spec.maxLength} the server writes`);
  }
  if (spec.writes && COMPUTED_TYPES.has(field.type)) problems.push(`${where}: the server writes it but it is computed`);
  return problems;
}

function checkObject(
  objectName: string,
  spec: ObjectSpec,
  object: ForceAppObject | undefined,
  allFieldsKnown: boolean,
): string[] {
  if (!object) return [`${objectName}: the server uses this object but force-app does not define it`];
  const byName = new Map(object.fields.map((f) => [f.fullName, f]));
  const problems: string[] = [];
  for (const [name, fieldSpec] of Object.entries(spec)) {
    if (IMPLICIT_FIELDS.has(name)) continue;
    problems.push(...checkField(objectName, name, fieldSpec, byName.get(name)));
  }
  if (allFieldsKnown) {
    for (const field of object.fields) {
      if (!(field.fullName in spec)) {
        problems.push(`${objectName}.${field.fullName}: defined in force-app but unknown to the server's schemas`);
      }
    }
  }
  return problems;
}

function checkIntegrationPermissions(model: ForceAppModel, specs: ContractSpecs): string[] {
  const permissionSet = model.permissionSets.find((p) => p.name === specs.integrationPermissionSet);
  if (!permissionSet) return [`${specs.integrationPermissionSet}: permission set missing from force-app`];
  const editable = new Set(permissionSet.fieldPermissions.filter((f) => f.editable).map((f) => f.field));
  const problems: string[] = [];
  const all = { ...specs.objects, ...specs.standardObjects };
  for (const [objectName, spec] of Object.entries(all)) {
    const object = model.objects.find((o) => o.name === objectName);
    if (!object || object.kind === 'platformEvent') continue;
    for (const [name, fieldSpec] of Object.entries(spec)) {
      if (!fieldSpec.writes) continue;
      const field = object.fields.find((f) => f.fullName === name);
      // Required and master-detail fields are always editable and cannot appear in fieldPermissions.
      if (!field || field.required || field.type === 'MasterDetail') continue;
      if (!editable.has(`${objectName}.${name}`)) {
        problems.push(
          `${objectName}.${name}: the server writes it but ${specs.integrationPermissionSet} cannot edit it`,
        );
      }
    }
  }
  return problems;
}

/** Every disagreement between the server's specs and force-app, as readable lines; empty when they agree. */
export function checkContract(model: ForceAppModel, specs: ContractSpecs = SERVER_SPECS): string[] {
  const find = (name: string) => model.objects.find((o) => o.name === name);
  const problems: string[] = [];
  for (const [name, spec] of Object.entries(specs.objects)) problems.push(...checkObject(name, spec, find(name), true));
  for (const [name, spec] of Object.entries(specs.standardObjects)) {
    problems.push(...checkObject(name, spec, find(name), true));
  }
  problems.push(...checkIntegrationPermissions(model, specs));
  return problems;
}
