import type { Connection } from 'jsforce';
import type { RunStatus } from '../../runs/run-recorder';
import type { Logger } from '../../../lib/logger';
import type { RunProgressFields } from '../waterfall/run-progress';

export interface RunRecordStart {
  /** Absent for an ENRICH_RECORD that ran several plans (the message names them). */
  planId?: string;
  audienceId?: string;
  total: number;
  message: string;
  now: Date;
}

/**
 * The `Audience_Run__c` of one enrichment run (a plan over its audience, one ENRICH_RECORD, or a plan's entries of
 * one UTC day): created when it starts (or reopened when a paused run resumes or another entry comes), its
 * counts and credits (`toRunFields`) written as the run goes, its status when it pauses or ends. A failed write is
 * logged and never fails the run.
 */
export class EnrichmentRunRecord {
  private constructor(
    private readonly conn: Connection,
    private readonly logger: Logger,
    readonly id: string,
  ) {}

  static async create(conn: Connection, logger: Logger, start: RunRecordStart): Promise<EnrichmentRunRecord> {
    const result = await conn.sobject('Audience_Run__c').create({
      Type__c: 'Enrichment',
      Status__c: 'Running',
      Status_Message__c: start.message.slice(0, 255),
      Audience_Enrichment__c: start.planId ?? null,
      Audience__c: start.audienceId ?? null,
      Total__c: start.total,
      Processed__c: 0,
      Succeeded__c: 0,
      Failed__c: 0,
      Skipped__c: 0,
      Credits_Used__c: 0,
      Started_At__c: start.now.toISOString(),
    });
    if (!result.success) throw new Error(`could not create the run record: ${JSON.stringify(result)}`);
    return new EnrichmentRunRecord(conn, logger, result.id);
  }

  /** A paused run's record, taken up again. */
  static reopen(conn: Connection, logger: Logger, id: string): EnrichmentRunRecord {
    return new EnrichmentRunRecord(conn, logger, id);
  }

  async progress(fields: RunProgressFields, total?: number): Promise<void> {
    await this.write({ ...fields, ...(total !== undefined && { Total__c: total }) });
  }

  async status(status: RunStatus, message: string, fields?: RunProgressFields, finishedAt?: Date): Promise<void> {
    await this.write({
      ...fields,
      Status__c: status,
      Status_Message__c: message.slice(0, 255),
      ...(finishedAt && { Finished_At__c: finishedAt.toISOString() }),
    });
  }

  /** Counts, total and status in one write: a single-record run writes its whole state each time. */
  async summary(
    status: RunStatus,
    message: string,
    fields: RunProgressFields,
    total: number,
    finishedAt: Date,
  ): Promise<void> {
    await this.write({
      ...fields,
      Total__c: total,
      Status__c: status,
      Status_Message__c: message.slice(0, 255),
      Finished_At__c: finishedAt.toISOString(),
    });
  }

  private async write(fields: Record<string, unknown>): Promise<void> {
    try {
      await this.conn.sobject('Audience_Run__c').update({ Id: this.id, ...fields });
    } catch (error) {
      this.logger.warn({ err: error, runId: this.id }, 'could not update the enrichment run record');
    }
  }
}
