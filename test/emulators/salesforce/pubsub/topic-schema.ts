import type { StreamingEngine } from '../streaming/streaming-engine';
import type { EventSchemaRegistry, RegisteredSchema } from './event-schema-registry';

/**
 * The single event type a topic carries: `/event/X__e` → `X__e`, `/data/ContactChangeEvent` → `ContactChangeEvent`.
 * Multi-entity channels (`/data/ChangeEvents`, `/data/X__chn`) carry several, so they name none.
 */
export function topicSchema(
  topic: string,
  engine: StreamingEngine,
  registry: EventSchemaRegistry,
): RegisteredSchema | undefined {
  if (!engine.catalog.exists(topic)) return undefined;
  const platformEvent = /^\/event\/(.+__e)$/.exec(topic)?.[1];
  if (platformEvent) return registry.forEventName(platformEvent);
  const data = /^\/data\/(.+)$/.exec(topic)?.[1];
  if (!data || data === 'ChangeEvents' || data.endsWith('__chn')) return undefined;
  return registry.forEventName(data);
}

export function isPlatformEventTopic(topic: string): boolean {
  return /^\/event\/.+__e$/.test(topic);
}
