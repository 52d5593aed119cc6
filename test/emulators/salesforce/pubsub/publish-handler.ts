import { randomUUID } from 'node:crypto';
import type { EmulatorContext } from '../org-contract';
import type { StreamingEngine } from '../streaming/streaming-engine';
import type { EventSchemaField } from './avro-schema-builder';
import type { EventSchemaRegistry } from './event-schema-registry';
import type { PublishRequest, PublishResponse, PublishResult } from './pubsub-proto';
import { encodeReplayId } from './replay-id';
import { isPlatformEventTopic, topicSchema } from './topic-schema';

// The platform stamps these itself; a publisher's values are ignored.
const SYSTEM_FIELDS = new Set(['CreatedDate', 'CreatedById']);

/**
 * Publish / PublishStream: each event is decoded with its schema and published through the org like a REST
 * `POST /sobjects/X__e`, so it lands in the same event log and reaches CometD and Pub/Sub subscribers alike.
 * Failures are per event (`PublishResult.error`), as on the platform; the call itself succeeds.
 */
export function publish(
  request: PublishRequest,
  userId: string,
  ctx: EmulatorContext,
  engine: StreamingEngine,
  registry: EventSchemaRegistry,
): PublishResponse {
  const topic = request.topicName;
  const schema = isPlatformEventTopic(topic) ? topicSchema(topic, engine, registry) : undefined;
  const results = request.events.map((event): PublishResult => {
    const correlationKey = event.id || randomUUID();
    if (!schema) return failure(correlationKey, `Publishing to ${topic} is not allowed.`);
    if (event.schemaId !== schema.schemaId) return failure(correlationKey, `Unknown schema id ${event.schemaId}.`);
    let fields: Record<string, unknown>;
    try {
      fields = decodeFields(schema.type.fromBuffer(event.payload) as Record<string, unknown>, schema.fields);
    } catch (err) {
      return failure(correlationKey, `The event payload is not valid Avro: ${(err as Error).message}`);
    }
    let replayId: number | undefined;
    const detach = engine.bus.onAppend((stored) => {
      replayId ??= stored.replayId;
    });
    try {
      ctx.publishPlatformEvent(schema.eventName, fields, userId);
    } catch (err) {
      return failure(correlationKey, (err as Error).message);
    } finally {
      detach();
    }
    return { replayId: encodeReplayId(replayId ?? 0), correlationKey };
  });
  return { results, schemaId: schema?.schemaId ?? '', rpcId: randomUUID() };
}

/** Avro record → REST-style field values (unions unwrapped, epoch values back to ISO dates). */
function decodeFields(record: Record<string, unknown>, schemaFields: EventSchemaField[]): Record<string, unknown> {
  const fields: Record<string, unknown> = {};
  for (const f of schemaFields) {
    if (SYSTEM_FIELDS.has(f.name) || f.kind !== 'scalar') continue;
    let value = record[f.name];
    if (value && typeof value === 'object') value = Object.values(value)[0];
    if (value === undefined || value === null) continue;
    if (f.field.type === 'datetime' && typeof value === 'number') value = new Date(value).toISOString();
    if (f.field.type === 'date' && typeof value === 'number')
      value = new Date(value * 86_400_000).toISOString().slice(0, 10);
    fields[f.name] = value;
  }
  return fields;
}

function failure(correlationKey: string, msg: string): PublishResult {
  return { replayId: Buffer.alloc(0), correlationKey, error: { code: 'PUBLISH', msg } };
}
