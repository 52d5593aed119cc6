import { basename } from 'node:path';
import type { WriteRule } from '../../../domain/field-map';
import type { FieldValue, MirrorRecord } from '../../../domain/mirror-record';
import type { Logger } from '../../../lib/logger';
import type { DescribeCache } from '../../../salesforce/schema/describe-cache';
import type { OrgClient } from '../../../salesforce/org-client';
import type { CoalescingWriter } from '../../../salesforce/writers/coalescing-writer';
import type { CollectionsClient } from '../../../salesforce/writers/collections-client';
import { PROVENANCE_FIELD, type WriteLedger, type WriteSkip } from '../../export';
import { RunRecorder } from '../../runs/run-recorder';
import { finishedRunStatus } from '../../runs/run-status';
import type { CsvImportOptions } from './csv-import-options';
import { tallyOutcomes, type CsvImportReport } from './csv-import-report';
import { readCsvFile } from './csv-row-reader';
import { counts } from './csv-run-counts';
import { listClipped } from './display-text';
import { loadFieldRules } from './field-rules';
import { resolveImportColumns } from './import-columns';
import type { FieldNote, RowOutcome } from './import-row-outcome';
import { importWritability, planImportWrite } from './import-write-plan';
import { findMatchingRecords, type MatchedRecord } from './match-query';
import { validateRow, type ValidRow } from './row-validation';

export interface CsvImportDeps {
  org: OrgClient;
  /** Creates the records no row matched (sObject Collections, 200 per call; never resent after a failed request). */
  collections: CollectionsClient;
  describes: DescribeCache;
  writer: CoalescingWriter;
  ledger: WriteLedger;
  logger: Logger;
  /** Region for phone numbers written without a country code (DEFAULT_PHONE_REGION). */
  defaultRegion: string;
  /** Record the import as an Audience_Run__c of type Import (default true). */
  recordRun?: boolean;
  onProgress?: (progress: { done: number; total: number }) => void;
  now?: () => Date;
}

/** Rows matched, planned and written together: one match query chunk and at most one Collections call each way. */
const ROWS_PER_CHUNK = 200;

/** Planner skips that mean "nothing to do", as opposed to "held back". */
const QUIET_SKIPS = new Set(['unchanged', 'no_value']);

function fieldNotes(skips: readonly WriteSkip[]): FieldNote[] {
  return skips
    .filter((skip) => !QUIET_SKIPS.has(skip.reason))
    .map((skip) => ({
      field: skip.field,
      reason: skip.reason,
      ...(skip.detail !== undefined && { detail: skip.detail }),
    }));
}

const describeNotes = (notes: readonly FieldNote[]): string =>
  notes.map((note) => `${note.field}: ${note.detail ?? note.reason}`).join('; ');

/**
 * Imports a CSV file into Contact, Lead or Account: reads and checks every row, matches rows to records on one
 * field (one SOQL `IN` query per 100 keys), updates matches through the write planner and the coalescing writer
 * under each field's rule, inserts unmatched rows when asked (Collections create), and records every write in the
 * ledger and provenance. Every row ends in exactly one outcome; the report's totals add up to the rows in the file.
 */
export async function runCsvImport(deps: CsvImportDeps, options: CsvImportOptions): Promise<CsvImportReport> {
  const now = deps.now ?? (() => new Date());
  const startedAt = now().toISOString();
  const label = options.label ?? basename(options.file);
  const provider = `csv:${label}`;
  const file = await readCsvFile(options.file, {
    ...(options.encoding !== undefined && { encoding: options.encoding }),
  });
  const describe = await deps.describes.describe(options.object);
  const columns = resolveImportColumns(file.header, options, describe);
  const fieldRules = await loadFieldRules(deps.org, options.object);
  const defaultRule: WriteRule = options.rule;
  const matchField = columns.match.field;
  const importFields = columns.columns.flatMap((column) => (column.field ? [column.field.name] : []));
  const unknownHeaders = columns.unknown.map((column) => column.header);
  const warnings = [
    ...file.notes,
    ...(unknownHeaders.length > 0
      ? [
          `${unknownHeaders.length === 1 ? 'column' : `${unknownHeaders.length} columns:`} ${listClipped(unknownHeaders)} ` +
            `name${unknownHeaders.length === 1 ? 's' : ''} no field of ${options.object}: rows with a value there fail`,
        ]
      : []),
    ...fieldRules.ignored.map((map) => `Audience_Field_Map__c ${map.id} not applied: ${map.reason}`),
  ];
  const mappedRules: Record<string, string> = {};
  for (const field of importFields) {
    const rule = fieldRules.byField.get(field.toLowerCase());
    if (rule !== undefined) mappedRules[field] = rule;
  }

  const total = file.rows.length + file.unreadable.length;
  const run =
    deps.recordRun === false
      ? undefined
      : await RunRecorder.start(deps.org, deps.logger, {
          type: 'Import',
          total,
          message: `CSV import of ${label} into ${options.object}`,
        });

  const outcomes: RowOutcome[] = file.unreadable.map((row) => ({
    line: row.line,
    status: 'failed',
    reason: 'unreadable',
    detail: row.message,
  }));
  const latest = new Map<string, ValidRow>();
  for (const row of file.rows) {
    const checked = validateRow(row, columns, { defaultRegion: deps.defaultRegion });
    if (!checked.ok) {
      outcomes.push({
        line: checked.line,
        status: 'failed',
        reason: checked.reason,
        detail: checked.detail,
        ...(checked.key !== undefined && { key: checked.key }),
      });
      continue;
    }
    const earlier = latest.get(checked.key);
    if (earlier) {
      outcomes.push({
        line: earlier.line,
        status: 'skipped',
        reason: 'superseded',
        key: earlier.keyValue,
        detail: `line ${checked.line} has the same ${matchField.name}; the later row wins`,
      });
    }
    latest.set(checked.key, checked);
  }
  let done = outcomes.length;
  const progress = async () => {
    deps.onProgress?.({ done, total });
    await run?.progress(counts(outcomes, total));
  };
  await progress();

  const updateWritability = importWritability(describe, importFields, 'update');
  const createWritability = importWritability(describe, importFields, 'create');
  const selectFields = [...importFields, ...(describe.field(PROVENANCE_FIELD) ? [PROVENANCE_FIELD] : [])];
  const rows = [...latest.values()];
  try {
    for (let start = 0; start < rows.length; start += ROWS_PER_CHUNK) {
      const chunk = rows.slice(start, start + ROWS_PER_CHUNK);
      try {
        outcomes.push(
          ...(await importChunk(chunk, {
            deps,
            options,
            matchFieldName: matchField.name,
            matchById: matchField.type === 'id',
            selectFields,
            rules: fieldRules.byField,
            defaultRule,
            updateWritability,
            createWritability,
            provider,
            now: now(),
          })),
        );
      } catch (error) {
        const message = (error as Error).message;
        deps.logger.error({ err: error }, 'a chunk of the CSV import failed');
        for (const row of chunk) {
          outcomes.push({
            line: row.line,
            status: 'failed',
            key: row.keyValue,
            reason: 'salesforce_error',
            detail: message,
          });
        }
      }
      done += chunk.length;
      await progress();
    }
  } catch (error) {
    await run?.finish('Failed', counts(outcomes, total), (error as Error).message);
    throw error;
  }

  outcomes.sort((a, b) => a.line - b.line);
  const tally = tallyOutcomes(outcomes);
  const report: CsvImportReport = {
    file: options.file,
    object: options.object,
    match: matchField.name,
    create: options.create,
    defaultRule,
    mappedRules,
    ...(run?.id !== undefined && { runId: run.id }),
    encoding: file.encoding,
    startedAt,
    finishedAt: now().toISOString(),
    rows: total,
    ...tally,
    warnings,
    outcomes,
  };
  if (run) {
    const t = report.totals;
    await run.finish(
      finishedRunStatus({ succeeded: t.created + t.updated + t.unchanged, failed: t.failed }),
      counts(outcomes, total),
      `${label}: ${t.created} created, ${t.updated} updated, ${t.unchanged} unchanged, ${t.skipped} skipped, ${t.failed} failed`,
    );
  }
  return report;
}

/** What one chunk of rows is imported with; the warehouse import builds one too (same matching, rules, writes). */
export interface ChunkContext {
  deps: CsvImportDeps;
  options: Pick<CsvImportOptions, 'object' | 'create'>;
  matchFieldName: string;
  matchById: boolean;
  selectFields: string[];
  rules: ReadonlyMap<string, WriteRule>;
  defaultRule: WriteRule;
  updateWritability: ReturnType<typeof importWritability>;
  createWritability: ReturnType<typeof importWritability>;
  provider: string;
  now: Date;
  /** When set, an update writes only these fields (lower-cased names); a create writes every column. */
  updateFields?: ReadonlySet<string>;
  /** Where a large warehouse run matches its keys (a match index) instead of one SOQL query per 100 keys. */
  findMatches?: (keyValues: readonly string[]) => Promise<Map<string, MatchedRecord[]>>;
}

/**
 * Matches a chunk of valid rows to records (one query per 100 keys), updates matches through the coalescing writer
 * under each field's rule and creates the unmatched ones when asked (one Collections call): one outcome per row.
 */
export async function importChunk(chunk: readonly ValidRow[], ctx: ChunkContext): Promise<RowOutcome[]> {
  const { deps, options } = ctx;
  const object = options.object;
  const keyValues = chunk.map((row) => row.keyValue);
  const matches = ctx.findMatches
    ? await ctx.findMatches(keyValues)
    : await findMatchingRecords(deps.org, {
        object,
        matchField: ctx.matchFieldName,
        keyValues,
        fields: ctx.selectFields,
      });
  const matchedIds = chunk.flatMap((row) => {
    const found = matches.get(row.key) ?? [];
    return found.length === 1 ? [(found[0] as { id: string }).id] : [];
  });
  const ledgers = await deps.ledger.getMany(matchedIds);
  const outcomes: RowOutcome[] = [];
  const writes: Promise<void>[] = [];
  const creates: {
    row: ValidRow;
    patch: Record<string, FieldValue>;
    updates: Record<string, FieldValue>;
    notes: FieldNote[];
  }[] = [];

  for (const row of chunk) {
    const found = matches.get(row.key) ?? [];
    const base = { line: row.line, key: row.keyValue };
    if (found.length > 1) {
      outcomes.push({
        ...base,
        status: 'failed',
        reason: 'ambiguous_match',
        detail: `${found.length} ${object} records have this ${ctx.matchFieldName}: ${found.map((r) => r.id).join(', ')}`,
      });
      continue;
    }
    const match = found[0];
    if (!match) {
      if (!options.create || ctx.matchById) {
        outcomes.push({
          ...base,
          status: 'skipped',
          reason: 'no_match',
          detail: ctx.matchById
            ? `no ${object} has this Id${options.create ? ' (rows matched by Id are never created)' : ''}`
            : `no ${object} has this ${ctx.matchFieldName}; --create inserts such rows`,
        });
        continue;
      }
      const blank: MirrorRecord = { id: '', object, fields: {} };
      for (const field of [...Object.keys(row.values), PROVENANCE_FIELD]) blank.fields[field] = null;
      // The match key is the row's identity: it is written on create whatever the field's rule.
      const rules = new Map(ctx.rules);
      rules.set(ctx.matchFieldName.toLowerCase(), 'Always');
      const { plan, patch } = planImportWrite({
        object,
        record: blank,
        values: row.values,
        rules,
        defaultRule: ctx.defaultRule,
        writability: ctx.createWritability,
        ledger: {},
        provider: ctx.provider,
        now: ctx.now,
      });
      creates.push({ row, patch, updates: plan.updates, notes: fieldNotes(plan.skips) });
      continue;
    }
    const values = { ...row.values };
    delete values[ctx.matchFieldName];
    if (ctx.updateFields) {
      for (const field of Object.keys(values)) if (!ctx.updateFields.has(field.toLowerCase())) delete values[field];
    }
    const { plan, patch } = planImportWrite({
      object,
      record: { id: match.id, object, fields: match.fields },
      values,
      rules: ctx.rules,
      defaultRule: ctx.defaultRule,
      writability: ctx.updateWritability,
      ledger: ledgers.get(match.id) ?? {},
      provider: ctx.provider,
      now: ctx.now,
    });
    const notes = fieldNotes(plan.skips);
    const withRecord = { ...base, recordId: match.id };
    if (Object.keys(patch).length === 0) {
      outcomes.push(
        notes.length === 0
          ? { ...withRecord, status: 'unchanged' }
          : {
              ...withRecord,
              status: 'skipped',
              reason: (notes[0] as FieldNote).reason,
              detail: describeNotes(notes),
              fieldNotes: notes,
            },
      );
      continue;
    }
    writes.push(
      deps.writer.write({ object, id: match.id, fields: patch }).then(async (outcome) => {
        if (!outcome.ok) {
          outcomes.push({
            ...withRecord,
            status: 'failed',
            reason: 'salesforce_error',
            detail: `${outcome.code}: ${outcome.message}`,
          });
          return;
        }
        await deps.ledger.recordWrites(match.id, plan.updates, ctx.now);
        outcomes.push({
          ...withRecord,
          status: 'updated',
          fields: Object.keys(plan.updates),
          ...(notes.length > 0 && { fieldNotes: notes }),
        });
      }),
    );
  }

  await deps.writer.flush();
  await Promise.all(writes);

  if (creates.length > 0) {
    const created = await deps.collections.save(
      'create',
      creates.map((c) => ({ object, fields: c.patch })),
    );
    for (const [index, outcome] of created.entries()) {
      const { row, updates, notes } = creates[index] as (typeof creates)[number];
      const base = { line: row.line, key: row.keyValue };
      if (!outcome.ok) {
        outcomes.push({
          ...base,
          status: 'failed',
          reason: 'salesforce_error',
          detail: outcome.wholeRequest
            ? `${outcome.code}: ${outcome.message} (not resent: the request may have inserted; check before importing again)`
            : `${outcome.code}: ${outcome.message}`,
        });
        continue;
      }
      await deps.ledger.recordWrites(outcome.id, updates, ctx.now);
      outcomes.push({
        ...base,
        recordId: outcome.id,
        status: 'created',
        fields: Object.keys(updates),
        ...(notes.length > 0 && { fieldNotes: notes }),
      });
    }
  }
  return outcomes;
}
