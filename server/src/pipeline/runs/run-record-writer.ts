import type { Logger } from '../../lib/logger';
import type { OrgClient } from '../../salesforce/org-client';
import type { CollectionsClient } from '../../salesforce/writers/collections-client';
import type { SaveOutcome, SaveRow } from '../../salesforce/writers/write-types';
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
    /** Lets an update carry other records' updates in the same call (`updateWith`). */
    private readonly collections?: CollectionsClient,
  ) {}

  /** The create's fields as Salesforce accepts them, for a caller that sends the create with another call. */
  static createFields(fields: Record<string, unknown>): { object: string; fields: Record<string, unknown> } {
    return { object: RUN_OBJECT, fields: withinFieldLengths(fields) };
  }

  /** Creates the run record; throws when Salesforce refuses it (the caller decides whether the run goes on). */
  create(fields: Record<string, unknown>): Promise<string> {
    return this.org.insert(RUN_OBJECT, withinFieldLengths(fields));
  }

  /**
   * Updates the run (when it has a record) and `others` in one Collections request, where each would be a call of
   * its own; returns the others' outcomes, in order. Needs the Collections client (a writer made without one
   * updates the run alone).
   */
  async updateWith(
    id: string | undefined,
    fields: Record<string, unknown>,
    others: readonly SaveRow[],
  ): Promise<SaveOutcome[]> {
    if (!this.collections) throw new RangeError('RunRecordWriter.updateWith needs a Collections client');
    const rows: SaveRow[] = [
      ...(id ? [{ object: RUN_OBJECT, id, fields: withinFieldLengths(fields) }] : []),
      ...others,
    ];
    const outcomes = await this.collections.save('update', rows);
    const own = id ? outcomes[0] : undefined;
    if (own && !own.ok) {
      this.logger.warn({ runId: id, code: own.code }, `could not update the run record: ${own.message}`);
    }
    return id ? outcomes.slice(1) : outcomes;
  }

  async update(id: string, fields: Record<string, unknown>): Promise<void> {
    try {
      await this.org.update(RUN_OBJECT, id, withinFieldLengths(fields));
    } catch (error) {
      this.logger.warn({ err: error, runId: id }, 'could not update the run record');
    }
  }
}
