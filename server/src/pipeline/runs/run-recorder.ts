import type { Logger } from '../../lib/logger';
import type { RUN_STATUS, RUN_TYPES } from '../../domain/records';
import type { OrgClient } from '../../salesforce/org-client';
import { RunRecordWriter } from './run-record-writer';

export type RunType = (typeof RUN_TYPES)[number];
export type RunStatus = (typeof RUN_STATUS)[number];

export interface RunCounts {
  total?: number;
  processed: number;
  succeeded: number;
  failed: number;
  skipped: number;
  skipsByReason?: Record<string, number>;
  errorSummary?: string;
}

/**
 * One `Audience_Run__c`, kept current while the run goes: created when it starts, its counts written at most
 * once a second, and its final status written when it ends. Failing to record progress never fails the run.
 */
export class RunRecorder {
  /** The create counts as a write: a run that ends within its first interval is created and finished, no more. */
  private lastWrite = Date.now();
  private pending: RunCounts | undefined;

  private constructor(
    private readonly writer: RunRecordWriter,
    readonly id: string | undefined,
    private readonly minIntervalMs: number,
  ) {}

  static async start(
    org: OrgClient,
    logger: Logger,
    input: {
      type: RunType;
      sourceId?: string;
      audienceId?: string;
      enrichmentId?: string;
      total?: number;
      message?: string;
    },
    minIntervalMs = 1000,
  ): Promise<RunRecorder> {
    const writer = new RunRecordWriter(org, logger);
    try {
      const id = await writer.create({
        Type__c: input.type,
        Status__c: 'Running',
        Status_Message__c: input.message ?? null,
        Audience_Source__c: input.sourceId ?? null,
        Audience__c: input.audienceId ?? null,
        Audience_Enrichment__c: input.enrichmentId ?? null,
        Total__c: input.total ?? null,
        Processed__c: 0,
        Succeeded__c: 0,
        Failed__c: 0,
        Skipped__c: 0,
        Started_At__c: new Date().toISOString(),
      });
      return new RunRecorder(writer, id, minIntervalMs);
    } catch (error) {
      logger.error({ err: error, type: input.type }, 'could not create the run record; the run goes on without it');
      return new RunRecorder(writer, undefined, minIntervalMs);
    }
  }

  /** Records counts, at most once per interval (the last counts are kept for `finish`). */
  async progress(counts: RunCounts, message?: string): Promise<void> {
    this.pending = counts;
    const now = Date.now();
    if (now - this.lastWrite < this.minIntervalMs) return;
    this.lastWrite = now;
    await this.write({
      ...this.fields(counts),
      ...(message !== undefined && { Status_Message__c: message.slice(0, 255) }),
    });
  }

  async setStatus(status: RunStatus, message: string): Promise<void> {
    await this.write({ Status__c: status, Status_Message__c: message.slice(0, 255) });
  }

  async finish(status: RunStatus, counts: RunCounts | undefined, message: string): Promise<void> {
    const final = counts ?? this.pending;
    await this.write({
      ...(final && this.fields(final)),
      Status__c: status,
      Status_Message__c: message.slice(0, 255),
      Finished_At__c: new Date().toISOString(),
    });
  }

  private fields(counts: RunCounts): Record<string, unknown> {
    return {
      ...(counts.total !== undefined && { Total__c: counts.total }),
      Processed__c: counts.processed,
      Succeeded__c: counts.succeeded,
      Failed__c: counts.failed,
      Skipped__c: counts.skipped,
      ...(counts.skipsByReason && { Skips_By_Reason__c: JSON.stringify(counts.skipsByReason) }),
      // Capped to the field's length by the run record writer, with a "…and N more" tail.
      ...(counts.errorSummary !== undefined && { Error_Summary__c: counts.errorSummary }),
    };
  }

  private async write(fields: Record<string, unknown>): Promise<void> {
    if (this.id) await this.writer.update(this.id, fields);
  }
}
