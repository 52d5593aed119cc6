import avro, { type AvroType } from 'avro-js';
import type { SchemaCatalog } from '../org-contract';
import { changeEventName } from '../streaming/events/channel-catalog';
import { schemaIdFor } from '../streaming/events/schema-id';
import { buildChangeEventSchema, buildPlatformEventSchema, type EventSchema } from './avro-schema-builder';

export interface RegisteredSchema extends EventSchema {
  /** The same id the CometD side puts in `data.schema`, so both transports name one schema per event type. */
  schemaId: string;
  type: AvroType;
  json: string;
}

/**
 * Avro schemas of the org's event types by schema id: `<Entity>ChangeEvent` for every non-event object and each
 * platform event. Built on first use and kept (the org's schema does not change while it runs).
 */
export class EventSchemaRegistry {
  private readonly byId = new Map<string, RegisteredSchema | null>();

  constructor(private readonly catalog: SchemaCatalog) {}

  get(schemaId: string): RegisteredSchema | undefined {
    if (!this.byId.has(schemaId)) this.byId.set(schemaId, this.build(schemaId) ?? null);
    return this.byId.get(schemaId) ?? undefined;
  }

  /** The schema of the event type a single-type topic carries (`/data/ContactChangeEvent`, `/event/X__e`). */
  forEventName(eventName: string): RegisteredSchema | undefined {
    return this.get(schemaIdFor(eventName));
  }

  private build(schemaId: string): RegisteredSchema | undefined {
    for (const object of this.catalog.listObjects()) {
      const eventName = object.kind === 'platformEvent' ? object.name : changeEventName(object.name);
      if (schemaIdFor(eventName) !== schemaId) continue;
      const schema =
        object.kind === 'platformEvent' ? buildPlatformEventSchema(object) : buildChangeEventSchema(object, eventName);
      return { ...schema, schemaId, type: avro.parse(schema.avro), json: JSON.stringify(schema.avro) };
    }
    return undefined;
  }
}
