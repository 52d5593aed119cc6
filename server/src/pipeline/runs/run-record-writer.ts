import type { Logger } from '../../lib/logger';
import type { OrgClient } from '../../salesforce/org-client';

const RUN_OBJECT = 'Audience_Run__c';

/**
 * The one writer of `Audience_Run__c` (imports, enrichment runs, ENRICH_RECORD, entries): creates a run and
 * updates it. A failed update is logged and never fails the run it describes.
 */
export class RunRecordWriter {
  constructor(
    private readonly org: OrgClient,
    private readonly logger: Logger,
  ) {}

  /** Creates the run record; throws when Salesforce refuses it (the caller decides whether the run goes on). */
  create(fields: Record<string, unknown>): Promise<string> {
    return this.org.insert(RUN_OBJECT, fields);
  }

  async update(id: string, fields: Record<string, unknown>): Promise<void> {
    try {
      await this.org.update(RUN_OBJECT, id, fields);
    } catch (error) {
      this.logger.warn({ err: error, runId: id }, 'could not update the run record');
    }
  }
}
