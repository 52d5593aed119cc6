import type { Logger } from '../lib/logger';
import type { CollectionsClient } from '../salesforce/writers/collections-client';

/** What a config record shows now, and what it should show after this load. */
export interface ConfigStatusVerdict {
  object: string;
  record: { Id: string; Status__c?: string | null; Status_Message__c?: string | null };
  /** Why the record is not used; undefined when it is fine. */
  problem: string | undefined;
}

/** Salesforce's text limit on `Status_Message__c`. */
export function shortStatusMessage(message: string): string {
  return message.length <= 255 ? message : `${message.slice(0, 252)}...`;
}

/**
 * Writes `Status__c` / `Status_Message__c` on the config records whose verdict changed, and only those: a reload
 * caused by our own status write then finds nothing to write and ends there.
 */
export async function writeConfigStatuses(
  client: CollectionsClient,
  verdicts: readonly ConfigStatusVerdict[],
  logger: Logger,
): Promise<void> {
  const rows = verdicts.flatMap(({ object, record, problem }) => {
    const status = problem === undefined ? 'OK' : 'Error';
    const message = problem === undefined ? null : shortStatusMessage(problem);
    if (record.Status__c === status && (record.Status_Message__c ?? null) === message) return [];
    return [{ object, id: record.Id, fields: { Status__c: status, Status_Message__c: message } }];
  });
  if (rows.length === 0) return;
  const outcomes = await client.save('update', rows);
  outcomes.forEach((outcome, index) => {
    if (!outcome.ok) {
      const row = rows[index];
      logger.error(
        { object: row?.object, id: row?.id, code: outcome.code },
        `could not write a config status: ${outcome.message}`,
      );
    }
  });
}
