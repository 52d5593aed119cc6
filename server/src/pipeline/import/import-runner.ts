import type { RedisClient as Redis } from '../../state/redis';
import type { SourceConfig } from '../../config/loop-config';
import type { Logger } from '../../lib/logger';
import { runInitialImport, type InitialImportResult } from './initial-import';
import type { MirrorFieldSet } from './mirror-fields';
import type { MirrorStore } from './mirror-store';
import type { LoopStats } from '../loop-stats';
import { emptySkipTally, mergeSkipTallies, skipTallyJson, totalSkips } from '../export';
import { RetryableWriteError, type RecordRefresher, type RefreshOutcome } from '../refresh-records';
import { RunRecorder } from '../runs/run-recorder';
import { finishedRunStatus } from '../runs/run-status';
import type { ApiBudgetGovernor } from '../../salesforce/budget/api-budget-governor';
import type { OrgClient } from '../../salesforce/org-client';
import type { DescribeCache } from '../../salesforce/schema/describe-cache';
import type { KeySpace } from '../../state/key-space';
import type { ProgressReporter } from '../../lib/progress-reporter';
import type { BulkSaverStats } from '../../salesforce/bulk/bulk-saver';
import type { RecordSaver } from '../../salesforce/writers/write-types';
import type { CollectionsClient } from '../../salesforce/writers/collections-client';
import { traceRecord } from '../../lib/record-trace';
import { WriteBatch } from '../write-batch';

/** How often an import writes its counts to its Audience_Run__c. */
export const IMPORT_PROGRESS_INTERVAL_MS = 5_000;

export interface ImportRunnerDeps {
  org: OrgClient;
  redis: Redis;
  keys: KeySpace;
  mirror: MirrorStore;
  describes: DescribeCache;
  refresher: RecordRefresher;
  governor: ApiBudgetGovernor;
  /** Writes the run's final status and the source's sync stamp in one request. */
  collections: CollectionsClient;
  stats: LoopStats;
  logger: Logger;
  bulkThreshold: number;
  /** Large imports write back and upsert episodes through Bulk API 2.0 ingest jobs (see BulkWrites). */
  bulkWrites?: BulkWrites;
  progress: ProgressReporter;
  fieldSet: (object: SourceConfig['object']) => MirrorFieldSet | undefined;
  /** How often a paused import asks /limits whether it may resume (ms; default 5 s). */
  budgetPollMs?: number;
  /** How often the run record gets the counts (ms; default IMPORT_PROGRESS_INTERVAL_MS). */
  progressIntervalMs?: number;
  /**
   * Runs the page's work on the records no intake batch is processing right now; those are queued again and
   * processed after that batch, on the copy the page stored (the batch may have read an older one). Without it
   * every record of the page is processed.
   */
  exclusive?: (
    object: SourceConfig['object'],
    recordIds: string[],
    work: (recordIds: string[]) => Promise<void>,
  ) => Promise<void>;
}

/**
 * Imports of more than `threshold` records (BULK_WRITE_THRESHOLD) save their writes and membership episodes
 * through `saver` in pages of `pageSize` records, `pagesPerJob` pages to a job: a job costs about five calls
 * whatever its size, so the more rows per job the fewer calls; a page is let go once planned, so the memory is
 * a page's records (and the jobs' ids, patches and ledger updates), not a job's.
 */
export interface BulkWrites {
  threshold: number;
  saver: RecordSaver & { readonly stats: BulkSaverStats };
  pageSize?: number;
  pagesPerJob?: number;
}

/**
 * Records per page of a Bulk-write import, and pages per job: jobs of 15,000 make a 100,000-record import seven
 * jobs of each kind. Before issue 19's batches a job was one page of 15,000 held whole while the job ran (349 MB
 * peak RSS at 100,000 records); 25,000 ran the server out of its 256 MB heap (docs/performance.md).
 */
export const BULK_WRITE_PAGE_SIZE = 5_000;
export const BULK_WRITE_PAGES_PER_JOB = 3;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The process is stopping while an import waited for the API budget. */
export class ImportStoppedError extends Error {
  constructor() {
    super('import stopped while paused for the API budget; it runs again at the next start');
  }
}

/**
 * Runs a source's initial import as an `Audience_Run__c`: reads every matching record into the mirror, processes
 * each page (enrich → write → audiences) as it arrives, waits visibly while the API budget says pause, and records
 * when the source was fully synced, in Redis (so a restart does not import again) and on the source record.
 */
export class ImportRunner {
  private stopping = false;
  /** Imports run one after another, whoever asks (start, RELOAD_CONFIG, RUN_IMPORT, a reconciliation). */
  private queue: Promise<void> = Promise.resolve();

  constructor(private readonly deps: ImportRunnerDeps) {}

  /** Runs `work` after every import asked for before it; resolves (or rejects) with it. */
  serially(work: () => Promise<void>): Promise<void> {
    const next = this.queue.then(work);
    this.queue = next.catch(() => undefined);
    return next;
  }

  /**
   * Imports every source that is not synced (first start, a new source, a newly mapped field); the synced ones are
   * handed to `reconcile` when given (a start without a stored replay id must catch up on what changed meanwhile).
   */
  runPending(sources: readonly SourceConfig[], reconcile?: (source: SourceConfig) => Promise<void>): Promise<void> {
    return this.serially(async () => {
      for (const source of sources) {
        if (!(await this.isSynced(source))) await this.run(source);
        else if (reconcile) await reconcile(source);
      }
    });
  }

  /** When this source's last import completed (ms since the epoch), if one did. */
  async completedAt(source: SourceConfig): Promise<number | undefined> {
    const raw = await this.deps.redis.get(this.deps.keys.importState(source.id));
    const at = raw ? Date.parse((JSON.parse(raw) as { completedAt?: string }).completedAt ?? '') : NaN;
    return Number.isFinite(at) ? at : undefined;
  }

  /** Forgets that this source was imported: the next `runPending` imports it again (its filter changed). */
  async forget(sourceId: string): Promise<void> {
    await this.deps.redis.del(this.deps.keys.importState(sourceId));
  }

  /** Ends an import that waits for the budget, so the process can stop; it resumes from scratch at the next start. */
  stop(): void {
    this.stopping = true;
  }

  /** Whether this source's mirror is complete (an import finished and the fields mirrored have not grown since). */
  async isSynced(source: SourceConfig): Promise<boolean> {
    const raw = await this.deps.redis.get(this.deps.keys.importState(source.id));
    if (!raw) return false;
    const state = JSON.parse(raw) as { fields?: string[] };
    const now = this.deps.fieldSet(source.object);
    const had = new Set(state.fields ?? []);
    return !!now && [...now.fields, ...now.parentFields].every((f) => had.has(f));
  }

  async run(source: SourceConfig): Promise<InitialImportResult | undefined> {
    const { org, logger, stats } = this.deps;
    const fields = this.deps.fieldSet(source.object);
    if (!fields) return undefined;
    if (fields.missing.length > 0) {
      logger.warn(
        { source: source.name, missing: fields.missing },
        'fields not readable by the integration user are not mirrored',
      );
    }
    const describe = await this.deps.describes.describe(source.object);
    const accountDescribe = source.object === 'Contact' ? await this.deps.describes.describe('Account') : undefined;
    // Progress every 5 s: a live enough bar for an admin, and a handful of API calls per 100,000 records. The run
    // record is created in the same call as the first page is read (`readFirstPage`).
    const run = RunRecorder.unstarted(
      org,
      logger,
      { type: 'Import', sourceId: source.id, message: `importing ${source.name}` },
      this.deps.progressIntervalMs ?? IMPORT_PROGRESS_INTERVAL_MS,
      this.deps.collections,
    );
    // This import's own pages only: intake batches running meanwhile count in the loop's stats, not here.
    const tally: RefreshOutcome = { written: 0, failed: 0, skips: emptySkipTally() };
    let processed = 0;
    let total = 0;
    // Chosen once the source's size is known: the Bulk saver for a large import, the Collections path otherwise.
    let saver: RecordSaver | undefined;
    // A Bulk-write import's pages wait in it for their job (one job spans several pages).
    let batch: WriteBatch | undefined;
    let progressMessage: string | undefined;
    const bulkBefore = this.deps.bulkWrites ? { ...this.deps.bulkWrites.saver.stats } : undefined;
    const bar = this.deps.progress.start(`import ${source.name}`);
    traceRecord('*', 'import.start', { source: source.name });
    try {
      const result = await runInitialImport({
        org,
        source,
        fields,
        describe,
        accountDescribe,
        mirror: this.deps.mirror,
        bulkThreshold: this.deps.bulkThreshold,
        logger,
        readFirstPage: (soql, batchSize) => org.firstPage(soql, batchSize, run.alongside()),
        onTotal: (n) => {
          total = n;
          bar.setTotal(n);
        },
        layout: (n) => {
          const bulk = this.deps.bulkWrites;
          if (!bulk || n <= bulk.threshold) {
            logger.info({ source: source.name, total: n }, 'import writes through Collections');
            return undefined;
          }
          saver = bulk.saver;
          logger.info(
            { source: source.name, total: n, threshold: bulk.threshold },
            'import writes through Bulk API 2.0 ingest (more records than BULK_WRITE_THRESHOLD)',
          );
          // Shown with the progress counts (no call of its own): the choice is on the run record while it runs.
          progressMessage = `importing ${source.name}: ${n} records, writes through Bulk API 2.0 ingest`;
          const pageSize = bulk.pageSize ?? BULK_WRITE_PAGE_SIZE;
          const pagesPerJob = bulk.pagesPerJob ?? BULK_WRITE_PAGES_PER_JOB;
          batch = new WriteBatch((pages) => this.deps.refresher.settle(pages, { saver: bulk.saver }), pagesPerJob);
          // A job's pages are read at once (one results page) and each waits for the job: none is read meanwhile.
          return { pageSize, pagesInFlight: pagesPerJob, readSize: Math.max(10_000, pageSize * pagesPerJob) };
        },
        onReadEnd: () => batch?.close(),
        onPage: async (page) => {
          await this.waitForBudget(run);
          const size = page.length;
          stats.imported += size;
          const exclusive = this.deps.exclusive ?? ((_object, ids, work) => work(ids));
          await exclusive(
            source.object,
            page.map((record) => record.id),
            async (ids) => {
              const mine = new Set(ids);
              const records = ids.length === size ? page : page.filter((r) => mine.has(r.id));
              // A batch lets the page go once planned (`refresh` empties the array it is given; a copy, the page).
              if (batch && records !== page) page.length = 0;
              await this.processWithRetry(source, records, tally, { saver, batch });
            },
          );
          processed += size;
          bar.update(processed);
          // After the last page the finish follows at once with these counts: no progress write just before it.
          if (processed < total) await run.progress(this.counts(total, processed, tally), progressMessage);
        },
      });
      const counts = this.counts(total, processed, tally);
      traceRecord('*', 'import.complete', { source: source.name, total, processed });
      await this.deps.redis.set(
        this.deps.keys.importState(source.id),
        JSON.stringify({ completedAt: new Date().toISOString(), fields: [...fields.fields, ...fields.parentFields] }),
      );
      // The source's sync stamp goes with the run's final status: one Collections request, not two calls.
      const [stamp] = await run.finish(
        finishedRunStatus(counts),
        counts,
        `imported ${result.imported} of ${result.total} records (${result.path}); ${this.writePath(saver, bulkBefore)}`,
        [{ object: 'Audience_Source__c', id: source.id, fields: { Last_Full_Sync_At__c: new Date().toISOString() } }],
      );
      if (stamp && !stamp.ok) {
        logger.warn(
          { code: stamp.code, sourceId: source.id },
          `could not stamp Last_Full_Sync_At__c: ${stamp.message}`,
        );
      }
      return result;
    } catch (error) {
      const status = error instanceof ImportStoppedError ? 'Cancelled' : 'Failed';
      // Failed before its first read (nothing sent the create): the run is still recorded.
      await run.create();
      await run.finish(status, this.counts(total, processed, tally), (error as Error).message);
      throw error;
    } finally {
      bar.stop();
    }
  }

  /** How the import wrote, for its run record: `writes: Collections`, or the Bulk jobs this import ran. */
  private writePath(saver: RecordSaver | undefined, before: BulkSaverStats | undefined): string {
    const bulk = this.deps.bulkWrites;
    if (!saver || !bulk || !before) return 'writes: Collections';
    const now = bulk.saver.stats;
    return (
      `writes: Bulk API 2.0 ingest, ${now.jobs - before.jobs} jobs (${now.rowsByBulk - before.rowsByBulk} rows, ` +
      `${now.jobCalls - before.jobCalls} calls), ${now.retriedThroughCollections - before.retriedThroughCollections} ` +
      `retried and ${now.rowsByCollections - before.rowsByCollections} saved through Collections`
    );
  }

  private counts(total: number, processed: number, tally: RefreshOutcome) {
    return {
      total,
      processed,
      failed: tally.failed,
      succeeded: processed - tally.failed,
      skipped: totalSkips(tally.skips),
      skipsByReason: JSON.parse(skipTallyJson(tally.skips)) as Record<string, number>,
    };
  }

  /** Writes that may succeed later are tried again a few times before the page moves on; the rest are recorded. */
  private async processWithRetry(
    source: SourceConfig,
    page: Parameters<RecordRefresher['refresh']>[1],
    tally: RefreshOutcome,
    options: { saver: RecordSaver | undefined; batch: WriteBatch | undefined },
  ) {
    let records = page;
    for (let attempt = 1; ; attempt += 1) {
      // A retry goes on its own (through Collections when small): the batch may have no other page left to wait for.
      const { saver, batch } = options;
      try {
        addOutcome(
          tally,
          await this.deps.refresher.refresh(source.object, records, {
            saver,
            ...(attempt === 1 && batch && { batch }),
          }),
        );
        return;
      } catch (error) {
        if (!(error instanceof RetryableWriteError) || attempt >= 5) throw error;
        addOutcome(tally, error.settled);
        const retry = new Set(error.recordIds);
        const fresh = await this.deps.mirror.getMany(source.object, [...retry]);
        records = [...fresh.values()];
        await sleep(500 * 2 ** attempt);
      }
    }
  }

  /** Background work waits while the budget is past API_BUDGET_PAUSE, showing it on the run record. */
  private async waitForBudget(run: RunRecorder): Promise<void> {
    // Every response updates conn.limitInfo: read it, so the first page already sees an org near its budget.
    this.observeLimitInfo();
    if (this.deps.governor.allows('background')) return;
    this.deps.logger.warn(this.deps.governor.snapshot(), 'import paused: API budget');
    await run.setStatus('Paused', 'paused: the daily API budget is past API_BUDGET_PAUSE; resumes by itself');
    while (!this.deps.governor.allows('background')) {
      if (this.stopping) throw new ImportStoppedError();
      await sleep(this.deps.budgetPollMs ?? 5_000);
      // Nothing else may be calling Salesforce while we wait: ask /limits, or the pause would never end.
      await this.deps.org
        .limits()
        .then((limits) => this.deps.governor.observeLimits(limits))
        .catch((error: unknown) => this.deps.logger.warn({ err: error }, 'could not read /limits'));
    }
    await run.setStatus('Running', 'resumed');
    this.deps.logger.info('import resumed');
  }

  private observeLimitInfo(): void {
    const usage = this.deps.org.apiUsage();
    if (usage) this.deps.governor.observe(`api-usage=${usage.used}/${usage.limit}`);
  }
}

function addOutcome(tally: RefreshOutcome, outcome: RefreshOutcome): void {
  tally.written += outcome.written;
  tally.failed += outcome.failed;
  tally.skips = mergeSkipTallies(tally.skips, outcome.skips);
}
