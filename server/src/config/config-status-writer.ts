import type { Logger } from '../lib/logger';
import type { CollectionsClient } from '../salesforce/writers/collections-client';

/** What a config record shows now, and what it should show after this load. */
export interface ConfigStatusVerdict {
  object: string;
  record: { Id: string; Status__c?: string | null; Status_Message__c?: string | null };
  /** Why the record is not used; undefined when it is fine. */
  problem: string | undefined;
}

/**
 * How a run (a warehouse import, a prospect search) starts the message it writes on its source when it failed: the
 * run's verdict, not the config's, so a reload that finds the config fine leaves it until the next run.
 */
export const RUN_FAILED_PREFIX = 'last run failed: ';

/** Salesforce's text limit on `Status_Message__c`. */
export function shortStatusMessage(message: string): string {
  return message.length <= 255 ? message : `${message.slice(0, 252)}...`;
}

/**
 * What the last run wrote on a record whose config is fine: a success message (`OK`), or a failure
 * (`RUN_FAILED_PREFIX`). A config problem is an `Error` without the prefix, and is cleared once the config is fixed.
 */
function isRunVerdict(record: ConfigStatusVerdict['record']): boolean {
  if (record.Status__c === 'OK') return true;
  return record.Status__c === 'Error' && (record.Status_Message__c ?? '').startsWith(RUN_FAILED_PREFIX);
}

/**
 * Writes `Status__c` / `Status_Message__c` on the config records whose verdict changed, and only those: a reload
 * caused by our own status write then finds nothing to write and ends there. A record whose config is fine keeps
 * what its last run wrote there (a warehouse import's failure stays visible until the next run).
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
    if (problem === undefined && isRunVerdict(record)) return [];
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
