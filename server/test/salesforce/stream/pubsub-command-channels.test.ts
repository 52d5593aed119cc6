/**
 * The command channels over the Pub/Sub API against the emulator's gRPC endpoint (TLS, Avro): an admin command and a
 * rep's record request make the same `AudienceCommand`s as over CometD, and a dropped gRPC stream resumes as the
 * CometD client does — a channel with no event yet from every retained event dated from its first subscription on
 * (so a request published while the stream was down is not lost, and one from before the process listened is not
 * taken), a channel with events from its last one.
 */
import type { Connection } from 'jsforce';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../../../../test/emulators/salesforce';
import { startPubSubServer, type RunningPubSubServer } from '../../../../test/emulators/salesforce/pubsub/index';
import { engineFor } from '../../../../test/emulators/salesforce/streaming/streaming-engine';
import type { AudienceCommand } from '../../../src/commands/audience-command';
import { OrgClient } from '../../../src/salesforce/org-client';
import {
  COMMAND_CHANNEL,
  CommandSubscriber,
  RECORD_REQUEST_CHANNEL,
} from '../../../src/salesforce/stream/command-subscriber';
import { PubSubCommandChannels } from '../../../src/salesforce/stream/pubsub-command-channels';
import { PubSubTransport } from '../../../src/salesforce/stream/pubsub-transport';
import {
  captureLogger,
  connectionAs,
  contactIds,
  control,
  integrationConnection,
  startEmulator,
  streamingClients,
  userId,
  waitUntil,
} from './stream-harness';

let emulator: RunningEmulator;
let conn: Connection;
/** The emulator's gRPC server; a test restarts it (same port) to drop the streams. */
let grpcServer: RunningPubSubServer;
const stops: (() => void)[] = [];

beforeAll(async () => {
  emulator = await startEmulator();
  conn = await integrationConnection(emulator);
  grpcServer = emulator.pubSub!;
});
afterEach(() => {
  for (const stop of stops.splice(0)) stop();
});
afterAll(async () => {
  if (grpcServer !== emulator?.pubSub) await grpcServer?.stop();
  await emulator?.stop();
});

function transport(): PubSubTransport {
  return new PubSubTransport({
    conn,
    endpoint: emulator.pubSubEndpoint,
    rejectUnauthorized: false,
    logger: captureLogger().logger,
  });
}

/** A command subscriber over CometD or Pub/Sub, collecting what it would hand the command router. */
function commands(kind: 'cometd' | 'pubsub'): AudienceCommand[] {
  const received: AudienceCommand[] = [];
  const subscriber = new CommandSubscriber(
    new OrgClient(conn),
    async (command) => void received.push(command),
    captureLogger().logger,
    kind === 'pubsub' ? transport() : undefined,
  );
  subscriber.start();
  stops.push(() => subscriber.stop());
  return received;
}

/** The gRPC server holds a stream on each channel that was not open before (`known`: rpc ids seen earlier). */
async function serverStreamsOpen(known: Set<string> = new Set()): Promise<void> {
  await waitUntil('the gRPC streams of both command channels', () => {
    const topics = grpcServer
      .subscriptions()
      .filter((s) => !known.has(s.rpcId))
      .map((s) => s.topic);
    return topics.includes(COMMAND_CHANNEL) && topics.includes(RECORD_REQUEST_CHANNEL);
  });
}

const openStreamIds = () => new Set(grpcServer.subscriptions().map((s) => s.rpcId));

async function requestAsRep(recordId: string): Promise<string> {
  const result = await (
    await connectionAs(emulator, 'rep')
  )
    .sobject('Audience_Record_Request__e')
    .create({ Request__c: 'ENRICH_RECORD', Record_Id__c: recordId, Object__c: 'Contact' });
  expect(result.success).toBe(true);
  return engineFor(emulator.context).bus.eventsAfter(RECORD_REQUEST_CHANNEL, -2).at(-1)!.eventUuid!;
}

/** Stops the gRPC server (every stream ends), runs `meanwhile`, starts it again on the same port. */
async function whileGrpcDown(meanwhile: () => Promise<void>): Promise<void> {
  await grpcServer.stop();
  await meanwhile();
  grpcServer = await startPubSubServer(emulator.context, { host: '127.0.0.1', port: grpcServer.port });
}

describe('command channels over the Pub/Sub API', () => {
  it("when an admin publishes a command and a rep a record request, then Pub/Sub yields the same commands as CometD, with the publisher's id as requester", async () => {
    const known = openStreamIds();
    const viaCometd = commands('cometd');
    const viaPubSub = commands('pubsub');
    await serverStreamsOpen(known);
    await waitUntil('the CometD client on both channels', async () =>
      (await streamingClients(emulator)).some(
        (c) => c.subscriptions.includes(COMMAND_CHANNEL) && c.subscriptions.includes(RECORD_REQUEST_CHANNEL),
      ),
    );
    const [contactId, targetId] = await contactIds(emulator, 2);
    const admin = await connectionAs(emulator, 'admin');
    const published = await admin
      .sobject('Audience_Command__e')
      .create({ Command__c: 'ESTIMATE_RUN', Target_Id__c: targetId, Record_Id__c: contactId });
    expect(published.success).toBe(true);
    await requestAsRep(contactId!);

    await waitUntil('both transports got both events', () => viaCometd.length === 2 && viaPubSub.length === 2);
    const byCommand = (list: AudienceCommand[]) => [...list].sort((a, b) => a.command.localeCompare(b.command));
    expect(byCommand(viaPubSub)).toEqual(byCommand(viaCometd));
    expect(byCommand(viaPubSub)).toEqual([
      {
        command: 'ENRICH_RECORD',
        source: 'Audience_Record_Request__e',
        requestedBy: userId(emulator, 'rep'),
        recordId: contactId,
        object: 'Contact',
        eventUuid: expect.any(String),
      },
      {
        command: 'ESTIMATE_RUN',
        source: 'Audience_Command__e',
        requestedBy: userId(emulator, 'admin'),
        recordId: contactId,
        targetId,
        eventUuid: expect.any(String),
      },
    ]);
  });

  it('when the gRPC streams drop, then a channel with no event yet catches up on what was published while down (not what came before it listened), and one with events resumes after its last', async () => {
    const [first, second, third] = await contactIds(emulator, 3);
    // Published before the channels listen: a minute older than their first subscription once the clock moves.
    await requestAsRep(first!);
    await control(emulator, '/clock/advance', { minutes: 1 });
    const delivered: { channel: string; recordId: unknown; replayId: unknown }[] = [];
    const known = openStreamIds();
    const channels = new PubSubCommandChannels({
      conn,
      transport: transport(),
      channels: [COMMAND_CHANNEL, RECORD_REQUEST_CHANNEL],
      deliver: (channel, data) => {
        const { payload, event } = data as { payload: Record<string, unknown>; event: { replayId: number } };
        delivered.push({ channel, recordId: payload.Record_Id__c, replayId: event.replayId });
      },
      logger: captureLogger().logger,
      backoff: { initialMs: 100, maxMs: 500 },
      now: () => Date.now() + 60_000,
    });
    channels.start();
    stops.push(() => channels.stop());
    await serverStreamsOpen(known);

    // No event on either channel yet: LATEST again would lose this one.
    let reopened = new Set<string>();
    await whileGrpcDown(async () => {
      await requestAsRep(second!);
      reopened = openStreamIds();
    });
    await serverStreamsOpen(reopened);
    await waitUntil('the request made while down', () => delivered.length >= 1);

    // The channel has an event now: the next drop resumes after it, so it does not come again.
    await whileGrpcDown(async () => {
      await requestAsRep(third!);
      reopened = openStreamIds();
    });
    await serverStreamsOpen(reopened);
    await waitUntil('the request made during the second drop', () => delivered.length >= 2);
    // A positive signal that nothing more is on its way: a later request arrives, and it comes third.
    await requestAsRep(first!);
    await waitUntil('a request made after the drops', () => delivered.length >= 3);

    const requests = engineFor(emulator.context).bus.eventsAfter(RECORD_REQUEST_CHANNEL, -2).slice(-4);
    expect(delivered).toEqual(
      [second, third, first].map((recordId, i) => ({
        channel: RECORD_REQUEST_CHANNEL,
        recordId,
        replayId: requests[i + 1]!.replayId,
      })),
    );
  });
});
