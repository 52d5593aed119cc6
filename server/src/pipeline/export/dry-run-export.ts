import type { LoopConfig, SourceConfig } from '../../config/loop-config';
import type { FieldMap } from '../../domain/field-map';
import type { MirrorRecord, RecordObject } from '../../domain/mirror-record';
import type { Logger } from '../../lib/logger';
import type { OrgClient } from '../../salesforce/org-client';
import type { MirrorStore } from '../import/mirror-store';
import type { RecordRefresher } from '../refresh-records';
import { RunRecorder } from '../runs/run-recorder';
import { evaluateFilter } from '../segments/filter/evaluate-filter';
import { buildDryRunReport, formatDryRunReport } from './dry-run';
import { dryRunCsv, dryRunRows, type DryRunRow } from './dry-run-csv';
import { skipTallyJson, tallySkips, totalSkips } from './skip-tally';
import type { RecordWritePlan } from './write-plan';

export interface DryRunExportDeps {
  org: OrgClient;
  mirror: MirrorStore;
  refresher: RecordRefresher;
  config: () => LoopConfig;
  logger: Logger;
  now?: () => Date;
}

export interface DryRunExportResult {
  runId?: string;
  /** The ContentVersion holding the CSV of every planned write and skip. */
  contentVersionId?: string;
  records: number;
  rows: DryRunRow[];
  plans: RecordWritePlan[];
}

/** A dry run covers one source's records, or every source's when no source is named. */
export class DryRunTargetError extends Error {
  readonly code = 'DRY_RUN_TARGET';
}

function sourcesOf(config: LoopConfig, sourceId: string | undefined): SourceConfig[] {
  if (sourceId === undefined) return config.sources;
  const source = config.sources.find((s) => s.id === sourceId || s.id.slice(0, 15) === sourceId.slice(0, 15));
  if (!source) throw new DryRunTargetError(`${sourceId} is not an active source`);
  return [source];
}

/**
 * DRY_RUN_EXPORT: every write the Live and Preview field maps would make over the mirrored records of a source (or
 * of all), and every skip with its reason, planned by the loop's own planner (`RecordRefresher.planWrites`) and
 * never sent. The result is an `Audience_Run__c` of type `Dry_Run` with the counts and `Skips_By_Reason__c`, and a
 * CSV (record, field, current, new, rule, reason) attached to it as a ContentVersion.
 */
export async function runDryRunExport(
  deps: DryRunExportDeps,
  target: { sourceId?: string } = {},
): Promise<DryRunExportResult> {
  const config = deps.config();
  const sources = sourcesOf(config, target.sourceId);
  const now = deps.now?.() ?? new Date();
  const run = await RunRecorder.start(deps.org, deps.logger, {
    type: 'Dry_Run',
    sourceId: target.sourceId === undefined ? undefined : sources[0]?.id,
    message: `dry run of ${target.sourceId === undefined ? 'every source' : sources[0]?.name}`,
  });
  const plans: RecordWritePlan[] = [];
  const rows: DryRunRow[] = [];
  let records = 0;
  try {
    const objects = [...new Set(sources.map((s) => s.object))];
    for (const object of objects) {
      const covering = sources.filter((s) => s.object === object);
      const maps = config.fieldMaps.filter((m) => m.object === object);
      for await (const page of deps.mirror.scan(object)) {
        // The mirror may hold records of other sources of this object: keep the ones a covering source includes.
        const included = page.filter((record) => covering.some((s) => evaluateFilter(s.filter, record.fields, now)));
        if (included.length === 0) continue;
        const planned = await deps.refresher.planWrites(object, included, { includePreview: true, work: 'background' });
        records += included.length;
        plans.push(...planned.plans);
        rows.push(...dryRunRows(planned.plans, recordsById(included), mapsByField(object, maps)));
      }
    }
    const report = buildDryRunReport(plans);
    const tally = tallySkips(plans);
    const message = `Dry run: ${report.records} records, ${report.recordsToWrite} would be written (${report.fieldWrites} field values); nothing was written`;
    let contentVersionId: string | undefined;
    if (run.id) contentVersionId = await attachCsv(deps, run.id, rows, now);
    await run.finish(
      'Succeeded',
      {
        total: records,
        processed: records,
        succeeded: report.fieldWrites,
        failed: 0,
        skipped: totalSkips(tally),
        skipsByReason: JSON.parse(skipTallyJson(tally)) as Record<string, number>,
        errorSummary: formatDryRunReport(report),
      },
      message,
    );
    deps.logger.info({ runId: run.id, records, writes: report.fieldWrites, skips: tally }, 'dry run finished');
    return { runId: run.id, contentVersionId, records, rows, plans };
  } catch (error) {
    await run.finish('Failed', undefined, `dry run failed: ${(error as Error).message}`);
    throw error;
  }
}

function recordsById(records: readonly MirrorRecord[]): Map<string, MirrorRecord> {
  return new Map(records.map((r) => [r.id, r]));
}

function mapsByField(object: RecordObject, maps: readonly FieldMap[]): Map<string, FieldMap> {
  return new Map(maps.filter((m) => m.object === object).map((m) => [m.field, m]));
}

/** The CSV as a file on the run record (FirstPublishLocationId links it there); a failed upload is logged, not fatal. */
async function attachCsv(
  deps: DryRunExportDeps,
  runId: string,
  rows: readonly DryRunRow[],
  now: Date,
): Promise<string | undefined> {
  const stamp = now.toISOString().replace(/[:.]/g, '-');
  try {
    return await deps.org.insert('ContentVersion', {
      Title: `Dry run ${stamp}`,
      PathOnClient: `dry-run-${stamp}.csv`,
      VersionData: Buffer.from(dryRunCsv(rows), 'utf8').toString('base64'),
      FirstPublishLocationId: runId,
    });
  } catch (error) {
    deps.logger.warn({ err: error, runId }, 'could not attach the dry run CSV to its run record');
    return undefined;
  }
}
