import express, { type Router } from 'express';
import { z } from 'zod';
import type { StreamingEngine } from '../streaming-engine';

const faultsSchema = z.strictObject({
  unknownClient: z.boolean().optional(),
  dropLongPolls: z.number().int().positive().optional(),
  inject: z
    .union([
      z.strictObject({
        changeType: z.enum([
          'GAP_CREATE',
          'GAP_UPDATE',
          'GAP_DELETE',
          'GAP_UNDELETE',
          'GAP_OVERFLOW',
          'CREATE',
          'UPDATE',
          'DELETE',
          'UNDELETE',
        ]),
        entityName: z.string().min(1),
        recordIds: z.array(z.string().min(1)).optional(),
        commitUser: z.string().optional(),
        changedFields: z.array(z.string().min(1)).optional(),
        fields: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])).optional(),
      }),
      /** A payload published verbatim (e.g. a malformed change event); `channel` defaults to the header's entity's. */
      z.strictObject({
        raw: z.record(z.string(), z.unknown()),
        channel: z.string().startsWith('/').optional(),
      }),
    ])
    .optional(),
});

export type StreamingFaultRequest = z.infer<typeof faultsSchema>;

/** `GET /__emulator/streaming/state`. */
export interface StreamingStateView {
  clients: {
    clientId: string;
    userId: string;
    subscriptions: string[];
    pendingEvents: number;
    holdingPoll: boolean;
    lastSeen: number;
  }[];
  subscriptions: number;
  eventLogSize: number;
  latestReplayId: number;
  cdc: { selectedEntities: string[]; refusedSelections: string[] };
  faults: { pendingLongPollDrops: number };
}

/** Test-only switches for the streaming side, mounted by the core at `/__emulator/streaming`. */
export function buildStreamingControlRouter(engine: StreamingEngine): Router {
  const router = express.Router();
  router.use(express.json());

  router.post('/faults', (req, res) => {
    const parsed = faultsSchema.safeParse(req.body ?? {});
    if (!parsed.success) {
      res.status(400).json({ error: 'INVALID_FAULT', message: z.prettifyError(parsed.error) });
      return;
    }
    const { unknownClient, dropLongPolls, inject } = parsed.data;
    const applied: Record<string, unknown> = {};
    if (inject && 'raw' in inject) {
      const event = engine.injectRaw(inject.raw, inject.channel);
      if (!event) {
        res.status(400).json({
          error: 'NO_CHANNEL',
          message: 'give inject.channel, or a raw.ChangeEventHeader.entityName selected for Change Data Capture',
        });
        return;
      }
      applied.injected = { replayId: event.replayId, channels: event.channels };
    } else if (inject) {
      const event = engine.injectGap(inject);
      if (!event) {
        res
          .status(400)
          .json({ error: 'NOT_SELECTED', message: `${inject.entityName} is not selected for Change Data Capture` });
        return;
      }
      applied.injected = { replayId: event.replayId, channels: event.channels };
    }
    if (unknownClient) applied.forgottenClients = engine.forgetAllClients();
    if (dropLongPolls) applied.droppedNow = engine.dropLongPolls(dropLongPolls);
    res.json({ ok: true, ...applied });
  });

  router.get('/state', (_req, res) => {
    const clients: StreamingStateView['clients'] = engine.clients.live().map((c) => ({
      clientId: c.id,
      userId: c.userId,
      subscriptions: [...c.subscriptions],
      pendingEvents: c.pendingCount(),
      holdingPoll: c.isHolding(),
      lastSeen: c.lastSeen,
    }));
    const state: StreamingStateView = {
      clients,
      subscriptions: clients.reduce((n, c) => n + c.subscriptions.length, 0),
      eventLogSize: engine.bus.size(),
      latestReplayId: engine.bus.latestReplayId(),
      cdc: {
        selectedEntities: engine.catalog.selectedEntities(),
        refusedSelections: engine.catalog.refusedSelections(),
      },
      faults: engine.faults.snapshot(),
    };
    res.json(state);
  });

  router.post('/reset', (_req, res) => {
    engine.reset();
    res.json({ ok: true });
  });
  return router;
}
