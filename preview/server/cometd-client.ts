/**
 * A minimal Bayeux long-polling client for one channel, as the platform's empApi is in a Lightning tab: handshake,
 * subscribe with a replay id, then `/meta/connect` in a loop until `disconnect()`. One instance is one CometD client
 * of the org (it counts against the org's concurrent-client limit, which is the point of subscribing late).
 */
import { z } from 'zod';
import type { OrgSession } from './org-session';

const messageSchema = z.looseObject({
  channel: z.string(),
  successful: z.boolean().optional(),
  clientId: z.string().optional(),
  error: z.string().optional(),
  advice: z.looseObject({ reconnect: z.string().optional() }).optional(),
  data: z.unknown().optional(),
});
const repliesSchema = z.array(messageSchema);

export type CometdEvent = { channel: string; data: unknown };

export class CometdClient {
  private clientId: string | undefined;
  private nextId = 0;
  private stopped = false;
  private readonly aborter = new AbortController();
  /** Salesforce pins a CometD session to its cookies (BAYEUX_BROWSER, sfdc-stream): sent back on every request. */
  private readonly cookies = new Map<string, string>();

  constructor(
    private readonly session: OrgSession,
    private readonly onEvent: (event: CometdEvent) => void,
    private readonly onFailure: (message: string) => void,
  ) {}

  private get endpoint(): string {
    return `${this.session.instanceUrl}/cometd/${this.session.apiVersion}`;
  }

  private headers(): Record<string, string> {
    const headers: Record<string, string> = {
      Authorization: `OAuth ${this.session.accessToken}`,
      'Content-Type': 'application/json',
    };
    if (this.cookies.size > 0) {
      headers.Cookie = [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
    }
    return headers;
  }

  private keepCookies(response: Response): void {
    for (const line of response.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const at = pair?.indexOf('=') ?? -1;
      if (pair && at > 0) this.cookies.set(pair.slice(0, at).trim(), pair.slice(at + 1).trim());
    }
  }

  private async send(messages: Record<string, unknown>[]) {
    const response = await fetch(this.endpoint, {
      method: 'POST',
      headers: this.headers(),
      body: JSON.stringify(messages.map((m) => ({ ...m, id: String(++this.nextId) }))),
      signal: this.aborter.signal,
    });
    this.keepCookies(response);
    if (!response.ok) throw new Error(`CometD answered ${response.status}`);
    return repliesSchema.parse(await response.json());
  }

  /** Resolves once subscribed (events published from then on are delivered); rejects with the org's reason. */
  async subscribe(channel: string, replayId: number): Promise<void> {
    const [handshake] = await this.send([
      { channel: '/meta/handshake', version: '1.0', supportedConnectionTypes: ['long-polling'] },
    ]);
    if (!handshake?.successful || !handshake.clientId) throw new Error(handshake?.error ?? 'handshake refused');
    this.clientId = handshake.clientId;
    const replies = await this.send([
      {
        channel: '/meta/subscribe',
        clientId: this.clientId,
        subscription: channel,
        ext: { replay: { [channel]: replayId } },
      },
    ]);
    const subscribed = replies.find((m) => m.channel === '/meta/subscribe');
    if (!subscribed?.successful) throw new Error(subscribed?.error ?? `subscription to ${channel} refused`);
    void this.poll();
  }

  private async poll(): Promise<void> {
    while (!this.stopped) {
      try {
        const replies = await this.send([
          { channel: '/meta/connect', clientId: this.clientId, connectionType: 'long-polling' },
        ]);
        for (const message of replies) {
          if (message.channel === '/meta/connect') {
            if (message.successful === false) throw new Error(message.error ?? 'connect refused');
          } else if (!message.channel.startsWith('/meta/')) {
            this.onEvent({ channel: message.channel, data: message.data });
          }
        }
      } catch (error) {
        if (!this.stopped) this.onFailure((error as Error).message);
        return;
      }
    }
  }

  /** Leaves the org (`/meta/disconnect`), so the client no longer counts. */
  async disconnect(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    const clientId = this.clientId;
    this.aborter.abort();
    if (!clientId) return;
    await fetch(this.endpoint, {
      method: 'POST',
      headers: this.headers(),
      body: JSON.stringify([{ channel: '/meta/disconnect', clientId, id: String(++this.nextId) }]),
    }).catch(() => undefined);
  }
}
