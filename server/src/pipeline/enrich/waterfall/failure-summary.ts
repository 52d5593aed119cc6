import type { ProviderId } from '../providers/provider-contract';
import { CAUSE_TEXT, type FailureCause } from './failure-causes';

/** Records one provider failed for one cause in a run, and the provider's last reply for it. */
export interface ProviderFailure {
  provider: ProviderId;
  cause: FailureCause;
  records: number;
  reason?: string;
}

/**
 * Error_Summary__c of an enrichment run with failed records: one line per provider and cause, e.g.
 * `hunter: bad credentials (HTTP 401/403: …) — 138 records; last reply: hunter email-finder: HTTP 401: …`.
 */
export function failureSummary(failures: readonly ProviderFailure[], failedRecords: number): string {
  const lines = failures.map((failure) => {
    const records = `${failure.records} record${failure.records === 1 ? '' : 's'}`;
    const reply = failure.reason ? `; last reply: ${failure.reason}` : '';
    return `${failure.provider}: ${CAUSE_TEXT[failure.cause]} — ${records}${reply}`;
  });
  const head = `${failedRecords} record${failedRecords === 1 ? '' : 's'} failed`;
  return lines.length > 0 ? [`${head}:`, ...lines].join('\n') : `${head} (no provider reported why)`;
}
