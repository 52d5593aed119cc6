import { randomUUID } from 'node:crypto';
import type * as grpc from '@grpc/grpc-js';
import type { StreamingEngine } from '../streaming/streaming-engine';
import type { StoredEvent } from '../streaming/events/stored-event';
import type { EventEncoder } from './event-encoder';
import { PUBSUB_ERRORS, type PubSubError } from './pubsub-errors';
import type { FetchRequest, FetchResponse } from './pubsub-proto';
import { decodeReplayId, encodeReplayId } from './replay-id';

/** At most this many events may be outstanding on one Subscribe stream; larger requests are clamped (Pub/Sub allocations). */
export const MAX_OUTSTANDING_EVENTS = 100;

export type SubscribeCall = grpc.ServerDuplexStream<FetchRequest, FetchResponse>;

export interface SubscriptionState {
  /** The stream's rpc id (also sent in every FetchResponse). */
  rpcId: string;
  topic: string | undefined;
  /** Events requested and not yet delivered. */
  pending: number;
  delivered: number;
  /** Replay id the next delivery reads after. */
  cursor: number;
  /** The first request's topic while a test holds the stream (see `holdSubscriptions`); it has not started. */
  heldTopic?: string;
}

/**
 * One Subscribe stream. Flow control: the client's FetchRequests add to `pending`; the server sends events only
 * while `pending` is above zero and never more than it, reading the org's event bus (the log CometD replays from)
 * after `cursor`. The first request fixes the topic and the starting point (LATEST, EARLIEST, or CUSTOM: after a
 * stored replay id that must still be retained).
 */
export class SubscribeStream {
  private readonly state: SubscriptionState = {
    rpcId: randomUUID(),
    topic: undefined,
    pending: 0,
    delivered: 0,
    cursor: 0,
  };
  private detach: (() => void) | undefined;
  private keepAlive: NodeJS.Timeout | undefined;
  private lastWriteAt = Date.now();
  private ended = false;
  /** Requests that came while the stream was held, taken in order once it is released. */
  private heldRequests: FetchRequest[] | undefined;

  constructor(
    private readonly call: SubscribeCall,
    private readonly engine: StreamingEngine,
    private readonly encoder: EventEncoder,
    private readonly options: {
      keepAliveMs: number;
      onEnd: () => void;
      /** A test's hold on the topic: the stream starts (and answers) only once it resolves. */
      heldUntil?: (topic: string) => Promise<void> | undefined;
    },
  ) {
    call.on('data', (request: FetchRequest) => this.onRequest(request));
    call.on('end', () => this.end());
    call.on('error', () => this.end());
    call.on('cancelled', () => this.end());
  }

  view(): SubscriptionState {
    return { ...this.state };
  }

  /** Ends the stream from the server side (emulator shutdown). */
  close(): void {
    if (this.ended) return;
    this.end();
    this.call.end();
  }

  private onRequest(request: FetchRequest): void {
    if (this.ended) return;
    if (this.heldRequests) return void this.heldRequests.push(request);
    const hold = this.state.topic === undefined ? this.options.heldUntil?.(request.topicName) : undefined;
    if (hold) {
      this.heldRequests = [request];
      this.state.heldTopic = request.topicName;
      void hold.then(() => this.releaseHeld());
      return;
    }
    if (this.state.topic === undefined) {
      const failure = this.start(request);
      if (failure) return this.fail(failure);
    } else if (request.topicName && request.topicName !== this.state.topic) {
      return this.fail(PUBSUB_ERRORS.topicChanged());
    }
    if (request.numRequested <= 0) return this.fail(PUBSUB_ERRORS.requestedEventsInvalid());
    this.state.pending = Math.min(MAX_OUTSTANDING_EVENTS, this.state.pending + request.numRequested);
    this.pump();
  }

  private start(request: FetchRequest): PubSubError | undefined {
    const topic = request.topicName;
    if (!topic || !this.engine.catalog.exists(topic)) return PUBSUB_ERRORS.topicNotFound(topic);
    const bus = this.engine.bus;
    if (request.replayPreset === 'CUSTOM') {
      if (request.replayId.length === 0) return PUBSUB_ERRORS.replayIdMissing();
      const replayId = decodeReplayId(request.replayId);
      // The tip is valid too: it is what an idle stream's keep-alive reports as latest_replay_id.
      if (replayId === undefined || (!bus.isReplayable(replayId) && replayId !== bus.latestReplayId()))
        return PUBSUB_ERRORS.replayIdCorrupted();
      this.state.cursor = replayId;
    } else {
      this.state.cursor = request.replayPreset === 'EARLIEST' ? -Infinity : bus.latestReplayId();
    }
    this.state.topic = topic;
    this.detach = bus.onAppend((event) => this.onAppend(event));
    this.keepAlive = setInterval(() => this.sendKeepAlive(), this.options.keepAliveMs);
    this.keepAlive.unref();
    return undefined;
  }

  private onAppend(event: StoredEvent): void {
    if (this.state.pending > 0 && event.channels.includes(this.state.topic!)) this.pump();
  }

  private pump(): void {
    if (this.state.pending <= 0 || this.ended) return;
    const available = this.engine.bus.eventsAfter(this.state.topic!, this.state.cursor);
    const events = [];
    for (const stored of available) {
      if (events.length >= this.state.pending) break;
      this.state.cursor = stored.replayId;
      const encoded = this.encoder.encode(stored);
      if (encoded) events.push(encoded);
    }
    if (events.length === 0) return;
    this.state.pending -= events.length;
    this.state.delivered += events.length;
    this.write({
      events,
      latestReplayId: encodeReplayId(this.state.cursor),
      rpcId: this.state.rpcId,
      pendingNumRequested: this.state.pending,
    });
  }

  /**
   * Held, the subscription was not in effect (as on the platform until its first answer): it starts now, from the
   * tip for LATEST, and answers at once — with events if any, else with the keep-alive that was held back.
   */
  private releaseHeld(): void {
    const requests = this.heldRequests ?? [];
    this.heldRequests = undefined;
    delete this.state.heldTopic;
    for (const request of requests) this.onRequest(request);
    if (!this.ended && this.state.delivered === 0) this.sendKeepAlive(true);
  }

  /** An empty batch with the latest replay id, sent when the stream has been quiet for `keepAliveMs` (≤ 270 s on the platform). */
  private sendKeepAlive(now = false): void {
    if (!now && Date.now() - this.lastWriteAt < this.options.keepAliveMs) return;
    const latest = Number.isFinite(this.state.cursor) ? this.state.cursor : this.engine.bus.latestReplayId();
    this.write({
      events: [],
      latestReplayId: encodeReplayId(latest),
      rpcId: this.state.rpcId,
      pendingNumRequested: this.state.pending,
    });
  }

  private write(response: FetchResponse): void {
    this.lastWriteAt = Date.now();
    this.call.write(response);
  }

  private fail(error: PubSubError): void {
    this.end();
    this.call.emit('error', error);
  }

  private end(): void {
    if (this.ended) return;
    this.ended = true;
    this.detach?.();
    if (this.keepAlive) clearInterval(this.keepAlive);
    this.options.onEnd();
  }
}
