import type { AudienceConfig } from '../../../config/loop-config';
import type { Logger } from '../../../lib/logger';
import type { CollectionsClient } from '../../../salesforce/writers/collections-client';
import type { MembershipService } from './membership-service';
import type { MembershipStore } from './membership-store';

/**
 * Keeps `Audience__c.Member_Count__c` and `Last_Evaluated_At__c` current for audiences whose membership changed,
 * at most once per interval, and only when the count differs from the last one written.
 */
export class MemberCountUpdater {
  private timer: NodeJS.Timeout | undefined;
  private readonly written = new Map<string, number>();
  private running: Promise<void> = Promise.resolve();

  constructor(
    private readonly client: CollectionsClient,
    private readonly membership: MembershipService,
    private readonly store: MembershipStore,
    private readonly audiences: () => AudienceConfig[],
    private readonly logger: Logger,
    private readonly intervalMs = 2_000,
  ) {}

  start(): void {
    this.timer = setInterval(() => {
      this.running = this.running.then(() => this.flush());
    }, this.intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
    await this.flush();
  }

  async flush(): Promise<void> {
    const touched = this.membership.takeTouched();
    if (touched.length === 0) return;
    const known = new Map(this.audiences().map((a) => [a.id, a]));
    const updates: { Id: string; Member_Count__c: number; Last_Evaluated_At__c: string }[] = [];
    for (const id of touched) {
      const audience = known.get(id);
      if (!audience) continue;
      const count = await this.store.countActive(id);
      const previous = this.written.get(id) ?? audience.memberCount;
      if (previous === count) continue;
      updates.push({ Id: id, Member_Count__c: count, Last_Evaluated_At__c: new Date().toISOString() });
    }
    if (updates.length === 0) return;
    const outcomes = await this.client.save(
      'update',
      updates.map(({ Id, ...fields }) => ({ object: 'Audience__c', id: Id, fields })),
    );
    outcomes.forEach((outcome, index) => {
      const update = updates[index] as (typeof updates)[number];
      if (outcome.ok) this.written.set(update.Id, update.Member_Count__c);
      else if (!outcome.final)
        this.membership.markTouched(update.Id); // tried again with the next change
      else
        this.logger.warn(
          { audienceId: update.Id, code: outcome.code },
          `could not write Member_Count__c: ${outcome.message}`,
        );
    });
  }
}
