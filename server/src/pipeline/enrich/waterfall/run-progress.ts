import type { RedisClient as Redis } from '../../../state/redis';
import type { CreditLedger, CreditUsage } from './credit-ledger';
import { failureCauses, type FailureCause, type FailureCauseOf } from './failure-causes';
import { failureSummary, type ProviderFailure } from './failure-summary';
import type { SkipReason, WaterfallResult } from './waterfall';
import { WaterfallKeys } from './waterfall-keys';

/** A single-record enrichment (ENRICH_RECORD, on entry) stopped by a credit limit: nothing resumes it, so it counts. */
export type CreditStop = 'run_ceiling' | 'monthly_budget';

export type RecordOutcome =
  | { counted: true; outcome: 'succeeded' }
  /** `causes`: each provider's failure behind it (the first is the record's cause in Skips_By_Reason__c). */
  | { counted: true; outcome: 'failed'; causes?: FailureCauseOf[] }
  | { counted: true; outcome: 'skipped'; reason: SkipReason | 'nothing_to_do' | CreditStop }
  /** Stopped by a credit limit: not counted, the record is enriched again when the run resumes. */
  | { counted: false; outcome: 'paused' };

/** Skips that mean "not now" rather than "not possible": the record is incomplete, so it counts as failed. */
const TRANSIENT_SKIPS: ReadonlySet<SkipReason> = new Set(['rate_limited', 'circuit_open']);

/**
 * How one record's waterfall counts in its run: failed when a provider error (or a provider we could not reach)
 * left a wanted attribute without a value; skipped when nothing was asked of anyone and nothing was cached;
 * otherwise succeeded — "no provider knows" is a clean answer, not a failure.
 */
export function classifyRecord(result: WaterfallResult): RecordOutcome {
  if (result.paused) return { counted: false, outcome: 'paused' };
  const incomplete = result.missing.length > 0;
  const unreached = result.skipped.some((skip) => TRANSIENT_SKIPS.has(skip.reason));
  if (incomplete && (result.errors.length > 0 || unreached)) {
    return { counted: true, outcome: 'failed', causes: failureCauses(result) };
  }
  if (result.calls.length === 0 && result.fromCache.length === 0) {
    return { counted: true, outcome: 'skipped', reason: result.skipped[0]?.reason ?? 'nothing_to_do' };
  }
  return { counted: true, outcome: 'succeeded' };
}

export interface RunProgressSnapshot {
  processed: number;
  succeeded: number;
  failed: number;
  skipped: number;
  skipsByReason: Record<string, number>;
  creditsUsed: number;
  creditsByProvider: Record<string, number>;
  /** Why records failed, per provider and cause, most records first. */
  failures: ProviderFailure[];
}

/** The Audience_Run__c fields a snapshot fills (DESIGN §4). */
export interface RunProgressFields {
  Processed__c: number;
  Succeeded__c: number;
  Failed__c: number;
  Skipped__c: number;
  Credits_Used__c: number;
  Credits_By_Provider__c: string;
  Skips_By_Reason__c: string;
  /** Set once a record failed: per provider, why (bad credentials, quota…), how many records, the last reply. */
  Error_Summary__c?: string;
}

const RUN_PROGRESS_TTL_MS = 90 * 24 * 60 * 60 * 1000;
const SKIP_FIELD = 'skip:';
/** Failed records by their first cause: `failed:<cause>` in Skips_By_Reason__c, next to the skip reasons. */
const FAILED_SKIP_REASON = 'failed:';
/** `cause:<provider>|<cause>`: records a provider failed for that cause; `why:…`: its last reply. */
const CAUSE_FIELD = 'cause:';
const WHY_FIELD = 'why:';

/**
 * A run's record counts, shared by every worker enriching it (Redis hash `<prefix>:enrich:progress:<runId>`), and
 * its credits from the credit ledger, which is the one place spend is booked.
 */
export class RunProgress {
  private readonly keys: WaterfallKeys;

  constructor(
    private readonly redis: Redis,
    private readonly credits: CreditLedger,
    options: { prefix: string },
  ) {
    this.keys = new WaterfallKeys(options.prefix);
  }

  /** Counts one record's result; returns how it counted. */
  async record(runId: string, result: WaterfallResult): Promise<RecordOutcome> {
    return this.count(runId, classifyRecord(result));
  }

  /** Counts one record as already classified (single-record runs classify several waterfalls together). */
  async count(runId: string, outcome: RecordOutcome): Promise<RecordOutcome> {
    if (!outcome.counted) return outcome;
    const key = this.keys.runProgress(runId);
    const multi = this.redis.multi().hincrby(key, 'processed', 1).hincrby(key, outcome.outcome, 1);
    if (outcome.outcome === 'skipped') multi.hincrby(key, `${SKIP_FIELD}${outcome.reason}`, 1);
    if (outcome.outcome === 'failed') {
      const causes = outcome.causes ?? [];
      multi.hincrby(key, `${SKIP_FIELD}${FAILED_SKIP_REASON}${causes[0]?.cause ?? 'unknown'}`, 1);
      for (const { provider, cause, reason } of causes) {
        multi.hincrby(key, `${CAUSE_FIELD}${provider}|${cause}`, 1);
        if (reason !== undefined) multi.hset(key, `${WHY_FIELD}${provider}|${cause}`, reason.slice(0, 300));
      }
    }
    await multi.pexpire(key, RUN_PROGRESS_TTL_MS).exec();
    return outcome;
  }

  /**
   * The run's counts, and its credits from the ledger runs named by `creditRuns` (default: the run itself). A
   * single-record run books its credits under ledger runs of its own, the scope of its per-run ceiling.
   */
  async snapshot(runId: string, creditRuns: readonly string[] = [runId]): Promise<RunProgressSnapshot> {
    const [raw, ...usages] = await Promise.all([
      this.redis.hgetall(this.keys.runProgress(runId)),
      ...creditRuns.map((creditRun) => this.credits.usage(creditRun)),
    ]);
    const usage = sumUsage(usages);
    const skipsByReason: Record<string, number> = {};
    const failures: ProviderFailure[] = [];
    for (const [field, value] of Object.entries(raw)) {
      if (field.startsWith(SKIP_FIELD)) skipsByReason[field.slice(SKIP_FIELD.length)] = Number(value);
      if (field.startsWith(CAUSE_FIELD)) {
        const [provider, cause] = field.slice(CAUSE_FIELD.length).split('|') as [
          ProviderFailure['provider'],
          FailureCause,
        ];
        const reason = raw[`${WHY_FIELD}${provider}|${cause}`];
        failures.push({ provider, cause, records: Number(value), ...(reason !== undefined && { reason }) });
      }
    }
    failures.sort((a, b) => b.records - a.records || a.provider.localeCompare(b.provider));
    return {
      processed: Number(raw.processed ?? 0),
      succeeded: Number(raw.succeeded ?? 0),
      failed: Number(raw.failed ?? 0),
      skipped: Number(raw.skipped ?? 0),
      skipsByReason,
      creditsUsed: usage.total,
      creditsByProvider: usage.byProvider,
      failures,
    };
  }

  key(runId: string): string {
    return this.keys.runProgress(runId);
  }
}

// Thousandths, as the ledger counts: 0.1 + 0.2 must read 0.3.
const addCredits = (a: number, b: number): number => Math.round((a + b) * 1000) / 1000;

function sumUsage(usages: readonly CreditUsage[]): { total: number; byProvider: Record<string, number> } {
  let total = 0;
  const byProvider: Record<string, number> = {};
  for (const usage of usages) {
    total = addCredits(total, usage.total);
    for (const [provider, credits] of Object.entries(usage.byProvider)) {
      byProvider[provider] = addCredits(byProvider[provider] ?? 0, credits);
    }
  }
  return { total, byProvider };
}

/** The snapshot as the run recorder writes it to Audience_Run__c. */
export function toRunFields(snapshot: RunProgressSnapshot): RunProgressFields {
  return {
    Processed__c: snapshot.processed,
    Succeeded__c: snapshot.succeeded,
    Failed__c: snapshot.failed,
    Skipped__c: snapshot.skipped,
    Credits_Used__c: snapshot.creditsUsed,
    Credits_By_Provider__c: JSON.stringify(sortedRecord(snapshot.creditsByProvider)),
    Skips_By_Reason__c: JSON.stringify(sortedRecord(snapshot.skipsByReason)),
    ...(snapshot.failed > 0 && { Error_Summary__c: failureSummary(snapshot.failures, snapshot.failed) }),
  };
}

// Stable key order so an unchanged snapshot writes an unchanged field (no needless Salesforce updates).
function sortedRecord(record: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => a.localeCompare(b)));
}
