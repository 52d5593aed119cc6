import { randomUUID } from 'node:crypto';
import type { RedisClient as Redis } from '../../../state/redis';
import { RUN_FAILED_PREFIX } from '../../../config/config-status-writer';
import type { WarehouseSourceConfig } from '../../../config/warehouse-source';
import type { WriteRule } from '../../../domain/field-map';
import { asAppError } from '../../../lib/errors';
import type { ProgressReporter } from '../../../lib/progress-reporter';
import type { ObjectDescribe } from '../../../salesforce/schema/describe-cache';
import { PROVENANCE_FIELD } from '../../export';
import { RunRecorder } from '../../runs/run-recorder';
import { finishedRunStatus } from '../../runs/run-status';
import { CsvImportError } from '../csv/csv-import-error';
import { importChunk, type ChunkContext, type CsvImportDeps } from '../csv/csv-importer';
import { loadFieldRules } from '../csv/field-rules';
import { resolveImportColumns, type ImportColumns } from '../csv/import-columns';
import { importWritability } from '../csv/import-write-plan';
import { validateRow, type ValidRow } from '../csv/row-validation';
import { WarehouseMatchIndex } from './match-index';
import { WarehouseError } from './warehouse-error';
import type { WarehouseReaders } from './warehouse-readers';
import type { Watermark, WarehouseRow } from './warehouse-reader';
import { WarehouseRunTally, type WarehouseRowFailure } from './warehouse-run-tally';
import type { WatermarkStore } from './watermark-store';

export type WarehouseImportDeps = Omit<CsvImportDeps, 'recordRun' | 'onProgress'> & {
  readers: WarehouseReaders;
  watermarks: WatermarkStore;
  progress?: ProgressReporter;
  /** How often the run record gets its counts (ms; default 5 s like the Salesforce import). */
  runProgressIntervalMs?: number;
  signal?: AbortSignal;
  /**
   * Where a run past `thresholdRows` keeps its match index (one Bulk API 2.0 query of Id and the match field
   * instead of one SOQL query per 100 keys); without it every chunk queries its keys.
   */
  matchIndex?: { redis: Redis; prefix: string; thresholdRows?: number; pollIntervalMs?: number };
};

export type WarehouseImportReport = {
  sourceId: string;
  runId?: string;
  status: 'succeeded' | 'partly' | 'failed';
  /** Why a failed run failed (connection, settings, Salesforce), as written on the run and the source. */
  error?: { code: string; message: string };
  rowsRead: number;
  created: number;
  updated: number;
  skipped: number;
  failed: number;
  skipsByReason: Record<string, number>;
  failures: WarehouseRowFailure[];
  /** Columns filling fields no active field map names: written on create only. */
  unmapped: string[];
  /** The watermark the run started after, and the one it left. */
  after?: Watermark;
  watermark?: Watermark;
};

/**
 * Rows matched and written together: 1,000 rows are five Collections of 200 in one Composite request (one API
 * call for the creates; the coalescing writer does the same for updates). Rows are gathered across read pages.
 */
const ROWS_PER_BATCH = 1_000;
/** Rows read before a run builds its match index: below it, the per-chunk queries cost less than the Bulk job. */
const MATCH_INDEX_THRESHOLD_ROWS = 2_000;

/** A warehouse value as the text a field is checked and written from. */
function cellText(value: WarehouseRow[string] | undefined): string {
  if (value === null || value === undefined) return '';
  return value instanceof Date ? value.toISOString() : String(value);
}

const sameName = (a: string, b: string | undefined) => b !== undefined && a.toLowerCase() === b.toLowerCase();

/** The query's columns as import columns: aliases matched to fields without case; cursor and key are extras. */
function resolveColumns(
  row: WarehouseRow,
  source: WarehouseSourceConfig,
  describe: ObjectDescribe,
): { header: string[]; columns: ImportColumns } {
  const { cursor, key, match } = source.settings;
  // The cursor and key columns order the read; they fill a field only when they are the match column itself (a
  // key column `id` must not be taken for the record Id).
  const header = Object.keys(row).filter(
    (column) => !((sameName(column, cursor) || sameName(column, key)) && !sameName(column, match)),
  );
  try {
    return { header, columns: resolveImportColumns(header, { object: source.object, match, map: {} }, describe) };
  } catch (error) {
    if (error instanceof CsvImportError) {
      throw new WarehouseError('WAREHOUSE_BAD_SETTINGS', error.message.replace(/--match|--map/g, '"match"'));
    }
    throw error;
  }
}

/**
 * Imports a warehouse source's rows (after its watermark) into its object: reads them page by page, checks each
 * row as the CSV import does (aliases name fields; values fit their field), matches and writes them with the CSV
 * import's chunk step (same match, rules, writer, ledger and provenance), advances the watermark after each page,
 * and records the run. A connection or settings failure ends the run as Failed and shows on the source; the
 * watermark then stays where the last complete page left it, so the next schedule reads on from there.
 */
export async function runWarehouseImport(
  deps: WarehouseImportDeps,
  source: WarehouseSourceConfig & { storedWatermark?: string | null },
): Promise<WarehouseImportReport> {
  const now = deps.now ?? (() => new Date());
  const { settings } = source;
  const incremental = settings.cursor !== undefined && settings.key !== undefined;
  const after = incremental ? await deps.watermarks.get(source.id, source.storedWatermark) : undefined;
  const run = await RunRecorder.start(
    deps.org,
    deps.logger,
    {
      type: 'Import',
      sourceId: source.id,
      message: `${source.type} import of ${source.name} into ${source.object}${after ? ' (incremental)' : ''}`,
    },
    deps.runProgressIntervalMs ?? 5_000,
  );
  const tally = new WarehouseRunTally();
  const bar = deps.progress?.start(`import ${source.name}`);
  const unmapped = new Set<string>();
  let watermark = after;
  const report = (status: WarehouseImportReport['status'], error?: WarehouseImportReport['error']) => ({
    sourceId: source.id,
    ...(run.id !== undefined && { runId: run.id }),
    status,
    ...(error && { error }),
    rowsRead: tally.read,
    created: tally.created,
    updated: tally.updated,
    skipped: tally.skipped,
    failed: tally.failed,
    skipsByReason: { ...tally.skipsByReason },
    failures: [...tally.failures],
    unmapped: [...unmapped],
    ...(after && { after }),
    ...(watermark && { watermark }),
  });

  let lastError: unknown;
  let indexKey: string | undefined;
  const reader = await deps.readers.open(source.type, settings.connection).catch(async (error: unknown) => {
    await fail(error);
    return undefined;
  });
  if (!reader) return report('failed', errorOf(lastError));

  async function fail(error: unknown) {
    lastError = error;
    const coded = asAppError(error);
    const retry = coded.retryable ? '; retried at the next schedule' : '';
    await run.finish('Failed', tally.counts(), `${coded.code}: ${coded.message}`.slice(0, 255));
    await setSourceStatus('Error', `${RUN_FAILED_PREFIX}${coded.message}${retry}`);
  }
  async function setSourceStatus(status: 'OK' | 'Error', message: string | null) {
    await deps.org
      .update('Audience_Source__c', source.id, {
        Status__c: status,
        Status_Message__c: message === null ? null : message.slice(0, 255),
      })
      .catch((error: unknown) => deps.logger.warn({ err: error }, 'could not write the source status'));
  }

  try {
    const describe = await deps.describes.describe(source.object);
    const rules = await loadFieldRules(deps.org, source.object);
    let resolved: { header: string[]; columns: ImportColumns } | undefined;
    let context: ChunkContext | undefined;
    let cursorColumn: string | undefined;
    let keyColumn: string | undefined;

    // Rows gathered across read pages and written a batch at a time; the watermark passes a batch once written.
    let batch: WarehouseRow[] = [];
    let index: WarehouseMatchIndex | undefined;
    let indexTried = false;
    const writeBatch = async () => {
      if (batch.length === 0 || !resolved || !context) return;
      const rows = batch;
      batch = [];
      const base = context;
      if (!indexTried && deps.matchIndex && !base.matchById) {
        const threshold = deps.matchIndex.thresholdRows ?? MATCH_INDEX_THRESHOLD_ROWS;
        if (tally.read + rows.length >= threshold) {
          indexTried = true;
          index = await buildMatchIndex(deps, source, base.matchFieldName);
          indexKey = index?.key;
        }
      }
      const matchIndex = index;
      await importPage(
        rows,
        resolved,
        {
          ...base,
          now: now(),
          ...(matchIndex && { findMatches: (keys: readonly string[]) => matchIndex.find(keys, base.selectFields) }),
        },
        tally,
        {
          rowKey: (row, ordinal) => (keyColumn ? cellText(row[keyColumn]) : `#${ordinal}`),
          defaultRegion: deps.defaultRegion,
          ...(matchIndex && { onCreated: (created) => matchIndex.add(created) }),
        },
      );
      const last = rows[rows.length - 1] as WarehouseRow;
      if (cursorColumn && keyColumn) {
        watermark = { cursor: cellText(last[cursorColumn]), key: cellText(last[keyColumn]) };
        await deps.watermarks.advance(source.id, watermark);
      }
      bar?.update(tally.processed);
      await run.progress(tally.counts());
    };

    for await (const page of reader.read({
      query: settings.query,
      ...(incremental && { cursorColumn: settings.cursor, keyColumn: settings.key }),
      ...(after && { after }),
      pageSize: settings.pageSize,
      ...(deps.signal && { signal: deps.signal }),
    })) {
      const first = page[0];
      if (!first) continue;
      if (!resolved) {
        resolved = resolveColumns(first, source, describe);
        const names = Object.keys(first);
        cursorColumn = names.find((name) => sameName(name, settings.cursor));
        keyColumn = names.find((name) => sameName(name, settings.key));
        const fields = resolved.columns.columns.flatMap((column) => (column.field ? [column.field.name] : []));
        const matchField = resolved.columns.match.field.name;
        for (const field of fields) {
          if (field !== matchField && !rules.byField.has(field.toLowerCase())) unmapped.add(field);
        }
        if (unmapped.size > 0) {
          deps.logger.warn(
            { source: source.name, unmapped: [...unmapped] },
            'columns fill fields no active field map names: written only when a row creates a record',
          );
        }
        context = {
          deps: { ...deps, recordRun: false },
          options: { object: source.object, create: settings.create },
          matchFieldName: matchField,
          matchById: resolved.columns.match.field.type === 'id',
          selectFields: [...fields, ...(describe.field(PROVENANCE_FIELD) ? [PROVENANCE_FIELD] : [])],
          rules: rules.byField as ReadonlyMap<string, WriteRule>,
          // A column no field map names is the admin's data for a record we create, and nobody's rule otherwise.
          defaultRule: 'Always',
          updateWritability: importWritability(describe, fields, 'update'),
          createWritability: importWritability(describe, fields, 'create'),
          provider: `${source.type.toLowerCase()}:${source.name}`,
          now: now(),
          updateFields: new Set([...rules.byField.keys()]),
        };
      }
      for (const row of page) batch.push(row);
      if (batch.length >= ROWS_PER_BATCH) await writeBatch();
    }
    await writeBatch();
  } catch (error) {
    bar?.stop();
    deps.logger.warn({ err: error, source: source.name }, 'warehouse import failed');
    if (watermark && watermark !== after) await deps.watermarks.persist(source.id, watermark);
    await fail(error);
    return report('failed', errorOf(error));
  } finally {
    await reader.close();
    if (indexKey) await deps.matchIndex?.redis.del(indexKey).catch(() => undefined);
  }
  bar?.stop();
  if (watermark && watermark !== after) await deps.watermarks.persist(source.id, watermark);
  const counts = tally.counts();
  const status = finishedRunStatus({ succeeded: counts.succeeded + tally.skipped, failed: counts.failed });
  const unmappedNote = unmapped.size > 0 ? `; unmapped (create only): ${[...unmapped].join(', ')}` : '';
  await run.finish(
    status,
    counts,
    `${source.name}: ${tally.read} read, ${tally.created} created, ${tally.updated} updated, ` +
      `${tally.skipped} skipped, ${tally.failed} failed${unmappedNote}`,
  );
  await setSourceStatus('OK', null);
  return report(status === 'Succeeded' ? 'succeeded' : status === 'Failed' ? 'failed' : 'partly');
}

function errorOf(error: unknown): { code: string; message: string } {
  const coded = asAppError(error);
  return { code: coded.code, message: coded.message };
}

/** One batch: rows checked, the later of two rows with one match key kept, then matched and written in chunks. */
async function importPage(
  page: readonly WarehouseRow[],
  resolved: { header: string[]; columns: ImportColumns },
  context: ChunkContext,
  tally: WarehouseRunTally,
  options: {
    rowKey: (row: WarehouseRow, ordinal: number) => string;
    defaultRegion: string;
    /** Records created, so a match index finds them for later rows with the same key. */
    onCreated?: (created: { keyValue: string; id: string }[]) => Promise<void>;
  },
): Promise<void> {
  const keys = new Map<number, string>();
  const latest = new Map<string, ValidRow>();
  for (const row of page) {
    tally.read += 1;
    const line = tally.read;
    const rowKey = options.rowKey(row, line);
    keys.set(line, rowKey);
    const values = resolved.header.map((column) => cellText(row[column]));
    const checked = validateRow({ line, values }, resolved.columns, { defaultRegion: options.defaultRegion });
    if (!checked.ok) {
      tally.add({ line, status: 'failed', reason: checked.reason, detail: checked.detail }, rowKey);
      continue;
    }
    const earlier = latest.get(checked.key);
    if (earlier) {
      tally.add({ line: earlier.line, status: 'skipped', reason: 'superseded' }, keys.get(earlier.line) ?? '');
    }
    latest.set(checked.key, checked);
  }
  const rows = [...latest.values()];
  for (let start = 0; start < rows.length; start += ROWS_PER_BATCH) {
    const chunk = rows.slice(start, start + ROWS_PER_BATCH);
    // A chunk that throws (Salesforce down) ends the run before the watermark passes these rows.
    const outcomes = await importChunk(chunk, context);
    for (const outcome of outcomes) tally.add(outcome, keys.get(outcome.line) ?? outcome.key ?? '');
    await options.onCreated?.(
      outcomes.flatMap((outcome) =>
        outcome.status === 'created' && outcome.recordId && outcome.key
          ? [{ keyValue: outcome.key, id: outcome.recordId }]
          : [],
      ),
    );
  }
}

/** The run's match index, or none (a failed Bulk query falls back to matching each chunk by SOQL). */
async function buildMatchIndex(
  deps: WarehouseImportDeps,
  source: WarehouseSourceConfig,
  matchField: string,
): Promise<WarehouseMatchIndex | undefined> {
  const settings = deps.matchIndex;
  if (!settings) return undefined;
  const key = `${settings.prefix}:warehouse-match:${source.id}:${randomUUID()}`;
  try {
    const index = await WarehouseMatchIndex.build(
      deps.org,
      settings.redis,
      key,
      { object: source.object, matchField },
      settings.pollIntervalMs === undefined ? {} : { pollIntervalMs: settings.pollIntervalMs },
    );
    deps.logger.info({ source: source.name, records: index.size }, 'match index read by one Bulk API 2.0 query');
    return index;
  } catch (error) {
    await settings.redis.del(key).catch(() => undefined);
    deps.logger.warn({ err: error, source: source.name }, 'match index not built; matching each chunk by SOQL');
    return undefined;
  }
}
