import { StreamingExtension } from 'jsforce/api/streaming';
import type { Logger } from '../../lib/logger';
import { closeFayeClient, type FayeClient } from './faye-client';
import { parseAudienceCommand, type AudienceCommand } from '../../commands/audience-command';
import type { OrgClient } from '../org-client';

export const COMMAND_CHANNEL = '/event/Audience_Command__e';

/**
 * Follows `Audience_Command__e` (the LWC button, the config triggers) from new events on. Commands are small and
 * idempotent to repeat; a missed RELOAD_CONFIG is caught by the safety poll. The Faye client fixes its token when
 * created, so it is rebuilt after jsforce renews the session.
 */
export class CommandSubscriber {
  private client: FayeClient | undefined;
  private stopped = false;
  private replay: InstanceType<typeof StreamingExtension.Replay> | undefined;
  private readonly onRefresh = () => this.rebuild();

  private readonly conn;

  constructor(
    org: OrgClient,
    private readonly handle: (command: AudienceCommand) => Promise<void>,
    private readonly logger: Logger,
  ) {
    this.conn = org.connection;
  }

  start(): void {
    this.stopped = false;
    this.conn.on('refresh', this.onRefresh);
    this.rebuild();
  }

  stop(): void {
    this.stopped = true;
    this.conn.removeListener('refresh', this.onRefresh);
    if (this.client) closeFayeClient(this.client);
    this.client = undefined;
  }

  private rebuild(): void {
    if (this.stopped) return;
    if (this.client) closeFayeClient(this.client);
    const authFailure = new StreamingExtension.AuthFailure(() => {
      this.logger.warn('command channel: authentication failed; renewing the session');
      // Any REST call renews the token through jsforce; its `refresh` event then rebuilds this client.
      this.conn.identity().catch((error: unknown) => this.logger.error({ err: error }, 'session renewal failed'));
    });
    // The Replay extension remembers the last event received and asks for what came after it when Faye
    // re-handshakes (after 403::Unknown client or a dropped poll), so a command published meanwhile is not lost.
    if (!this.replay) this.replay = new StreamingExtension.Replay(COMMAND_CHANNEL, -1);
    const client = this.conn.streaming.createClient([authFailure, this.replay]) as unknown as FayeClient;
    this.client = client;
    client
      .subscribe(COMMAND_CHANNEL, (data: unknown) => {
        let command: AudienceCommand;
        try {
          command = parseAudienceCommand(data);
        } catch (error) {
          this.logger.warn({ err: error }, 'ignored a malformed Audience_Command__e');
          return;
        }
        this.handle(command).catch((error: unknown) =>
          this.logger.error({ err: error, command: command.command, targetId: command.targetId }, 'command failed'),
        );
      })
      .then(undefined, (error: unknown) => this.logger.error({ err: error }, 'could not subscribe to commands'));
  }
}
