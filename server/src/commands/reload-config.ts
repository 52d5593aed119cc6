import type { AudienceCommand } from './audience-command';
import type { CommandContext } from './command-context';

/** RELOAD_CONFIG: a config record changed. Our own status and count writes need no reload of what we just wrote. */
export function reloadConfig(ctx: CommandContext, command: AudienceCommand): Promise<void> {
  if (command.requestedBy && command.requestedBy === ctx.integrationUserId()) return Promise.resolve();
  return ctx.reloader.request('RELOAD_CONFIG');
}
