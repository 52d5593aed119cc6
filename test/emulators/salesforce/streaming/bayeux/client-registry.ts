import { randomBytes } from 'node:crypto';
import type { OrgClock, StreamingOptions } from '../../org-contract';
import { CometdClient } from './cometd-client';

/** Client ids shaped like Salesforce's (`41kdiuvgig2tfxdh9weakuiwyh`). */
function newClientId(): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';
  return [...randomBytes(26)].map((b) => alphabet[b % alphabet.length]).join('');
}

/** The org's live CometD clients. A client that stops polling for the idle window is forgotten. */
export class ClientRegistry {
  private readonly clients = new Map<string, CometdClient>();

  constructor(
    private readonly clock: OrgClock,
    private readonly options: StreamingOptions,
  ) {}

  create(userId: string, browserId: string): CometdClient {
    const client = new CometdClient(newClientId(), userId, browserId, this.clock.now());
    this.clients.set(client.id, client);
    return client;
  }

  /** The live client, or undefined when unknown or expired (→ `403::Unknown client`). */
  get(clientId: string): CometdClient | undefined {
    const client = this.clients.get(clientId);
    if (!client) return undefined;
    if (this.isIdle(client)) {
      this.clients.delete(clientId);
      return undefined;
    }
    return client;
  }

  /** Live clients after dropping the idle ones (they no longer count against the org's limit). */
  live(): CometdClient[] {
    for (const client of this.clients.values()) if (this.isIdle(client)) this.clients.delete(client.id);
    return [...this.clients.values()];
  }

  remove(clientId: string): CometdClient | undefined {
    const client = this.clients.get(clientId);
    this.clients.delete(clientId);
    return client;
  }

  removeAll(): CometdClient[] {
    const all = [...this.clients.values()];
    this.clients.clear();
    return all;
  }

  private isIdle(client: CometdClient): boolean {
    return !client.isHolding() && this.clock.now() - client.lastSeen > this.options.clientIdleMs;
  }
}
