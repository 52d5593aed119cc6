import { randomUUID } from 'node:crypto';
import type { AvroType } from 'avro-js';
import type { StoredEvent } from '../streaming/events/stored-event';
import type { EventSchemaField } from './avro-schema-builder';
import { avroPrimitive } from './avro-schema-builder';
import type { EventSchemaRegistry, RegisteredSchema } from './event-schema-registry';
import { encodeFieldBitmap, type BitmapLayout } from './field-bitmap';
import type { ConsumerEvent } from './pubsub-proto';
import { encodeReplayId } from './replay-id';

type Json = Record<string, unknown>;

/**
 * Turns the event bus's stored events (CometD-shaped JSON) into Pub/Sub consumer events: Avro payloads with every
 * schema field present (null when absent), datetimes as epoch ms, and the header's field lists as bitmaps. Each
 * stored event is encoded once however many subscribers receive it.
 */
export class EventEncoder {
  private readonly encoded = new WeakMap<StoredEvent, ConsumerEvent | null>();

  constructor(private readonly registry: EventSchemaRegistry) {}

  /** undefined when the event cannot be written with its type's schema (a deliberately malformed injection). */
  encode(event: StoredEvent): ConsumerEvent | undefined {
    if (!this.encoded.has(event)) this.encoded.set(event, this.tryEncode(event) ?? null);
    return this.encoded.get(event) ?? undefined;
  }

  private tryEncode(event: StoredEvent): ConsumerEvent | undefined {
    const schema = this.registry.get(event.schema);
    if (!schema) return undefined;
    const record = schema.isChangeEvent
      ? changeEventRecord(event.payload, schema)
      : platformEventRecord(event.payload, schema);
    if (!record || !schema.type.isValid(record)) return undefined;
    return {
      event: {
        // Platform events are identified by their EventUuid; change events get a fresh id, as on the platform.
        id: event.eventUuid ?? randomUUID(),
        schemaId: schema.schemaId,
        payload: schema.type.toBuffer(record),
        headers: [],
      },
      replayId: encodeReplayId(event.replayId),
    };
  }
}

export function bitmapLayout(schema: RegisteredSchema): BitmapLayout {
  const components = new Map<string, string[]>();
  for (const f of schema.fields)
    if (f.kind === 'compound')
      components.set(
        f.name,
        f.components.map((c) => c.name),
      );
  return { topLevel: ['ChangeEventHeader', ...schema.fields.map((f) => f.name)], components };
}

function changeEventRecord(payload: Json, schema: RegisteredSchema): Json | undefined {
  const header = payload.ChangeEventHeader as Json | undefined;
  if (!header || typeof header !== 'object') return undefined;
  const changedFields = stringList(header.changedFields);
  const layout = bitmapLayout(schema);
  // CometD drops nulls, so a changed field with no value is one the change set to null.
  const nulledFields = header.changeType === 'UPDATE' ? changedFields.filter((f) => valueAt(payload, f) == null) : [];
  const record: Json = {
    ChangeEventHeader: {
      entityName: header.entityName,
      recordIds: stringList(header.recordIds),
      changeType: header.changeType,
      changeOrigin: header.changeOrigin ?? '',
      transactionKey: header.transactionKey ?? '',
      sequenceNumber: header.sequenceNumber,
      commitTimestamp: header.commitTimestamp,
      commitNumber: header.commitNumber,
      commitUser: header.commitUser ?? '',
      nulledFields: encodeFieldBitmap(nulledFields, layout),
      // The emulator sends large text in full, never as a diff.
      diffFields: [],
      changedFields: encodeFieldBitmap(changedFields, layout),
    },
  };
  const avroFields = schema.type.getFields();
  schema.fields.forEach((field, i) => {
    const avroField = avroFields[i + 1]!;
    record[field.name] = fieldValue(field, payload, changedFields, avroField.getType());
  });
  return record;
}

function platformEventRecord(payload: Json, schema: RegisteredSchema): Json {
  const record: Json = {};
  for (const field of schema.fields) {
    if (field.kind !== 'scalar') continue;
    const value = avroValue(avroPrimitive(field.field.type), payload[field.name]);
    if (field.name === 'CreatedDate' || field.name === 'CreatedById') record[field.name] = value;
    else record[field.name] = wrap(avroPrimitive(field.field.type), value);
  }
  return record;
}

function fieldValue(field: EventSchemaField, payload: Json, changedFields: string[], unionType: AvroType): unknown {
  if (field.kind === 'scalar')
    return wrap(avroPrimitive(field.field.type), avroValue(avroPrimitive(field.field.type), payload[field.name]));
  const nested = payload[field.name];
  const touched = changedFields.some((f) => f.startsWith(`${field.name}.`));
  if ((typeof nested !== 'object' || nested === null) && !touched) return null;
  const source = (typeof nested === 'object' && nested !== null ? nested : {}) as Json;
  const inner: Json = {};
  for (const c of field.components)
    inner[c.name] = wrap(avroPrimitive(c.field.type), avroValue(avroPrimitive(c.field.type), source[c.name]));
  // avro-js writes a union branch keyed by the record's full name.
  const recordName = unionType.getTypes()[1]!.getName()!;
  return { [recordName]: inner };
}

/** CometD JSON value → Avro value of the field's primitive type (null when absent or unreadable). */
function avroValue(primitive: ReturnType<typeof avroPrimitive>, value: unknown): unknown {
  if (value === null || value === undefined) return null;
  switch (primitive) {
    case 'long': {
      const ms = typeof value === 'number' ? value : Date.parse(String(value));
      return Number.isFinite(ms) ? Math.trunc(ms) : null;
    }
    case 'int': {
      if (typeof value === 'number') return Math.trunc(value);
      const days = Date.parse(`${String(value).slice(0, 10)}T00:00:00Z`) / 86_400_000;
      return Number.isFinite(days) ? Math.trunc(days) : null;
    }
    case 'double': {
      const n = Number(value);
      return Number.isFinite(n) ? n : null;
    }
    case 'boolean':
      return Boolean(value);
    default:
      return typeof value === 'string' ? value : JSON.stringify(value);
  }
}

function wrap(primitive: string, value: unknown): unknown {
  return value === null ? null : { [primitive]: value };
}

function valueAt(payload: Json, name: string): unknown {
  const dot = name.indexOf('.');
  if (dot < 0) return payload[name];
  const nested = payload[name.slice(0, dot)];
  return typeof nested === 'object' && nested !== null ? (nested as Json)[name.slice(dot + 1)] : undefined;
}

function stringList(value: unknown): string[] {
  return Array.isArray(value) ? value.map(String) : [];
}
