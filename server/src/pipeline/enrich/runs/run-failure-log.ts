import type { Logger } from '../../../lib/logger';
import type { RunProgressSnapshot } from '../waterfall/run-progress';

/**
 * The log line at the end of an enrichment run with failed records (an engineer reading logs must not have to open
 * the run record to learn that every call was refused): error when nothing succeeded, warn otherwise.
 */
export function logRunFailures(
  logger: Logger,
  context: Record<string, unknown>,
  snapshot: RunProgressSnapshot,
  summary: string | undefined,
): void {
  if (snapshot.failed === 0) return;
  const fields = {
    ...context,
    processed: snapshot.processed,
    succeeded: snapshot.succeeded,
    failed: snapshot.failed,
    causes: snapshot.failures.map(({ provider, cause, records }) => ({ provider, cause, records })),
  };
  const message = `enrichment run ended with ${snapshot.failed} failed records: ${summary ?? 'no reason recorded'}`;
  if (snapshot.succeeded === 0) logger.error(fields, message);
  else logger.warn(fields, message);
}
