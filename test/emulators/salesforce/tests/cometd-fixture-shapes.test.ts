/* eslint-disable @typescript-eslint/no-explicit-any -- Bayeux replies are inspected as loose JSON */
/**
 * For every verbatim CometD sample (meta replies, errors, a change event, a platform event), the emulator's reply to
 * the matching exchange has the same keys and value types. Samples come from ../shared/reference/fixtures/salesforce
 * when present, else from the copies in test/emulators/salesforce/fixtures. The Pub/Sub samples describe a transport
 * the emulator does not serve yet and are not compared.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../index';
import { connect, control, startEmu } from './helpers';

const SHARED = path.resolve('../shared/reference/fixtures/salesforce');
const LOCAL = path.resolve('test/emulators/salesforce/fixtures');

function sample(name: string): any {
  const file = existsSync(path.join(SHARED, name)) ? path.join(SHARED, name) : path.join(LOCAL, name);
  return JSON.parse(readFileSync(file, 'utf8'));
}

type Shape = string | { [k: string]: Shape };

/** Keys and JSON types, recursively (ids may be numbers or strings in Bayeux: both count as an id). */
function shape(v: unknown, key = ''): Shape {
  if (key === 'id') return 'id';
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'object') {
    const out: Record<string, Shape> = {};
    for (const k of Object.keys(v as object).sort()) out[k] = shape((v as Record<string, unknown>)[k], k);
    return out;
  }
  return typeof v;
}

/** Keys a sample shows that Salesforce adds only in some situations, with the reason. */
function without(value: any, paths: string[]): any {
  const copy = structuredClone(value);
  for (const p of paths) {
    const parts = p.split('.');
    let node = copy;
    for (const part of parts.slice(0, -1)) node = node?.[part];
    if (node) delete node[parts.at(-1) as string];
  }
  return copy;
}

class BayeuxClient {
  private cookie = '';
  clientId = '';
  private nextId = 1;
  constructor(
    private readonly emu: RunningEmulator,
    private readonly token: string,
  ) {}

  async send(messages: Record<string, unknown>[]): Promise<any[]> {
    const res = await fetch(`${this.emu.instanceUrl}/cometd/62.0`, {
      method: 'POST',
      headers: {
        authorization: `OAuth ${this.token}`,
        'content-type': 'application/json',
        ...(this.cookie && { cookie: this.cookie }),
      },
      body: JSON.stringify(messages.map((m) => ({ id: String(this.nextId++), ...m }))),
    });
    const setCookie = res.headers.get('set-cookie');
    if (setCookie) this.cookie = setCookie.split(';')[0] as string;
    return (await res.json()) as any[];
  }

  async handshake(): Promise<any> {
    const [reply] = await this.send([
      { channel: '/meta/handshake', version: '1.0', supportedConnectionTypes: ['long-polling'] },
    ]);
    if (reply?.successful) this.clientId = reply.clientId;
    return reply;
  }

  async connect(): Promise<any[]> {
    return this.send([{ channel: '/meta/connect', clientId: this.clientId, connectionType: 'long-polling' }]);
  }

  async subscribe(subscription: string, replayId = -1): Promise<any> {
    const [reply] = await this.send([
      {
        channel: '/meta/subscribe',
        clientId: this.clientId,
        subscription,
        ext: { replay: { [subscription]: replayId } },
      },
    ]);
    return reply;
  }
}

describe('CometD replies have the shape of Salesforce samples', () => {
  let emu: RunningEmulator;

  beforeAll(async () => {
    emu = await startEmu({ seed: 'none', streaming: { longPollMs: 1500, clientIdleMs: 60_000 } });
  });
  afterAll(async () => {
    await emu?.stop();
  });

  it('handshake, first connect and subscribe', async () => {
    const client = new BayeuxClient(emu, emu.accessToken);
    const handshake = await client.handshake();
    expect(shape(handshake)).toEqual(shape(sample('cometd-handshake-response.sfdocs.json')));
    const [connectReply] = await client.connect();
    // `multiple-clients` is advice Salesforce adds only when one browser holds several clients.
    expect(shape(connectReply)).toEqual(
      shape(without(sample('cometd-connect-response.sfdocs.json'), ['advice.multiple-clients'])),
    );
    const subscribe = await client.subscribe('/data/AccountChangeEvent');
    expect(shape(subscribe)).toEqual(shape(sample('cometd-subscribe-response.sfdocs.json')));
  });

  it('a change event and a platform event as delivered in a connect reply', async () => {
    const client = new BayeuxClient(emu, emu.accessToken);
    await client.handshake();
    await client.connect();
    await client.subscribe('/data/AccountChangeEvent');
    await client.subscribe('/event/Audience_Status__e');
    const conn = connect(emu);
    await conn.sobject('Account').create({ Name: 'Shape Test', Description: 'Sample account record.' });
    await conn.sobject('Audience_Status__e').create({ Stage__c: 'Running' });

    const delivered: any[] = [];
    for (let i = 0; i < 5 && delivered.length < 2; i++) {
      for (const message of await client.connect()) if (message.data) delivered.push(message);
    }
    const change = delivered.find((m) => m.channel === '/data/AccountChangeEvent');
    const event = delivered.find((m) => m.channel === '/event/Audience_Status__e');
    const cdc = sample('cdc-cometd-create-account.sfdocs.json');
    // The envelope and the header are fixed; the body holds whichever fields the record has.
    expect(Object.keys(change.data).sort()).toEqual(Object.keys(cdc).sort());
    expect(shape(change.data.payload.ChangeEventHeader)).toEqual(shape(cdc.payload.ChangeEventHeader));
    expect(shape(change.data.event)).toEqual(shape(cdc.event));
    expect(typeof change.data.schema).toBe('string');

    const lowInk = sample('platform-event-cometd-low-ink.sfdocs.json');
    expect(Object.keys(event).sort()).toEqual(expect.arrayContaining(Object.keys(lowInk).sort()));
    expect(shape(event.data.event)).toEqual(shape(lowInk.data.event));
    expect(Object.keys(event.data).sort()).toEqual(Object.keys(lowInk.data).sort());
    for (const key of ['CreatedDate', 'CreatedById']) {
      expect(typeof event.data.payload[key]).toBe(typeof lowInk.data.payload[key]);
    }
  });

  it('403::Unknown client, 401 on connect and 403 on handshake', async () => {
    const client = new BayeuxClient(emu, emu.accessToken);
    await client.handshake();
    await client.connect();
    await control(emu, '/streaming/faults', { unknownClient: true });
    const [unknown] = await client.connect();
    expect(shape(without(unknown, ['channel', 'clientId', 'id']))).toEqual(
      shape(sample('cometd-error-403-unknown-client.sfdocs.json')),
    );

    const tokenReply = await control(emu, '/tokens', { role: 'rep' });
    const revoked = new BayeuxClient(emu, tokenReply.accessToken);
    await revoked.handshake();
    await revoked.connect();
    await control(emu, '/faults', { revokeToken: tokenReply.accessToken });
    const [denied] = await revoked.connect();
    expect(shape(denied)).toEqual(shape(sample('cometd-error-connect-401-authentication-invalid.sfdocs.json')));

    const stranger = new BayeuxClient(emu, 'not-a-token');
    const refused = await stranger.handshake();
    // Bayeux echoes the request's id; the documentation's sample leaves it out.
    expect(shape(without(refused, ['id']))).toEqual(
      shape(sample('cometd-error-handshake-403-denied-auth.sfdocs.json')),
    );
  });
});
