import type { Queue } from 'bullmq';
import { jobId } from '../queues/job-ids';
import type { LiveConfig } from './live-config';
import type { MembershipEvent } from './segments/membership/membership-event';

export type MembershipListener = (events: MembershipEvent[]) => Promise<void>;

/**
 * Hands every audience entry and exit to the stages that act on it: the `membership` queue (actions) — only for
 * audiences with an active action, so a long-running service never piles up jobs nobody consumes — and the
 * listeners (on-entry enrichment, tests). One job per episode and kind: a replay of the same episode is a no-op.
 */
export class MembershipFanout {
  private readonly listeners: MembershipListener[] = [];

  constructor(
    private readonly queue: Queue<MembershipEvent & { actionIds?: string[] }>,
    private readonly config: LiveConfig,
  ) {}

  listen(listener: MembershipListener): void {
    this.listeners.push(listener);
  }

  async emit(events: MembershipEvent[]): Promise<void> {
    const { actionAudienceIds, actions } = this.config.current;
    const acted = new Set(actionAudienceIds);
    const queued = events.filter((event) => acted.has(event.audienceId));
    if (queued.length > 0) {
      await this.queue.addBulk(
        queued.map((event) => ({
          name: event.kind,
          // An action applies to the episodes opened while it is active: the entry names the actions active now.
          data: { ...event, actionIds: actions.filter((a) => a.audienceId === event.audienceId).map((a) => a.id) },
          opts: { jobId: jobId(event.kind, event.episodeKey) },
        })),
      );
    }
    for (const listener of this.listeners) await listener(events);
  }
}
