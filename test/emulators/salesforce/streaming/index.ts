import type { Router } from 'express';
import type { EmulatorContext } from '../org-contract';
import { buildCometdRouter } from './bayeux/cometd-router';
import { buildStreamingControlRouter } from './control/control-router';
import { closeEngineFor, engineFor } from './streaming-engine';

export type { StreamingFaultRequest, StreamingStateView } from './control/control-router';

/** A router with a `close()` that answers held long polls so the HTTP server can shut down promptly. */
export type ClosableRouter = Router & { close(): void };

/**
 * CometD at `/cometd/<version>`; the core mounts it with `app.use('/cometd', router)`. Creating it starts the
 * org's event bus, so events committed before any client subscribes are still retained for replay.
 */
export function createStreamingRouter(ctx: EmulatorContext): ClosableRouter {
  const engine = engineFor(ctx);
  return Object.assign(buildCometdRouter(engine), { close: () => engine.close() });
}

/** Fault switches and state, mounted at `/__emulator/streaming`. */
export function createStreamingControlRouter(ctx: EmulatorContext): ClosableRouter {
  const engine = engineFor(ctx);
  return Object.assign(buildStreamingControlRouter(engine), { close: () => engine.close() });
}

/** Releases every held poll and detaches from the org's events (call before `server.close()`). */
export function closeStreaming(ctx: EmulatorContext): void {
  closeEngineFor(ctx);
}

/** Forgets every client, clears the event log and the streaming faults (the core's `/__emulator/reset` calls it). */
export function resetStreaming(ctx: EmulatorContext): void {
  engineFor(ctx).reset();
}
