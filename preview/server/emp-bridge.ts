/**
 * `GET /__preview/emp/subscribe?channel=…&replayId=…`: the page's empApi subscription as server-sent events. Each
 * stream holds its own CometD client on the org for as long as the page keeps it open; closing the stream (the
 * component's unsubscribe, or the tab going away) disconnects that client.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import { CometdClient } from './cometd-client';
import type { OrgSession } from './org-session';

const querySchema = z.object({
  channel: z.string().regex(/^\/(event|data|topic|u)\/[A-Za-z0-9_]+$/, 'a channel such as /event/Audience_Status__e'),
  replayId: z.coerce.number().int().min(-2).default(-1),
});

export class EmpBridge {
  private readonly open = new Set<CometdClient>();

  constructor(private readonly session: OrgSession) {}

  /** Streams currently open (each one CometD client on the org). */
  get subscriptions(): number {
    return this.open.size;
  }

  async handle(req: IncomingMessage, res: ServerResponse, query: URLSearchParams): Promise<void> {
    const parsed = querySchema.safeParse(Object.fromEntries(query));
    if (!parsed.success) {
      res.writeHead(400, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ message: parsed.error.issues.map((i) => i.message).join('; ') }));
      return;
    }
    const { channel, replayId } = parsed.data;
    res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache', Connection: 'keep-alive' });
    const send = (event: string, data: unknown) => res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
    const client = new CometdClient(
      this.session,
      (event) => send('event', { channel: event.channel, data: event.data }),
      (message) => {
        send('failure', { channel, error: message });
        res.end();
      },
    );
    this.open.add(client);
    const close = () => {
      this.open.delete(client);
      void client.disconnect();
    };
    req.on('close', close);
    try {
      await client.subscribe(channel, replayId);
      send('subscribed', { channel, replayId });
    } catch (error) {
      send('failure', { channel, error: (error as Error).message });
      res.end();
      close();
    }
  }

  async closeAll(): Promise<void> {
    await Promise.all([...this.open].map((c) => c.disconnect()));
    this.open.clear();
  }
}
