/**
 * A rep's Enrich now published while the command client is between handshakes reaches the loop. The client talks to
 * the emulator through a gate the test holds shut on `/meta/handshake`, so "published during the gap" is a state the
 * test sets up, not a race: the org forgets the client, its re-handshake waits at the gate, the rep publishes, the
 * gate opens.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Connection } from 'jsforce';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../../../../test/emulators/salesforce';
import type { AudienceCommand } from '../../../src/commands/audience-command';
import { createLogger } from '../../../src/lib/logger';
import { OrgClient } from '../../../src/salesforce/org-client';
import { CommandSubscriber } from '../../../src/salesforce/stream/command-subscriber';
import {
  API_VERSION,
  connectionAs,
  contactIds,
  control,
  startEmulator,
  streamingClients,
  waitUntil,
} from './stream-harness';

/** A reverse proxy to the emulator that can hold `/meta/handshake` requests until released. */
class HandshakeGate {
  private shut = false;
  private readonly waiting: (() => void)[] = [];
  private server: Server | undefined;

  constructor(private readonly target: string) {}

  get held(): number {
    return this.waiting.length;
  }

  async start(): Promise<string> {
    this.server = createServer((req, res) => {
      void this.forward(req).then(
        ({ status, headers, body }) => {
          res.writeHead(status, headers);
          res.end(body);
        },
        () => res.destroy(),
      );
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  close(): void {
    this.shutGate(false);
    this.server?.closeAllConnections();
    this.server?.close();
  }

  shutGate(shut: boolean): void {
    this.shut = shut;
    if (!shut) for (const release of this.waiting.splice(0)) release();
  }

  private async forward(req: IncomingMessage) {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    if (this.shut && body.toString('utf8').includes('/meta/handshake')) {
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    }
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(req.headers)) {
      if (typeof value === 'string' && !['host', 'connection', 'content-length'].includes(name)) headers[name] = value;
    }
    const answer = await fetch(`${this.target}${req.url ?? '/'}`, {
      method: req.method,
      headers,
      body: req.method === 'GET' || req.method === 'HEAD' ? undefined : body,
    });
    const out: Record<string, string | string[]> = {};
    answer.headers.forEach((value, name) => {
      if (!['content-length', 'content-encoding', 'transfer-encoding', 'connection'].includes(name)) out[name] = value;
    });
    const cookies = answer.headers.getSetCookie();
    if (cookies.length > 0) out['set-cookie'] = cookies;
    return { status: answer.status, headers: out, body: Buffer.from(await answer.arrayBuffer()) };
  }
}

let emulator: RunningEmulator;
let gate: HandshakeGate;
let subscriber: CommandSubscriber;
const received: AudienceCommand[] = [];

const REQUESTS = '/event/Audience_Record_Request__e';

beforeAll(async () => {
  emulator = await startEmulator();
  gate = new HandshakeGate(emulator.instanceUrl);
  const gateUrl = await gate.start();
  const integration = await connectionAs(emulator, 'integration');
  const accessToken = integration.accessToken ?? undefined;
  const conn = new Connection({ instanceUrl: gateUrl, accessToken, version: API_VERSION });
  subscriber = new CommandSubscriber(
    new OrgClient(conn),
    async (command) => {
      received.push(command);
    },
    createLogger({ level: 'silent', name: 'command-gap-test' }),
  );
  subscriber.start();
  await waitUntil('the command client subscribed to the record requests', async () =>
    (await streamingClients(emulator)).some((c) => c.subscriptions.includes(REQUESTS)),
  );
});

afterAll(async () => {
  subscriber?.stop();
  gate?.close();
  await emulator?.stop();
});

describe('the command channels across a re-handshake', () => {
  it('when a rep asks for a record while the command client is re-handshaking, then the loop still gets the request', async () => {
    const [recordId] = await contactIds(emulator, 1);
    const rep = await connectionAs(emulator, 'rep');
    gate.shutGate(true);
    await control(emulator, '/streaming/faults', { unknownClient: true });
    await waitUntil('the re-handshake waiting at the gate', () => gate.held > 0);
    expect(await streamingClients(emulator)).toEqual([]);

    const published = await rep
      .sobject('Audience_Record_Request__e')
      .create({ Request__c: 'ENRICH_RECORD', Record_Id__c: recordId });
    expect(published.success).toBe(true);
    gate.shutGate(false);

    await waitUntil('the request published during the gap reaches the loop', () =>
      received.some((c) => c.recordId === recordId),
    );
    expect(received.filter((c) => c.recordId === recordId)).toHaveLength(1);
    expect(received[0]).toMatchObject({ command: 'ENRICH_RECORD', recordId });
  });
});
