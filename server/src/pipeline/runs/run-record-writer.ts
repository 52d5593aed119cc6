import type { Logger } from '../../lib/logger';
import type { OrgClient } from '../../salesforce/org-client';
import { capSummary } from './summary-cap';

const RUN_OBJECT = 'Audience_Run__c';
/** Status_Message__c is a text field of this length (force-app). */
const STATUS_MESSAGE_LENGTH = 255;

/** The fields as Salesforce accepts them: every text within its field's length, a cut always said. */
function withinFieldLengths(fields: Record<string, unknown>): Record<string, unknown> {
  const capped = { ...fields };
  if (typeof capped.Error_Summary__c === 'string') capped.Error_Summary__c = capSummary(capped.Error_Summary__c);
  const message = capped.Status_Message__c;
  if (typeof message === 'string' && message.length > STATUS_MESSAGE_LENGTH) {
    capped.Status_Message__c = `${message.slice(0, STATUS_MESSAGE_LENGTH - 1)}…`;
  }
  return capped;
}

/**
 * The one writer of `Audience_Run__c` (imports, enrichment runs, ENRICH_RECORD, entries): creates a run and
 * updates it, every text within its field's length. A failed update is logged and never fails the run it describes.
 */
export class RunRecordWriter {
  constructor(
    private readonly org: OrgClient,
    private readonly logger: Logger,
  ) {}

  /** Creates the run record; throws when Salesforce refuses it (the caller decides whether the run goes on). */
  create(fields: Record<string, unknown>): Promise<string> {
    return this.org.insert(RUN_OBJECT, withinFieldLengths(fields));
  }

  async update(id: string, fields: Record<string, unknown>): Promise<void> {
    try {
      await this.org.update(RUN_OBJECT, id, withinFieldLengths(fields));
    } catch (error) {
      this.logger.warn({ err: error, runId: id }, 'could not update the run record');
    }
  }
}
