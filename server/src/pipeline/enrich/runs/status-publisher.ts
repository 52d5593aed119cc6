import type { OrgClient } from '../../../salesforce/org-client';
import type { Logger } from '../../../lib/logger';

export interface RunStatusEvent {
  runId?: string;
  recordId?: string;
  stage: string;
  /** 0–100. */
  progress?: number;
  message: string;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Publishes `Audience_Status__e` for a run at most once per interval (default 1 s) per run: in between, only the
 * latest event is kept; `flush` sends it once the interval allows (the final state is never lost, never early).
 */
export class StatusPublisher {
  private readonly last = new Map<string, number>();
  private readonly pending = new Map<string, RunStatusEvent>();

  constructor(
    private readonly org: OrgClient,
    private readonly logger: Logger,
    private readonly intervalMs = 1000,
    private readonly now: () => number = Date.now,
  ) {}

  /** Publishes now if the run's interval has passed; otherwise keeps the event for the next publish or flush. */
  async publish(event: RunStatusEvent): Promise<void> {
    const key = event.runId ?? event.recordId ?? '';
    const last = this.last.get(key);
    if (last !== undefined && this.now() - last < this.intervalMs) {
      this.pending.set(key, event);
      return;
    }
    await this.send(key, event);
  }

  /** Sends the event (or the one kept) as soon as the interval allows, then forgets the run. */
  async flush(event: RunStatusEvent): Promise<void> {
    const key = event.runId ?? event.recordId ?? '';
    this.pending.delete(key);
    const last = this.last.get(key);
    if (last !== undefined) {
      const wait = this.intervalMs - (this.now() - last);
      if (wait > 0) await sleep(wait);
    }
    await this.send(key, event);
    this.last.delete(key);
  }

  /** Single-record events are never flushed: entries past their interval are dropped so the map stays small. */
  private forgetOld(): void {
    if (this.last.size < 1000) return;
    const now = this.now();
    for (const [key, at] of this.last) if (now - at >= this.intervalMs && !this.pending.has(key)) this.last.delete(key);
  }

  private async send(key: string, event: RunStatusEvent): Promise<void> {
    this.pending.delete(key);
    this.forgetOld();
    this.last.set(key, this.now());
    try {
      await this.org.publish('Audience_Status__e', {
        Run_Id__c: event.runId ?? null,
        Record_Id__c: event.recordId ?? null,
        Stage__c: event.stage.slice(0, 255),
        Progress__c:
          event.progress === undefined ? null : Math.round(Math.min(100, Math.max(0, event.progress)) * 100) / 100,
        Message__c: event.message.slice(0, 255),
      });
    } catch (error) {
      this.logger.warn({ err: error, key }, 'could not publish Audience_Status__e');
    }
  }
}
