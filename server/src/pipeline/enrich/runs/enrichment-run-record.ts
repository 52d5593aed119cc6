import type { OrgClient } from '../../../salesforce/org-client';
import { RunRecordWriter } from '../../runs/run-record-writer';
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
    private readonly writer: RunRecordWriter,
    readonly id: string,
  ) {}

  static async create(org: OrgClient, logger: Logger, start: RunRecordStart): Promise<EnrichmentRunRecord> {
    const writer = new RunRecordWriter(org, logger);
    const id = await writer.create({
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
    return new EnrichmentRunRecord(writer, id);
  }

  /** A paused run's record, taken up again. */
  static reopen(org: OrgClient, logger: Logger, id: string): EnrichmentRunRecord {
    return new EnrichmentRunRecord(new RunRecordWriter(org, logger), id);
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

  private write(fields: Record<string, unknown>): Promise<void> {
    return this.writer.update(this.id, fields);
  }
}
