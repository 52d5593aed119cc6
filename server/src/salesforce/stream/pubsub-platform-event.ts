/**
 * A platform event (`/event/X__e`) as the Pub/Sub API delivers it, reshaped into the message CometD delivers, so
 * the command parsers read either the same way: nulls left out, `CreatedDate` (an epoch-ms long in Avro) and any
 * other datetime or date as an ISO string, the event's id as `event.EventUuid` and its replay id beside it.
 */
import { isRecord, scalar, type PubSubEvent, type TemporalFields } from './pubsub-change-event';

/** `/event/Audience_Command__e` → `Audience_Command__e`; undefined for change event channels. */
export function platformEventName(channel: string): string | undefined {
  return /^\/event\/(.+__e)$/.exec(channel)?.[1];
}

/** The CometD message `data` of a Pub/Sub platform event (anything unreadable is left for the parser to reject). */
export function cometdShapedPlatformEvent(event: PubSubEvent, temporal: TemporalFields): unknown {
  const payload: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(isRecord(event.payload) ? event.payload : {})) {
    if (value === null || value === undefined) continue;
    // Every platform event has CreatedDate, a datetime whatever describe says.
    payload[name] = scalar(value, name === 'CreatedDate' ? 'datetime' : temporal.get(name));
  }
  return {
    schema: event.schemaId,
    payload,
    event: { replayId: event.replayId, ...(event.id ? { EventUuid: event.id } : {}) },
  };
}
