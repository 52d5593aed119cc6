import { evaluateAudiences } from '../pipeline/evaluate-audiences';
import type { AudienceCommand } from './audience-command';
import type { CommandContext } from './command-context';

/** EVALUATE_AUDIENCE: one audience (`Target_Id__c`), or all, over the mirror. */
export function evaluateAudience(ctx: CommandContext, command: AudienceCommand): Promise<void> {
  const audiences = ctx.config.current.audiences.filter((a) => !command.targetId || a.id === command.targetId);
  return evaluateAudiences(ctx, audiences);
}
