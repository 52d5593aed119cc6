import type { Logger } from '../../lib/logger';
import type { RUN_STATUS, RUN_TYPES } from '../../domain/records';
import type { AlongsideInsert, InsertOutcome } from '../../salesforce/insert-with-first-page';
import type { OrgClient } from '../../salesforce/org-client';
import type { CollectionsClient } from '../../salesforce/writers/collections-client';
import type { SaveOutcome, SaveRow } from '../../salesforce/writers/write-types';
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

/** What a run record is created with. */
export interface RunStart {
  type: RunType;
  sourceId?: string;
  audienceId?: string;
  enrichmentId?: string;
  total?: number;
  message?: string;
}

/**
 * One `Audience_Run__c`, kept current while the run goes: created when it starts, its counts written at most
 * once a second, and its final status written when it ends. Failing to record progress never fails the run.
 */
export class RunRecorder {
  /** The create counts as a write: a run that ends within its first interval is created and finished, no more. */
  private lastWrite = Date.now();
  private pending: RunCounts | undefined;
  private runId: string | undefined;
  /** Whether the create was sent (alone or along with another call), whatever it came to. */
  private createSent = false;

  private constructor(
    private readonly writer: RunRecordWriter,
    private readonly logger: Logger,
    private readonly input: RunStart,
    private readonly minIntervalMs: number,
  ) {}

  static async start(org: OrgClient, logger: Logger, input: RunStart, minIntervalMs = 1000): Promise<RunRecorder> {
    const run = RunRecorder.unstarted(org, logger, input, minIntervalMs);
    await run.create();
    return run;
  }

  /**
   * A run whose record is not created yet: the caller sends the create along with its first call (`alongside`),
   * or `create` sends it alone. With `collections`, `finish` can update other records in the same call.
   */
  static unstarted(
    org: OrgClient,
    logger: Logger,
    input: RunStart,
    minIntervalMs = 1000,
    collections?: CollectionsClient,
  ): RunRecorder {
    return new RunRecorder(new RunRecordWriter(org, logger, collections), logger, input, minIntervalMs);
  }

  get id(): string | undefined {
    return this.runId;
  }

  /** Creates the record in a call of its own, unless its create was sent already. */
  async create(): Promise<void> {
    if (this.createSent) return;
    this.createSent = true;
    try {
      this.created({ ok: true, id: await this.writer.create(this.createFields()) });
    } catch (error) {
      this.created({ ok: false, error: error as Error });
    }
  }

  /** The create, for sending with another call (`OrgClient.firstPage`); undefined once it was sent. */
  alongside(): AlongsideInsert | undefined {
    if (this.createSent) return undefined;
    this.createSent = true;
    return { ...RunRecordWriter.createFields(this.createFields()), onCreated: (outcome) => this.created(outcome) };
  }

  private created(outcome: InsertOutcome): void {
    this.lastWrite = Date.now();
    if (outcome.ok) this.runId = outcome.id;
    else {
      this.logger.error(
        { err: outcome.error, type: this.input.type },
        'could not create the run record; the run goes on without it',
      );
    }
  }

  private createFields(): Record<string, unknown> {
    const input = this.input;
    return {
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
    };
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

  /**
   * Writes the final status and counts. `others` (updates of other records, e.g. the import's source stamp) go in
   * the same Collections request (needs `collections`, see `unstarted`); their outcomes are returned, in order.
   */
  async finish(
    status: RunStatus,
    counts: RunCounts | undefined,
    message: string,
    others: readonly SaveRow[] = [],
  ): Promise<SaveOutcome[]> {
    const final = counts ?? this.pending;
    const fields = {
      ...(final && this.fields(final)),
      Status__c: status,
      Status_Message__c: message.slice(0, 255),
      Finished_At__c: new Date().toISOString(),
    };
    if (others.length > 0) return this.writer.updateWith(this.runId, fields, others);
    await this.write(fields);
    return [];
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
    if (this.runId) await this.writer.update(this.runId, fields);
  }
}
