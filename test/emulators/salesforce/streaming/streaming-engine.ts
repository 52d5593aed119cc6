import type { EmulatorContext, PlatformEventPublished } from '../org-contract';
import { ClientRegistry } from './bayeux/client-registry';
import { StreamingFaults } from './control/streaming-faults';
import { buildChangeEvents, type ChangeEvent } from './events/change-event-builder';
import { ChannelCatalog, changeEventName } from './events/channel-catalog';
import { EventBus } from './events/event-bus';
import { buildGapEvent, type GapEventRequest } from './events/gap-event';
import { schemaIdFor } from './events/schema-id';
import { toDeliveredMessage, type StoredEvent } from './events/stored-event';

/**
 * The streaming side of one org: the event bus fed by the core's commits and platform events, the live CometD
 * clients, and the fault switches. The CometD router and the control router share it through `engineFor`.
 */
export class StreamingEngine {
  readonly bus: EventBus;
  readonly catalog: ChannelCatalog;
  readonly clients: ClientRegistry;
  readonly faults = new StreamingFaults();
  private readonly detach: (() => void)[];
  private gapCount = 0;
  private closed = false;

  constructor(readonly ctx: EmulatorContext) {
    this.bus = new EventBus(ctx.clock, () => ctx.streaming.retentionMs);
    this.catalog = new ChannelCatalog(ctx);
    this.clients = new ClientRegistry(ctx.clock, ctx.streaming);
    this.detach = [
      ctx.events.onCommit((tx) => this.publishChangeEvents(buildChangeEvents(tx, ctx.schema))),
      ctx.events.onPlatformEvent((event) => this.publishPlatformEvent(event)),
      this.bus.onAppend((event) => this.route(event)),
    ];
  }

  isClosed(): boolean {
    return this.closed;
  }

  publishChangeEvents(events: ChangeEvent[]): StoredEvent[] {
    const stored: StoredEvent[] = [];
    for (const event of events) {
      const channels = this.catalog.changeChannelsFor(event.entityName);
      if (channels.length === 0) continue;
      const schema = schemaIdFor(changeEventName(event.entityName));
      stored.push(this.bus.append({ channels, schema, payload: event.payload }));
    }
    return stored;
  }

  publishPlatformEvent(event: PlatformEventPublished): StoredEvent {
    return this.bus.append({
      channels: [this.catalog.platformEventChannel(event.eventName)],
      schema: schemaIdFor(event.eventName),
      payload: event.payload,
      eventUuid: event.eventUuid,
    });
  }

  /**
   * Publishes an injected event (a gap or overflow, or a change the org made outside the API such as the `001*`
   * update after a field-type conversion); undefined when the entity is not selected for CDC.
   */
  injectGap(request: GapEventRequest): StoredEvent | undefined {
    this.gapCount += 1;
    const now = this.ctx.clock.now();
    return this.publishChangeEvents([buildGapEvent(request, now, now * 1000 + this.gapCount)])[0];
  }

  /**
   * Publishes `payload` exactly as given (a malformed change event, say) so subscribers' error handling can be
   * exercised through the wire. Channels: `channel` when given, else those of `payload.ChangeEventHeader.entityName`.
   */
  injectRaw(payload: Record<string, unknown>, channel?: string): StoredEvent | undefined {
    const header = payload.ChangeEventHeader as { entityName?: unknown } | undefined;
    const entity = typeof header?.entityName === 'string' ? header.entityName : undefined;
    const channels = channel ? [channel] : entity ? this.catalog.changeChannelsFor(entity) : [];
    if (channels.length === 0) return undefined;
    const schema = schemaIdFor(entity ? changeEventName(entity) : channel!);
    return this.bus.append({ channels, schema, payload });
  }

  /** Forgets every client now; each one's next (or held) connect gets `403::Unknown client`. */
  forgetAllClients(): number {
    const forgotten = this.clients.removeAll();
    for (const client of forgotten) client.release('unknownClient');
    return forgotten.length;
  }

  /** Drops `n` long polls: the ones held now first, then the next ones to be held. */
  dropLongPolls(n: number): number {
    let dropped = 0;
    for (const client of this.clients.live()) {
      if (dropped >= n) break;
      if (client.drop()) dropped += 1;
    }
    this.faults.addPendingDrops(n - dropped);
    return dropped;
  }

  reset(): void {
    this.forgetAllClients();
    this.bus.reset();
    this.faults.reset();
  }

  /** Answers every held poll and stops listening, so the HTTP server can close promptly. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const client of this.clients.removeAll()) client.release('closed');
    for (const detach of this.detach) detach();
    engines.delete(this.ctx);
  }

  private route(event: StoredEvent): void {
    for (const client of this.clients.live()) {
      for (const channel of event.channels) {
        if (client.subscriptions.has(channel)) client.enqueue(toDeliveredMessage(event, channel));
      }
    }
  }
}

const engines = new WeakMap<EmulatorContext, StreamingEngine>();

/** The one engine per org context (created on first use). */
export function engineFor(ctx: EmulatorContext): StreamingEngine {
  let engine = engines.get(ctx);
  if (!engine) {
    engine = new StreamingEngine(ctx);
    engines.set(ctx, engine);
  }
  return engine;
}

/** Closes the org's engine if one is running (no-op otherwise). */
export function closeEngineFor(ctx: EmulatorContext): void {
  engines.get(ctx)?.close();
}
