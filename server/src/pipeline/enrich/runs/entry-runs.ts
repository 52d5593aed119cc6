import type { RedisClient as Redis } from '../../../state/redis';
import type { OrgClient } from '../../../salesforce/org-client';
import type { EnrichmentPlan } from '../../../config/enrichment-plan';
import { AppError } from '../../../lib/errors';
import type { Logger } from '../../../lib/logger';
import { toRunFields, type RunProgress } from '../waterfall/run-progress';
import { EnrichmentRunRecord } from './enrichment-run-record';
import type { RunKeys } from './run-keys';
import { singleRunMessage, singleRunStatus } from './single-record-runs';

export interface EntryRunsDeps {
  org: OrgClient;
  redis: Redis;
  logger: Logger;
  progress: RunProgress;
  keys: RunKeys;
  now: () => Date;
  /** Least time between two writes of one run record (the last state is always written). */
  intervalMs: number;
}

/** An entry run of one plan and day: its record and the ledger run its credits are booked under. */
export interface EntryRun {
  plan: EnrichmentPlan;
  day: string;
  record: EnrichmentRunRecord;
  creditRun: string;
}

interface PendingWrite {
  write: () => Promise<void>;
  dirty: boolean;
  lastAt: number;
  timer?: NodeJS.Timeout;
  running?: Promise<void>;
}

const CREATING = 'creating';
/** Long enough for the day's entries (and a late retry) to find the day's record. */
const ENTRY_RUN_TTL_MS = 3 * 24 * 60 * 60 * 1000;
const CLAIM_MS = 30_000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The UTC day of `at`, `YYYY-MM-DD`. */
export const utcDay = (at: Date): string => at.toISOString().slice(0, 10);

/**
 * The `Audience_Run__c` of on-entry enrichment: one per plan and UTC day — one record an admin can read per day
 * rather than one per entry. The first entry of the day creates it (one process wins a Redis claim; the others wait
 * for its id), and every entry counted updates it: at most once per interval per run, the last state always. Its
 * credits are those of the day's ledger run, the scope in which Max_Credits_Per_Run__c applies to entries.
 */
export class EntryRuns {
  private readonly runs = new Map<string, Promise<EntryRun>>();
  private readonly writes = new Map<string, PendingWrite>();

  constructor(private readonly deps: EntryRunsDeps) {}

  /** The plan's run of the day `at` falls on, created on first use. */
  async runFor(plan: EnrichmentPlan, at: Date): Promise<EntryRun> {
    const day = utcDay(at);
    const memo = `${plan.id}:${day}`;
    let run = this.runs.get(memo);
    if (!run) {
      if (this.runs.size >= 100) this.runs.clear();
      run = this.claim(plan, day, at);
      this.runs.set(memo, run);
      run.catch(() => this.runs.delete(memo));
    }
    // The plan as loaded now (a RELOAD_CONFIG may have renamed it since the day's first entry).
    return { ...(await run), plan };
  }

  /** An entry was counted: the run record shows it soon (coalesced with the entries around it). */
  changed(run: EntryRun): void {
    const { progress, now } = this.deps;
    const label = `On entry ${run.day} (UTC), ${run.plan.name}`;
    this.schedule(run.record.id, async () => {
      const snapshot = await progress.snapshot(run.record.id, [run.creditRun]);
      const status = singleRunStatus(snapshot);
      await run.record.summary(
        status,
        singleRunMessage(label, snapshot),
        toRunFields(snapshot),
        snapshot.processed,
        now(),
      );
    });
  }

  /** Writes what is still pending now (at shutdown). */
  async flush(): Promise<void> {
    for (const [id, pending] of this.writes) {
      await pending.running;
      if (pending.dirty) await this.drain(id);
    }
  }

  private async claim(plan: EnrichmentPlan, day: string, at: Date): Promise<EntryRun> {
    const { org, redis, logger, keys } = this.deps;
    const key = keys.entryRun(plan.id, day);
    const creditRun = `entry-${plan.id}-${day}`;
    for (let attempt = 0; attempt < 200; attempt += 1) {
      const id = await redis.get(key);
      if (id !== null && id !== CREATING) {
        return { plan, day, creditRun, record: EnrichmentRunRecord.reopen(org, logger, id) };
      }
      if (id === null && (await redis.set(key, CREATING, 'PX', CLAIM_MS, 'NX')) === 'OK') {
        try {
          const record = await EnrichmentRunRecord.create(org, logger, {
            planId: plan.id,
            ...(plan.audienceId ? { audienceId: plan.audienceId } : {}),
            total: 0,
            message: `On entry ${day} (UTC), ${plan.name}: running`,
            now: at,
          });
          await redis.set(key, record.id, 'PX', ENTRY_RUN_TTL_MS);
          return { plan, day, creditRun, record };
        } catch (error) {
          await redis.del(key);
          throw error;
        }
      }
      await sleep(100);
    }
    throw new AppError('ENRICH_ENTRY_RUN_PENDING', `the entry run of ${plan.name} for ${day} is not created yet`, true);
  }

  private schedule(id: string, write: () => Promise<void>): void {
    let pending = this.writes.get(id);
    if (!pending) {
      if (this.writes.size >= 100) this.forgetIdle();
      pending = { write, dirty: false, lastAt: 0 };
      this.writes.set(id, pending);
    }
    pending.write = write;
    pending.dirty = true;
    if (pending.timer || pending.running) return;
    const wait = Math.max(0, pending.lastAt + this.deps.intervalMs - Date.now());
    pending.timer = setTimeout(() => void this.drain(id), wait);
    pending.timer.unref();
  }

  private async drain(id: string): Promise<void> {
    const pending = this.writes.get(id);
    if (!pending) return;
    clearTimeout(pending.timer);
    pending.timer = undefined;
    if (!pending.dirty || pending.running) return;
    pending.dirty = false;
    pending.lastAt = Date.now();
    pending.running = pending
      .write()
      .catch((error: unknown) => this.deps.logger.warn({ err: error, runId: id }, 'could not update the entry run'))
      .finally(() => {
        pending.running = undefined;
        // Entries counted while this write was on its way.
        if (pending.dirty) this.schedule(id, pending.write);
      });
    await pending.running;
  }

  private forgetIdle(): void {
    for (const [id, pending] of this.writes) {
      if (!pending.dirty && !pending.running && !pending.timer) this.writes.delete(id);
    }
  }
}
