/** One event in the org's event bus, as retained for replay. */
export interface StoredEvent {
  /** Opaque, increasing, non-contiguous (Salesforce never promises contiguity). */
  replayId: number;
  /** Every channel the event is delivered on (`/data/ChangeEvents`, `/data/ContactChangeEvent`, `/event/X__e`…). */
  channels: string[];
  /** Org-clock ms when the bus received it; retention counts from here. */
  receivedAt: number;
  schema: string;
  payload: Record<string, unknown>;
  /** Platform events only: delivered inside `data.event` next to `replayId`. */
  eventUuid?: string;
}

/** A Bayeux data message as it goes out in a `/meta/connect` reply. */
export interface DeliveredMessage {
  channel: string;
  data: {
    schema: string;
    payload: Record<string, unknown>;
    event: { replayId: number; EventUuid?: string };
  };
}

export function toDeliveredMessage(event: StoredEvent, channel: string): DeliveredMessage {
  // Salesforce's sample puts EventUuid before replayId; key order is cosmetic but kept.
  const meta = event.eventUuid
    ? { EventUuid: event.eventUuid, replayId: event.replayId }
    : { replayId: event.replayId };
  return { channel, data: { schema: event.schema, payload: event.payload, event: meta } };
}
