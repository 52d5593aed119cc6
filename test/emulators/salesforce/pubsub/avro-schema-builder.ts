import type { FieldDef, FieldType, ObjectDef } from '../org-contract';
import { componentPath } from '../streaming/events/compound-fields';

export const AVRO_NAMESPACE = 'com.sforce.eventbus';

/** A top-level field of an event schema: a scalar, or a compound (Name, addresses) with its components in order. */
export type EventSchemaField =
  | { name: string; kind: 'scalar'; field: FieldDef }
  | { name: string; kind: 'compound'; components: { name: string; field: FieldDef }[] };

export interface EventSchema {
  /** `ContactChangeEvent`, `Audience_Command__e`. */
  eventName: string;
  /** Avro schema (JSON) as GetSchema returns it. */
  avro: Record<string, unknown>;
  /** Body fields in schema order; index i here is field i + 1 of a change event (0 is ChangeEventHeader). */
  fields: EventSchemaField[];
  isChangeEvent: boolean;
}

// CDC never carries these; platform events keep their system fields out of the Avro record too.
const CHANGE_EVENT_EXCLUDED = new Set(['Id', 'IsDeleted', 'SystemModstamp']);
const PLATFORM_EVENT_EXCLUDED = new Set(['ReplayId', 'EventUuid']);

const CHANGE_TYPES = [
  'CREATE',
  'UPDATE',
  'DELETE',
  'UNDELETE',
  'GAP_CREATE',
  'GAP_UPDATE',
  'GAP_DELETE',
  'GAP_UNDELETE',
  'GAP_OVERFLOW',
  'SNAPSHOT',
];

/** The header record every change event starts with (field 0), as Salesforce's change event schemas declare it. */
const CHANGE_EVENT_HEADER = {
  name: 'ChangeEventHeader',
  type: {
    type: 'record',
    name: 'ChangeEventHeader',
    namespace: AVRO_NAMESPACE,
    fields: [
      { name: 'entityName', type: 'string' },
      { name: 'recordIds', type: { type: 'array', items: 'string' } },
      {
        name: 'changeType',
        type: { type: 'enum', name: 'ChangeType', namespace: AVRO_NAMESPACE, symbols: CHANGE_TYPES },
      },
      { name: 'changeOrigin', type: 'string' },
      { name: 'transactionKey', type: 'string' },
      { name: 'sequenceNumber', type: 'int' },
      { name: 'commitTimestamp', type: 'long' },
      { name: 'commitNumber', type: 'long' },
      { name: 'commitUser', type: 'string' },
      { name: 'nulledFields', type: { type: 'array', items: 'string' } },
      { name: 'diffFields', type: { type: 'array', items: 'string' } },
      { name: 'changedFields', type: { type: 'array', items: 'string' } },
    ],
  },
  doc: 'Data:EventHeader',
};

/** Avro primitive per Salesforce field type: datetimes are epoch-ms longs, dates days since the epoch. */
export function avroPrimitive(type: FieldType): 'string' | 'boolean' | 'int' | 'long' | 'double' {
  switch (type) {
    case 'boolean':
      return 'boolean';
    case 'int':
    case 'date':
      return 'int';
    case 'datetime':
      return 'long';
    case 'double':
    case 'currency':
    case 'percent':
      return 'double';
    default:
      return 'string';
  }
}

/** Schema of `<Entity>ChangeEvent`: the header, then every captured field, compounds as nested records. */
export function buildChangeEventSchema(object: ObjectDef, eventName: string): EventSchema {
  const fields = bodyFields(object, (f) => !CHANGE_EVENT_EXCLUDED.has(f.name));
  const namedRecords = new Map<string, string>();
  const avroFields: Record<string, unknown>[] = [CHANGE_EVENT_HEADER];
  for (const field of fields) {
    if (field.kind === 'scalar') {
      avroFields.push(nullable(field.name, avroPrimitive(field.field.type), `Data:${field.field.type}`));
      continue;
    }
    // Salesforce reuses one named record for every address; a second definition of a name is an Avro error.
    const recordName = field.name === 'Name' ? 'Switchable_PersonName' : 'Address';
    const signature = field.components.map((c) => `${c.name}:${avroPrimitive(c.field.type)}`).join(',');
    const known = namedRecords.get(recordName);
    let type: unknown;
    if (known === signature) type = `${AVRO_NAMESPACE}.${recordName}`;
    else {
      const name = known === undefined ? recordName : `${field.name}_${recordName}`;
      if (known === undefined) namedRecords.set(recordName, signature);
      type = {
        type: 'record',
        name,
        namespace: AVRO_NAMESPACE,
        fields: field.components.map((c) => nullable(c.name, avroPrimitive(c.field.type), `Data:${c.field.type}`)),
      };
    }
    avroFields.push({ name: field.name, type: ['null', type], doc: 'Data:Compound', default: null });
  }
  return {
    eventName,
    isChangeEvent: true,
    fields,
    avro: { type: 'record', name: eventName, namespace: AVRO_NAMESPACE, doc: 'Change event', fields: avroFields },
  };
}

/**
 * Schema of a platform event, shaped like Salesforce's `Low_Ink__e` sample: `CreatedDate` (long) and
 * `CreatedById` (string) required, every custom field a nullable union.
 */
export function buildPlatformEventSchema(object: ObjectDef): EventSchema {
  const fields = bodyFields(object, (f) => !PLATFORM_EVENT_EXCLUDED.has(f.name));
  const avroFields = fields.flatMap((f) => {
    if (f.kind !== 'scalar') return [];
    if (f.name === 'CreatedDate') return [{ name: f.name, type: 'long', doc: 'CreatedDate:DateTime' }];
    if (f.name === 'CreatedById') return [{ name: f.name, type: 'string', doc: 'CreatedBy:EntityId' }];
    return [nullable(f.name, avroPrimitive(f.field.type), `Data:${f.field.type}`)];
  });
  return {
    eventName: object.name,
    isChangeEvent: false,
    fields: fields.filter((f) => f.kind === 'scalar'),
    avro: { type: 'record', name: object.name, namespace: AVRO_NAMESPACE, fields: avroFields },
  };
}

function nullable(name: string, type: string, doc: string): Record<string, unknown> {
  return { name, type: ['null', type], doc, default: null };
}

/**
 * Fields in describe order; a compound takes the place of its compound field (`MailingAddress`, `Name`) and
 * carries its components; other calculated fields are not captured.
 */
function bodyFields(object: ObjectDef, keep: (field: FieldDef) => boolean): EventSchemaField[] {
  const componentsOf = new Map<string, { name: string; field: FieldDef }[]>();
  for (const field of object.fields) {
    const path = componentPath(object, field.name);
    if (!path || !keep(field)) continue;
    const list = componentsOf.get(path.compound) ?? [];
    list.push({ name: path.component, field });
    componentsOf.set(path.compound, list);
  }
  const out: EventSchemaField[] = [];
  for (const field of object.fields) {
    if (!keep(field) || field.compoundFieldName) continue;
    const components = componentsOf.get(field.name);
    if (components) out.push({ name: field.name, kind: 'compound', components });
    else if (!field.calculated && field.type !== 'address' && field.type !== 'location')
      out.push({ name: field.name, kind: 'scalar', field });
  }
  return out;
}
