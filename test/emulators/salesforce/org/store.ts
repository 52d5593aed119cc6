/**
 * Record storage: one Map<id, Row> per object. A Row holds only stored fields, by canonical API name:
 * datetimes as epoch ms, dates as `YYYY-MM-DD`, everything else as JSON values; absent = null.
 * Deleted records stay (IsDeleted = true) so queryAll, getDeleted and ENTITY_IS_DELETED work.
 */
import { randomUUID } from 'node:crypto';
import type { CommittedTransaction, RecordChange } from '../org-contract';
import type { Catalog } from '../schema/catalog';
import type { FieldSpec, ObjectSpec } from '../schema/field-builders';
import { formatDate, formatIsoDateTime, wholeSecond } from './clock';
import type { EventHub } from './event-hub';
import { IdFactory } from './ids';
import { AutoNumbers } from './auto-number';
import { UniqueIndex } from './unique-fields';
import { RecordErrors } from '../errors';

export type Row = Record<string, unknown>;

/**
 * What the platform does around a write of one object (roll-ups, dependent records, cross-field rules): `before`
 * may complete the row or refuse it (throw RecordErrors); `after` runs once the row is stored or deleted.
 */
export interface WriteTrigger {
  beforeWrite?(tx: Transaction, obj: ObjectSpec, row: Row, before: Row | undefined): void;
  afterWrite?(tx: Transaction, obj: ObjectSpec, row: Row, before: Row | undefined): void;
}

export interface DeletedEntry {
  id: string;
  deletedDate: number;
}

export class RecordStore {
  readonly ids = new IdFactory();
  /** Unique-field lookups (`DUPLICATE_VALUE`). */
  readonly unique = new UniqueIndex();
  readonly autoNumbers = new AutoNumbers();
  private readonly tables = new Map<string, Map<string, Row>>();
  private readonly deletedLog = new Map<string, DeletedEntry[]>();
  private commitNumber = 0;
  private readonly triggers = new Map<string, WriteTrigger[]>();

  constructor(
    readonly catalog: Catalog,
    private readonly hub: EventHub,
    private readonly now: () => number,
  ) {}

  private readonly byObject = new WeakMap<ObjectSpec, Map<string, Row>>();

  table(obj: ObjectSpec): Map<string, Row> {
    const cached = this.byObject.get(obj);
    if (cached) return cached;
    const key = obj.name.toLowerCase();
    let t = this.tables.get(key);
    if (!t) {
      t = new Map();
      this.tables.set(key, t);
    }
    this.byObject.set(obj, t);
    return t;
  }

  addTrigger(objectName: string, trigger: WriteTrigger): void {
    const key = objectName.toLowerCase();
    this.triggers.set(key, [...(this.triggers.get(key) ?? []), trigger]);
  }

  /** @internal */
  triggersFor(obj: ObjectSpec): WriteTrigger[] {
    return this.triggers.get(obj.name.toLowerCase()) ?? NO_TRIGGERS;
  }

  /** Any record by id (its object found from the key prefix), deleted or not. */
  find(id: string): { obj: ObjectSpec; row: Row } | undefined {
    const obj = this.catalog.byKeyPrefix(id.slice(0, 3));
    if (!obj) return undefined;
    const row = this.table(obj).get(id);
    return row ? { obj, row } : undefined;
  }

  deletedSince(obj: ObjectSpec, start: number, end: number): DeletedEntry[] {
    return (this.deletedLog.get(obj.name.toLowerCase()) ?? []).filter(
      (d) => d.deletedDate >= start && d.deletedDate <= end && this.table(obj).get(d.id)?.IsDeleted === true,
    );
  }

  clear(): void {
    for (const t of this.tables.values()) t.clear();
    this.deletedLog.clear();
    this.autoNumbers.clear();
  }

  /** Bulk load without events or validation (seed data). Fills Id and audit fields when missing. */
  load(obj: ObjectSpec, rows: Row[], userId: string): string[] {
    const t = this.table(obj);
    const now = wholeSecond(this.now());
    const out: string[] = [];
    const hasOwner = !!obj.getField('OwnerId');
    for (const r of rows) {
      const id = (r.Id as string | undefined) ?? this.ids.next(obj.keyPrefix);
      const row: Row = {
        Id: id,
        IsDeleted: false,
        CreatedDate: now,
        CreatedById: userId,
        LastModifiedDate: now,
        LastModifiedById: userId,
        SystemModstamp: now,
        ...(hasOwner ? { OwnerId: userId } : {}),
        ...r,
      };
      this.autoNumbers.assign(obj, row, now);
      computeDerived(obj, row);
      t.set(id, row);
      out.push(id);
    }
    return out;
  }

  /** Opens a transaction; the org clock is read once here and stamps every record the transaction writes. */
  begin(userId: string, changeOrigin: string): Transaction {
    return new Transaction(this, userId, changeOrigin, wholeSecond(this.now()));
  }

  /** @internal */
  logDelete(obj: ObjectSpec, id: string, at: number): void {
    const key = obj.name.toLowerCase();
    let list = this.deletedLog.get(key);
    if (!list) {
      list = [];
      this.deletedLog.set(key, list);
    }
    list.push({ id, deletedDate: at });
  }

  /** @internal */
  emit(tx: Omit<CommittedTransaction, 'commitNumber'>): void {
    this.hub.emitCommit({ ...tx, commitNumber: ++this.commitNumber });
  }
}

const NO_TRIGGERS: WriteTrigger[] = [];

/** Name for person objects (`FirstName LastName`); kept stored so queries and sorting are cheap. */
export function computeDerived(obj: ObjectSpec, row: Row): void {
  const name = obj.getField('Name');
  if (name?.calculated && obj.getField('LastName')) {
    row.Name = [row.FirstName, row.LastName].filter((x) => x !== undefined && x !== null && x !== '').join(' ');
  }
}

/** CometD-ready value: datetimes `…Z`, dates `YYYY-MM-DD`, everything else unchanged. */
export function eventValue(f: FieldSpec | undefined, v: unknown): unknown {
  if (v === undefined || v === null) return null;
  if (f?.type === 'datetime' && typeof v === 'number') return formatIsoDateTime(v);
  if (f?.type === 'date' && typeof v === 'number') return formatDate(v);
  return v;
}

function storedFieldsForEvent(obj: ObjectSpec, row: Row): Record<string, unknown> {
  const values: Record<string, unknown> = {};
  for (const k in row) {
    const v = row[k];
    if (v === null || v === undefined) continue;
    const f = obj.getField(k);
    if (!f || f.calculated || k === 'IsDeleted' || k === 'Id') continue;
    values[f.name] = eventValue(f, v);
  }
  return values;
}

/**
 * A unit of work: changes apply at once, are undone on rollback, and are announced once on commit. Like Salesforce,
 * one timestamp (`now`, taken at begin, in whole seconds) is used for the CreatedDate/LastModifiedDate/SystemModstamp of every record.
 */
export class Transaction {
  private readonly undo: (() => void)[] = [];
  private readonly changes: RecordChange[] = [];
  private closed = false;

  constructor(
    private readonly store: RecordStore,
    readonly userId: string,
    readonly changeOrigin: string,
    readonly now: number,
  ) {}

  get size(): number {
    return this.changes.length;
  }

  /** Marks the current point; `rollbackTo` undoes everything after it. */
  savepoint(): { undo: number; changes: number } {
    return { undo: this.undo.length, changes: this.changes.length };
  }

  rollbackTo(sp: { undo: number; changes: number }): void {
    while (this.undo.length > sp.undo) this.undo.pop()!();
    this.changes.length = sp.changes;
  }

  insert(obj: ObjectSpec, values: Row): string {
    const now = this.now;
    const id = this.store.ids.next(obj.keyPrefix);
    const row: Row = {
      Id: id,
      IsDeleted: false,
      ...values,
      CreatedDate: now,
      CreatedById: this.userId,
      LastModifiedDate: now,
      LastModifiedById: this.userId,
      SystemModstamp: now,
    };
    if (obj.getField('OwnerId') && (row.OwnerId === undefined || row.OwnerId === null)) row.OwnerId = this.userId;
    this.store.autoNumbers.assign(obj, row, now);
    computeDerived(obj, row);
    const triggers = this.store.triggersFor(obj);
    for (const tr of triggers) tr.beforeWrite?.(this, obj, row, undefined);
    const t = this.store.table(obj);
    const clash = this.store.unique.conflict(obj, t, row);
    if (clash) throw new RecordErrors([clash]);
    t.set(id, row);
    this.store.unique.note(obj, t, row, true);
    this.undo.push(() => t.delete(id));
    for (const tr of triggers) tr.afterWrite?.(this, obj, row, undefined);
    this.changes.push({
      changeType: 'CREATE',
      entityName: obj.name,
      recordId: id,
      changedFields: [],
      values: storedFieldsForEvent(obj, row),
    });
    return id;
  }

  /** Applies `values`; returns the names of the fields whose value really changed. Throws RecordErrors on a unique clash. */
  update(obj: ObjectSpec, id: string, requested: Row): string[] {
    const t = this.store.table(obj);
    const row = t.get(id)!;
    const triggers = this.store.triggersFor(obj);
    const values = triggers.length ? this.triggered(triggers, obj, row, requested) : requested;
    const clash = this.store.unique.conflict(obj, t, values, id);
    if (clash) throw new RecordErrors([clash]);
    const before = { ...row };
    const changed: string[] = [];
    for (const [k, v] of Object.entries(values)) {
      const old = row[k] ?? null;
      if (!sameValue(old, v ?? null)) {
        changed.push(k);
        if (v === null || v === undefined) delete row[k];
        else row[k] = v;
      }
    }
    const now = this.now;
    const modifierChanged = before.LastModifiedById !== this.userId;
    row.LastModifiedDate = now;
    row.LastModifiedById = this.userId;
    row.SystemModstamp = now;
    computeDerived(obj, row);
    this.store.unique.note(obj, t, row, false);
    this.undo.push(() => t.set(id, before));
    const eventValues: Record<string, unknown> = {};
    const changedFields: string[] = [];
    for (const k of changed) {
      const f = obj.getField(k);
      if (f?.calculated) continue;
      changedFields.push(k);
      eventValues[k] = eventValue(f, row[k]);
    }
    changedFields.push('LastModifiedDate');
    eventValues.LastModifiedDate = formatIsoDateTime(now);
    // The change event body carries LastModifiedById only when it changed (CDC: "Change Event Body Fields").
    if (modifierChanged && !changedFields.includes('LastModifiedById')) {
      changedFields.push('LastModifiedById');
      eventValues.LastModifiedById = this.userId;
    }
    this.changes.push({ changeType: 'UPDATE', entityName: obj.name, recordId: id, changedFields, values: eventValues });
    for (const tr of triggers) tr.afterWrite?.(this, obj, row, before);
    return changed;
  }

  /** The values to apply once the object's before-triggers have seen (and maybe completed) the merged row. */
  private triggered(triggers: WriteTrigger[], obj: ObjectSpec, row: Row, requested: Row): Row {
    const next: Row = { ...row, ...requested };
    for (const tr of triggers) tr.beforeWrite?.(this, obj, next, row);
    const values: Row = {};
    for (const k of Object.keys(next)) {
      if (k in requested || !sameValue(next[k] ?? null, row[k] ?? null)) values[k] = next[k];
    }
    return values;
  }

  /** Sets platform-maintained values (roll-ups, links) on a stored row: no audit stamps, no change event. */
  patch(obj: ObjectSpec, id: string, values: Row): void {
    const row = this.store.table(obj).get(id);
    if (!row) return;
    const before = { ...row };
    Object.assign(row, values);
    this.undo.push(() => this.store.table(obj).set(id, before));
  }

  delete(obj: ObjectSpec, id: string): void {
    const t = this.store.table(obj);
    const row = t.get(id)!;
    const before = { ...row };
    const now = this.now;
    row.IsDeleted = true;
    row.SystemModstamp = now;
    row.LastModifiedDate = now;
    row.LastModifiedById = this.userId;
    this.undo.push(() => t.set(id, before));
    this.store.logDelete(obj, id, now);
    this.changes.push({ changeType: 'DELETE', entityName: obj.name, recordId: id, changedFields: [], values: {} });
    for (const tr of this.store.triggersFor(obj)) tr.afterWrite?.(this, obj, row, before);
  }

  undelete(obj: ObjectSpec, id: string): void {
    const t = this.store.table(obj);
    const row = t.get(id)!;
    const before = { ...row };
    const now = this.now;
    row.IsDeleted = false;
    row.SystemModstamp = now;
    row.LastModifiedDate = now;
    row.LastModifiedById = this.userId;
    this.undo.push(() => t.set(id, before));
    this.changes.push({
      changeType: 'UNDELETE',
      entityName: obj.name,
      recordId: id,
      changedFields: [],
      values: storedFieldsForEvent(obj, row),
    });
    for (const tr of this.store.triggersFor(obj)) tr.afterWrite?.(this, obj, row, before);
  }

  rollback(): void {
    if (this.closed) return;
    this.closed = true;
    while (this.undo.length) this.undo.pop()!();
    this.changes.length = 0;
  }

  commit(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.changes.length === 0) return;
    this.store.emit({
      transactionKey: randomUUID().replace(/-/g, '').slice(0, 20).toLowerCase(),
      // equals the LastModifiedDate the transaction wrote, as in a real org's change events
      commitTimestamp: this.now,
      commitUserId: this.userId,
      changeOrigin: this.changeOrigin,
      changes: this.changes.slice(),
    });
  }
}

function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === null || b === null) return false;
  if (typeof a === 'number' && typeof b === 'number') return a === b;
  return JSON.stringify(a) === JSON.stringify(b);
}
