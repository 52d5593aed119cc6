import { StreamingExtension } from 'jsforce/api/streaming';
import type { Logger } from '../../lib/logger';
import type { CdcTransport } from './cdc-transport';
import { ChannelReplay } from './channel-replay';
import { closeFayeClient, type FayeClient } from './faye-client';
import { PubSubCommandChannels } from './pubsub-command-channels';
import {
  COMMAND_EVENT,
  parseCommandEvent,
  parseRecordRequestEvent,
  RECORD_REQUEST_EVENT,
  type AudienceCommand,
  type CommandEvent,
} from '../../commands/audience-command';
import type { OrgClient } from '../org-client';

export const COMMAND_CHANNEL = `/event/${COMMAND_EVENT}`;
export const RECORD_REQUEST_CHANNEL = `/event/${RECORD_REQUEST_EVENT}`;

/** Each channel and how its events are read; who may publish on it is the platform's decision. */
const CHANNELS: readonly { channel: string; event: CommandEvent; parse: (data: unknown) => AudienceCommand }[] = [
  { channel: COMMAND_CHANNEL, event: COMMAND_EVENT, parse: parseCommandEvent },
  { channel: RECORD_REQUEST_CHANNEL, event: RECORD_REQUEST_EVENT, parse: parseRecordRequestEvent },
];

/**
 * Follows `Audience_Command__e` (admins, the config triggers) and `Audience_Record_Request__e` (reps: the Enrich now
 * button) from new events on: on one CometD client, or with a transport (the Pub/Sub API, `CDC_TRANSPORT=pubsub`)
 * one stream per channel. Either way each channel resumes from its last event (`ChannelPositions`), and the same
 * parsers make the same commands. Commands are small and idempotent to repeat; a missed RELOAD_CONFIG is caught by
 * the safety poll. The Faye client fixes its token when created, so it is rebuilt after jsforce renews the session.
 */
export class CommandSubscriber {
  private client: FayeClient | undefined;
  private stopped = false;
  private replay: ChannelReplay | undefined;
  private readonly onRefresh = () => this.rebuild();
  /** Set when the channels are followed over the Pub/Sub API instead of CometD. */
  private readonly pubSub: PubSubCommandChannels | undefined;

  private readonly conn;

  constructor(
    org: OrgClient,
    private readonly handle: (command: AudienceCommand) => Promise<void>,
    private readonly logger: Logger,
    transport?: CdcTransport,
  ) {
    this.conn = org.connection;
    if (transport) {
      const byChannel = new Map(CHANNELS.map((c) => [c.channel, c]));
      this.pubSub = new PubSubCommandChannels({
        conn: this.conn,
        transport,
        channels: CHANNELS.map((c) => c.channel),
        deliver: (channel, data) => {
          const { event, parse } = byChannel.get(channel)!;
          this.receive(event, parse, data);
        },
        logger,
      });
    }
  }

  start(): void {
    this.stopped = false;
    if (this.pubSub) return this.pubSub.start();
    this.conn.on('refresh', this.onRefresh);
    this.rebuild();
  }

  stop(): void {
    this.stopped = true;
    this.pubSub?.stop();
    this.conn.removeListener('refresh', this.onRefresh);
    if (this.client) closeFayeClient(this.client);
    this.client = undefined;
  }

  private rebuild(): void {
    if (this.stopped) return;
    if (this.client) closeFayeClient(this.client);
    const authFailure = new StreamingExtension.AuthFailure(() => {
      this.logger.warn('command channels: authentication failed; renewing the session');
      // Any REST call renews the token through jsforce; its `refresh` event then rebuilds this client.
      this.conn.identity().catch((error: unknown) => this.logger.error({ err: error }, 'session renewal failed'));
    });
    // Kept across rebuilds: after a re-handshake each channel asks for what came after its last event.
    this.replay ??= new ChannelReplay(CHANNELS.map((c) => c.channel));
    const client = this.conn.streaming.createClient([authFailure, this.replay]) as unknown as FayeClient;
    this.client = client;
    for (const { channel, event, parse } of CHANNELS) {
      client
        .subscribe(channel, (data: unknown) => this.receive(event, parse, data))
        .then(undefined, (error: unknown) =>
          this.logger.error({ err: error, channel }, `could not subscribe to ${event}`),
        );
    }
  }

  private receive(event: CommandEvent, parse: (data: unknown) => AudienceCommand, data: unknown): void {
    let command: AudienceCommand;
    try {
      command = parse(data);
    } catch (error) {
      const createdById = (data as { payload?: { CreatedById?: unknown } } | undefined)?.payload?.CreatedById;
      const requestedBy = typeof createdById === 'string' ? createdById : undefined;
      this.logger.warn({ err: error, requestedBy }, `ignored a malformed ${event}`);
      return;
    }
    this.handle(command).catch((error: unknown) =>
      this.logger.error(
        {
          err: error,
          command: command.command,
          source: command.source,
          requestedBy: command.requestedBy,
          targetId: command.targetId,
          recordId: command.recordId,
        },
        'command failed',
      ),
    );
  }
}
