import type { LoadedAction } from '../pipeline/action/loaded-action';
import type { AudienceConfig } from './loop-config';

/** The verdict on one `Audience_Action__c` record: the action to run, or why it is not used. */
export interface ActionVerdict {
  problem?: string;
  action?: LoadedAction;
}

/**
 * Checks one `Audience_Action__c` row against its (active, valid) audience. The action step implements it (it
 * knows the targets); `config/` only asks, so it depends on no stage.
 */
export interface ActionRowCheck {
  check(row: Record<string, unknown> & { Id: string }, audience: AudienceConfig | undefined): Promise<ActionVerdict>;
}
