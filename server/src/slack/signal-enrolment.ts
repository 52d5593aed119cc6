import { z } from 'zod';
import type { Logger } from '../lib/logger';
import type { ActionStep } from '../pipeline/action/action-step';
import type { SignalRecords } from './signal-records';

/** Queued on `signals` (job name `enrol`) by the Enrol button; its job id makes a second click a no-op. */
export const signalEnrolJobSchema = z.object({
  signalId: z.string().min(1),
  actionId: z.string().min(1),
  recordId: z.string().min(1),
  /** Who clicked (a Slack user id), for the signal's message. */
  requestedBy: z.string().min(1),
  at: z.string(),
  deferrals: z.number().int().min(0).optional(),
});
export type SignalEnrolJob = z.infer<typeof signalEnrolJobSchema>;

/**
 * Enrol: applies the rule's `Enrol_Action__c` to the record through the action step, once (the application's key
 * is `<actionId>-signal-<signalId>-apply`, its log row names the signal); the signal becomes Actioned.
 */
export class SignalEnrolment {
  constructor(private readonly deps: { actions: ActionStep; records: SignalRecords; logger: Logger }) {}

  async enrol(job: SignalEnrolJob): Promise<string> {
    const outcome = await this.deps.actions.applyForSignal(job);
    if (!outcome) {
      await this.deps.records.update(job.signalId, { message: 'Enrol: the action is no longer active' });
      return 'action inactive';
    }
    if (outcome.status === 'Succeeded') {
      await this.deps.records.update(job.signalId, {
        status: 'Actioned',
        message: `enrolled by <@${job.requestedBy}>`,
      });
    } else if (outcome.status === 'Failed' || outcome.status === 'Skipped') {
      await this.deps.records.update(job.signalId, {
        message: `Enrol ${outcome.status.toLowerCase()}: ${outcome.message ?? ''}`,
      });
    }
    this.deps.logger.info({ signalId: job.signalId, key: outcome.key, status: outcome.status }, 'signal enrolment');
    return outcome.status;
  }
}
