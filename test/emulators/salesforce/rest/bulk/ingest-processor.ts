/**
 * Applies an ingest job's rows through the same validation and store as REST: one transaction per chunk of up to
 * 10,000 rows (Salesforce's ingest chunk size), so each chunk commits once and yields its change events with
 * changeOrigin `com/salesforce/api/bulkapi/<version>;client=…`. Failures are per row (partial success).
 */
import { RecordErrors, SfError, recordError, type RecordError } from '../../errors';
import { normalizeId } from '../../org/ids';
import type { Org } from '../../org/org';
import type { Row, Transaction } from '../../org/store';
import type { ObjectSpec } from '../../schema/field-builders';
import { prepareWrite } from '../record-input';
import { relationshipColumn, resolveRelationship, type RelationshipColumn } from './relationship-columns';
import { externalIdIndex, liveRowOrError, lockError } from '../records';
import { csvLine } from './bulk-csv';
import type { IngestJob } from './bulk-job-info';

export const INGEST_CHUNK_SIZE = 10_000;

/** Bulk's null marker: an empty value leaves the field alone, `#N/A` clears it. */
const NULL_MARKER = '#N/A';

type RowOutcome = { id: string; created: boolean } | { id?: string; errors: RecordError[] };

/** `CODE:message:Field1,Field2 --` as Bulk API results write `sf__Error` (`:--` when no field is named). */
export function bulkErrorText(errors: RecordError[]): string {
  return errors
    .map((e) => `${e.statusCode}:${e.message}:${e.fields.length ? `${e.fields.join(',')} ` : ''}--`)
    .join(';');
}

/** A header column that is not a field of the object; undefined when every column is known. */
export function unknownColumn(org: Org, obj: ObjectSpec, header: string[]): string | undefined {
  return header.find((h) => !obj.getField(h) && !relationshipColumn(org, obj, h));
}

export class IngestProcessor {
  private index: Map<unknown, string[]> | undefined;

  constructor(
    private readonly org: Org,
    private readonly obj: ObjectSpec,
    private readonly job: IngestJob,
  ) {}

  /** Processes the next chunk; returns true when rows remain. */
  nextChunk(): boolean {
    const { job } = this;
    const end = Math.min(job.rows.length, job.cursor + INGEST_CHUNK_SIZE);
    const tx = this.org.store.begin(job.createdById, job.changeOrigin);
    try {
      for (let i = job.cursor; i < end; i++) this.apply(tx, job.rows[i]!);
      tx.commit();
    } catch (err) {
      tx.rollback();
      throw err;
    }
    job.cursor = end;
    return end < job.rows.length;
  }

  private apply(tx: Transaction, values: string[]): void {
    const { job } = this;
    const sp = tx.savepoint();
    let outcome: RowOutcome;
    try {
      outcome = this.applyRow(tx, values);
    } catch (err) {
      if (err instanceof RecordErrors) outcome = { errors: err.errors };
      else if (err instanceof SfError)
        outcome = { errors: [recordError(err.errorCode, err.message, err.fields ?? [])] };
      else throw err;
    }
    job.numberRecordsProcessed += 1;
    if ('errors' in outcome) {
      tx.rollbackTo(sp);
      job.numberRecordsFailed += 1;
      job.failed.push(csvLine([outcome.id ?? '', bulkErrorText(outcome.errors), ...values], job));
    } else {
      job.successful.push(csvLine([outcome.id, outcome.created ? 'true' : 'false', ...values], job));
    }
  }

  private relationships: (RelationshipColumn | undefined)[] | undefined;

  /** The row as a record body; relationship columns become the parent's id (throws RecordErrors when unmatched). */
  private body(values: string[], skip?: string): Record<string, unknown> {
    const body: Record<string, unknown> = {};
    this.relationships ??= this.job.header.map((col) =>
      this.obj.getField(col) ? undefined : relationshipColumn(this.org, this.obj, col),
    );
    this.job.header.forEach((col, i) => {
      const v = values[i] ?? '';
      if (v === '' || (skip && col.toLowerCase() === skip.toLowerCase())) return;
      const rel = this.relationships![i];
      if (rel) body[rel.lookup.name] = v === NULL_MARKER ? null : resolveRelationship(this.org, rel, v);
      else body[col] = v === NULL_MARKER ? null : v;
    });
    return body;
  }

  private column(values: string[], name: string): string {
    const i = this.job.header.findIndex((h) => h.toLowerCase() === name.toLowerCase());
    return i >= 0 ? (values[i] ?? '') : '';
  }

  private applyRow(tx: Transaction, values: string[]): RowOutcome {
    const { job, obj, org } = this;
    const lock = (id: string): RowOutcome | undefined =>
      org.faults.lockRow(id) ? { errors: [lockError([id])] } : undefined;
    switch (job.operation) {
      case 'insert':
        return this.insert(tx, this.body(values));
      case 'update': {
        const id = this.idOf(values);
        if (typeof id !== 'string') return id;
        const row = liveRowOrError(org, obj, id);
        if ('statusCode' in row) return { id, errors: [row as RecordError] };
        const p = prepareWrite(org, obj, this.body(values, 'Id'), 'update', tx.userId, row as Row);
        if (p.errors.length) return { id, errors: p.errors };
        const locked = lock(id);
        if (locked) return locked;
        tx.update(obj, id, p.values);
        return { id, created: false };
      }
      case 'delete':
      case 'hardDelete': {
        const id = this.idOf(values);
        if (typeof id !== 'string') return id;
        const row = liveRowOrError(org, obj, id);
        if ('statusCode' in row) return { id, errors: [row as RecordError] };
        const locked = lock(id);
        if (locked) return locked;
        tx.delete(obj, id);
        return { id, created: false };
      }
      case 'upsert':
        return this.upsert(tx, values);
    }
  }

  private insert(tx: Transaction, body: Record<string, unknown>): RowOutcome {
    const p = prepareWrite(this.org, this.obj, body, 'create', tx.userId);
    if (p.errors.length) return { errors: p.errors };
    if (this.org.faults.lockRow()) return { errors: [lockError([this.obj.keyPrefix])] };
    return { id: tx.insert(this.obj, p.values), created: true };
  }

  private idOf(values: string[]): string | RowOutcome {
    const raw = this.column(values, 'Id');
    if (raw === '') return { errors: [recordError('MISSING_ARGUMENT', 'Id not specified in an update call', [])] };
    const id = normalizeId(raw);
    if (!id || !id.startsWith(this.obj.keyPrefix)) {
      return {
        errors: [recordError('MALFORMED_ID', `${this.obj.label} ID: id value of incorrect type: ${raw}`, ['Id'])],
      };
    }
    return id;
  }

  private upsert(tx: Transaction, values: string[]): RowOutcome {
    const { obj, org } = this;
    const field = obj.getField(this.job.externalIdFieldName ?? 'Id')!;
    const key = this.column(values, field.name);
    if (field.name === 'Id') {
      if (key === '') return this.insert(tx, this.body(values, 'Id'));
      const id = this.idOf(values);
      if (typeof id !== 'string') return id;
      const row = liveRowOrError(org, obj, id);
      if ('statusCode' in row) return { id, errors: [row as RecordError] };
      const p = prepareWrite(org, obj, this.body(values, 'Id'), 'update', tx.userId, row as Row);
      if (p.errors.length) return { id, errors: p.errors };
      tx.update(obj, id, p.values);
      return { id, created: false };
    }
    if (key === '' || key === NULL_MARKER) {
      return { errors: [recordError('MISSING_ARGUMENT', `${field.name} not specified`, [])] };
    }
    this.index ??= externalIdIndex(org, obj, field.name);
    const k: unknown = ['int', 'double', 'currency', 'percent'].includes(field.type) ? Number(key) : key.toLowerCase();
    const matches = (this.index.get(k) ?? []).filter((id) => org.store.table(obj).get(id)?.IsDeleted === false);
    if (matches.length > 1) {
      return {
        errors: [
          recordError(
            'DUPLICATE_EXTERNAL_ID',
            `${field.label}: more than one record found for external id field: ${matches.join(', ')}`,
            [field.name],
          ),
        ],
      };
    }
    const locked = org.faults.lockRow(matches[0]) ? { errors: [lockError([matches[0] ?? obj.keyPrefix])] } : undefined;
    if (matches.length === 1) {
      const id = matches[0]!;
      const row = org.store.table(obj).get(id)!;
      const p = prepareWrite(org, obj, this.body(values, field.name), 'update', tx.userId, row);
      if (p.errors.length) return { id, errors: p.errors };
      if (locked) return locked;
      tx.update(obj, id, p.values);
      return { id, created: false };
    }
    const p = prepareWrite(org, obj, this.body(values), 'create', tx.userId);
    if (p.errors.length) return { errors: p.errors };
    if (locked) return locked;
    const id = tx.insert(obj, p.values);
    this.index.set(k, [id]);
    return { id, created: true };
  }
}
