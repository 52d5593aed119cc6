/**
 * A change event as the Pub/Sub API delivers it (decoded by `salesforce-pubsub-api-client`), reshaped into the
 * message CometD would have delivered, so that one parser (`parseChangeEvent`) makes the same `RecordChangeEvent`
 * of either. The differences handled here:
 * - every schema field is present, unchanged ones null: CometD leaves nulls out, and for UPDATE only the fields in
 *   `changedFields` count (a changed field set to null is listed in `nulledFields` and becomes an explicit null);
 * - datetimes are epoch-ms longs (a BigInt beyond 2^53) and dates days since the epoch: CometD sends ISO strings;
 * - compound fields (Name, addresses) are nested records: kept nested, as CometD nests them;
 * - the replay id was 8 bytes big-endian on the wire (the client decodes it to a number).
 */

/** Field types that CometD writes as strings and Avro as numbers. */
export type TemporalKind = 'datetime' | 'date';

/** Per object: which top-level fields are datetimes or dates (from describe). */
export type TemporalFields = ReadonlyMap<string, TemporalKind>;

/** What `salesforce-pubsub-api-client` hands to a subscribe callback for one event. */
export interface PubSubEvent {
  id?: string;
  schemaId?: string;
  replayId: number;
  payload: Record<string, unknown>;
}

const DAY_MS = 86_400_000;

type Json = Record<string, unknown>;

export function isRecord(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !Buffer.isBuffer(value);
}

/** A long as a plain number (a BigInt beyond 2^53 as its decimal string: only diagnostics carry such values). */
function plainNumber(value: unknown): unknown {
  if (typeof value !== 'bigint') return value;
  return value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER)
    ? Number(value)
    : value.toString();
}

/** A decoded Avro value as CometD writes it: longs as numbers, datetimes and dates as ISO strings. */
export function scalar(value: unknown, kind: TemporalKind | undefined): unknown {
  const plain = plainNumber(value);
  if (typeof plain !== 'number' || kind === undefined) return plain;
  const ms = kind === 'date' ? plain * DAY_MS : plain;
  const iso = new Date(ms).toISOString();
  return kind === 'date' ? iso.slice(0, 10) : iso;
}

function stringList(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

/** The entity of a delivered event (to look its temporal fields up before reshaping). */
export function pubSubEntityName(event: PubSubEvent): string | undefined {
  const header = event.payload?.ChangeEventHeader;
  return isRecord(header) && typeof header.entityName === 'string' ? header.entityName : undefined;
}

/** The CometD message `data` of a Pub/Sub change event (anything unreadable is left for the parser to reject). */
export function cometdShapedChangeEvent(event: PubSubEvent, temporal: TemporalFields): unknown {
  const payload = isRecord(event.payload) ? event.payload : {};
  const header = payload.ChangeEventHeader;
  const eventPart = { replayId: event.replayId, ...(event.id ? { EventUuid: event.id } : {}) };
  if (!isRecord(header)) return { schema: event.schemaId, payload, event: eventPart };

  const changedFields = stringList(header.changedFields);
  const nulledFields = stringList(header.nulledFields);
  const isUpdate = header.changeType === 'UPDATE';
  const changed = new Set(changedFields);
  const touched = (name: string): boolean => !isUpdate || changed.has(name);

  const body: Json = {};
  for (const [name, value] of Object.entries(payload)) {
    if (name === 'ChangeEventHeader' || value === null || value === undefined) continue;
    if (isRecord(value)) {
      // A compound: its non-null components (for UPDATE, when the compound or one of its components changed).
      const compoundTouched = touched(name) || changedFields.some((f) => f.startsWith(`${name}.`));
      if (!compoundTouched) continue;
      const inner: Json = {};
      for (const [component, componentValue] of Object.entries(value)) {
        if (componentValue !== null && componentValue !== undefined)
          inner[component] = scalar(componentValue, undefined);
      }
      if (Object.keys(inner).length > 0) body[name] = inner;
      continue;
    }
    if (touched(name)) body[name] = scalar(value, temporal.get(name));
  }
  if (isUpdate) {
    for (const name of nulledFields) {
      const dot = name.indexOf('.');
      if (dot < 0) body[name] = null;
      else {
        const compound = name.slice(0, dot);
        const inner = isRecord(body[compound]) ? (body[compound] as Json) : {};
        inner[name.slice(dot + 1)] = null;
        body[compound] = inner;
      }
    }
  }

  return {
    schema: event.schemaId,
    payload: {
      ChangeEventHeader: {
        ...header,
        commitTimestamp: plainNumber(header.commitTimestamp),
        commitNumber: plainNumber(header.commitNumber),
        sequenceNumber: plainNumber(header.sequenceNumber),
        changedFields,
        nulledFields,
        diffFields: stringList(header.diffFields),
      },
      ...body,
    },
    event: eventPart,
  };
}

/** A stand-in message for an event the client could not decode: the parser rejects it as malformed, by replay id. */
export function undecodableEvent(replayId: number, reason: string): unknown {
  return { payload: null, event: { replayId }, undecodable: reason };
}
