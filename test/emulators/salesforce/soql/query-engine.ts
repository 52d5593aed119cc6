/**
 * SOQL over the record store: parse with soql-parser-js, resolve fields against the schema (with field-level
 * security), evaluate WHERE with SOQL semantics and render records the way the REST API does.
 */
import soqlParser, { type Query } from 'soql-parser-js';

const { parseQuery } = soqlParser;
import { SfError } from '../errors';
import { formatRestDateTime, parseDateTime } from '../org/clock';
import { normalizeId } from '../org/ids';
import type { Org } from '../org/org';
import type { Row } from '../org/store';
import type { FieldSpec, ObjectSpec } from '../schema/field-builders';
import { nameType } from '../schema/owner-objects';
import { dateLiteralRange } from './date-literals';
import { userRecordAccessRows } from './user-record-access';

/** A resolved field path: relationship hops, then the leaf field. */
export interface FieldPath {
  hops: { field: FieldSpec; relationshipName: string; target: ObjectSpec }[];
  leaf: FieldSpec;
  /** The object the leaf belongs to (for polymorphic hops, the first candidate). */
  leafObject: ObjectSpec;
}

interface SelectField {
  kind: 'field';
  path: FieldPath;
  /** `toLabel(field)`: a picklist value reads as its label. */
  label?: boolean;
}
interface SelectCount {
  kind: 'count';
  /** COUNT, COUNT_DISTINCT, SUM, AVG, MIN, MAX. */
  fn: string;
  alias: string;
  path?: FieldPath;
}

const AGGREGATES = new Set(['COUNT', 'COUNT_DISTINCT', 'SUM', 'AVG', 'MIN', 'MAX']);
interface SelectSub {
  kind: 'subquery';
  relationshipName: string;
  child: ObjectSpec;
  childField: FieldSpec;
  plan: QueryPlan;
}
type SelectItem = SelectField | SelectCount | SelectSub;

export interface QueryPlan {
  obj: ObjectSpec;
  select: SelectItem[];
  where?: (row: Row) => boolean;
  orderBy: { path: FieldPath; desc: boolean; nullsLast: boolean }[];
  limit?: number;
  offset?: number;
  countOnly: boolean;
  aggregate: boolean;
  groupBy: FieldPath[];
  includeDeleted: boolean;
  /** Rows computed per query instead of read from the store (UserRecordAccess). */
  virtualRows?: () => Row[];
}

export interface QueryOutcome {
  plan: QueryPlan;
  /** Matching rows after ORDER BY/OFFSET/LIMIT (empty for COUNT()). */
  rows: Row[];
  totalSize: number;
  /** Aggregate rows, already rendered. */
  aggregateRecords?: Record<string, unknown>[];
}

const malformed = (message: string): SfError => new SfError(400, 'MALFORMED_QUERY', message);

/** Valid SOQL the emulator does not implement: said plainly, never as a malformed query. */
const lacks = (feature: string): SfError =>
  new SfError(400, 'EMULATOR_UNSUPPORTED', `${feature} is valid SOQL that the Salesforce emulator does not implement`);

/** Salesforce's syntax error: the query echoed, a caret under the offending token, its row and column. */
export function syntaxError(soql: string, parserMessage: string): SfError {
  const found = /but found: '([^']*)'/.exec(parserMessage)?.[1];
  let offset = soql.length;
  if (found) {
    const m = new RegExp(`(^|[^A-Za-z0-9_])(${found.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')})(?![A-Za-z0-9_])`).exec(
      soql,
    );
    if (m) offset = m.index + m[1]!.length;
  }
  const before = soql.slice(0, offset);
  const row = before.split('\n').length;
  const column = offset - (before.lastIndexOf('\n') + 1) + 1;
  const lines = soql.split('\n');
  const echoed = lines.slice(0, row).join('\n');
  const caret = `${' '.repeat(column - 1)}^`;
  const token = found ?? '<EOF>';
  return malformed(`\n${echoed}\n${caret}\nERROR at Row:${row}:Column:${column}\nunexpected token: '${token}'`);
}

function invalidField(name: string, obj: ObjectSpec): SfError {
  return new SfError(
    400,
    'INVALID_FIELD',
    `\n${name}\n^\nERROR at Row:1:Column:1\nNo such column '${name}' on entity '${obj.name}'. If you are attempting to use a custom field, be sure to append the '__c' after the custom field name. Please reference your WSDL or the describe call for the appropriate names.`,
  );
}

export function invalidType(name: string): SfError {
  return new SfError(
    400,
    'INVALID_TYPE',
    `\nFROM ${name}\n     ^\nERROR at Row:1:Column:1\nsObject type '${name}' is not supported. If you are attempting to use a custom object, be sure to append the '__c' after the entity name. Please reference your WSDL or the describe call for the appropriate names.`,
  );
}

export class QueryEngine {
  constructor(private readonly org: Org) {}

  parse(soql: string): Query {
    try {
      const q = parseQuery(soql);
      return q as Query;
    } catch (err) {
      throw syntaxError(soql, (err as Error).message);
    }
  }

  plan(soql: string, userId: string | undefined, includeDeleted: boolean): QueryPlan {
    const q = this.parse(soql);
    return this.planQuery(q, userId, includeDeleted);
  }

  private planQuery(q: Query, userId: string | undefined, includeDeleted: boolean, parentObj?: ObjectSpec): QueryPlan {
    const obj = this.org.catalog.getObject(q.sObject ?? '');
    if (!obj || obj.kind === 'platformEvent') throw invalidType(q.sObject ?? '');
    const rawGroupBy = (q as { groupBy?: { field?: string }[] | { field?: string } }).groupBy;
    const groupByList = rawGroupBy === undefined ? [] : Array.isArray(rawGroupBy) ? rawGroupBy : [rawGroupBy];
    const groupBy = groupByList.map((g) => {
      if (!g.field) throw lacks('GROUP BY ROLLUP/CUBE or a date function (CALENDAR_YEAR, DAY_ONLY, …)');
      return this.resolve(obj, g.field, userId);
    });
    if ((q as { having?: unknown }).having) throw lacks('HAVING');
    const select: SelectItem[] = [];
    let countOnly = false;
    let aggregate = false;
    let exprIndex = 0;
    for (const f of q.fields ?? []) {
      const anyF = f as {
        type: string;
        field?: string;
        relationships?: string[];
        functionName?: string;
        parameters?: unknown[];
        alias?: string;
        subquery?: Query & { relationshipName?: string };
        rawValue?: string;
      };
      if (anyF.type === 'FieldFunctionExpression' && anyF.functionName?.toUpperCase() === 'FIELDS') {
        const kind = String(anyF.parameters?.[0] ?? '').toUpperCase();
        if (!['ALL', 'STANDARD', 'CUSTOM'].includes(kind)) throw malformed(`Unknown FIELDS() parameter ${kind}`);
        if (kind !== 'STANDARD' && (q.limit === undefined || q.limit > 200)) {
          throw malformed('The SOQL FIELDS function must have a LIMIT of at most 200');
        }
        for (const fd of obj.fields) {
          const custom = fd.name.endsWith('__c');
          if ((kind === 'CUSTOM' && !custom) || (kind === 'STANDARD' && custom)) continue;
          if (!this.org.fls.get(userId, obj.name, fd.name).readable) continue;
          select.push({ kind: 'field', path: { hops: [], leaf: fd, leafObject: obj } });
        }
      } else if (anyF.type === 'Field') {
        select.push({ kind: 'field', path: this.resolve(obj, anyF.field!, userId) });
      } else if (anyF.type === 'FieldRelationship') {
        select.push({
          kind: 'field',
          path: this.resolve(obj, [...anyF.relationships!, anyF.field!].join('.'), userId),
        });
      } else if (anyF.type === 'FieldFunctionExpression' && AGGREGATES.has(anyF.functionName?.toUpperCase() ?? '')) {
        const fn = anyF.functionName!.toUpperCase();
        const params = (anyF.parameters ?? []) as unknown[];
        if (params.length === 0 && fn === 'COUNT' && groupBy.length === 0) countOnly = true;
        else {
          if (params.length !== 1 || typeof params[0] !== 'string') throw malformed(`${fn} needs one field`);
          aggregate = true;
          const path = this.resolve(obj, params[0], userId);
          if ((fn === 'SUM' || fn === 'AVG') && !['int', 'double', 'currency', 'percent'].includes(path.leaf.type)) {
            throw malformed(`field ${path.leaf.name} does not support aggregate operator ${fn}`);
          }
          select.push({ kind: 'count', fn, alias: anyF.alias ?? `expr${exprIndex++}`, path });
        }
      } else if (anyF.type === 'FieldSubquery' && anyF.subquery && !parentObj) {
        const relName = anyF.subquery.relationshipName ?? '';
        const rel = obj.childRelationships.find((r) => r.relationshipName?.toLowerCase() === relName.toLowerCase());
        if (!rel) {
          throw new SfError(
            400,
            'INVALID_TYPE',
            `Didn't understand relationship '${relName}' in FROM part of query call. If you are attempting to use a custom relationship, be sure to append the '__r' after the custom relationship name. Please reference your WSDL or the describe call for the appropriate names.`,
          );
        }
        const child = this.org.catalog.getObject(rel.childSObject)!;
        const sub = this.planQuery({ ...anyF.subquery, sObject: child.name } as Query, userId, includeDeleted, obj);
        select.push({
          kind: 'subquery',
          relationshipName: rel.relationshipName!,
          child,
          childField: child.getField(rel.field)!,
          plan: sub,
        });
      } else if (
        anyF.type === 'FieldFunctionExpression' &&
        ['TOLABEL', 'FORMAT'].includes(anyF.functionName?.toUpperCase() ?? '') &&
        typeof anyF.parameters?.[0] === 'string'
      ) {
        // FORMAT renders the value as stored (the emulator has one locale); toLabel reads the picklist label.
        const path = this.resolve(obj, anyF.parameters[0], userId);
        select.push({ kind: 'field', path, label: anyF.functionName!.toUpperCase() === 'TOLABEL' });
      } else if (anyF.type === 'FieldTypeof') {
        throw lacks('TYPEOF');
      } else if (anyF.type === 'FieldFunctionExpression') {
        throw lacks(`${anyF.functionName}() in SELECT`);
      } else {
        throw malformed(`Unsupported SELECT item: ${anyF.rawValue ?? anyF.type}`);
      }
    }
    if (countOnly && select.length > 0) throw malformed('COUNT() cannot be combined with other fields');
    if (groupBy.length) aggregate = true;
    const grouped = (p: FieldPath): boolean => groupBy.some((g) => samePath(g, p));
    const ungrouped = select.find((s) => s.kind === 'field' && !grouped(s.path)) as SelectField | undefined;
    if (aggregate && ungrouped) throw malformed(`Field must be grouped or aggregated: ${ungrouped.path.leaf.name}`);
    const orderBy = (
      (q.orderBy as unknown as { field?: string; order?: string; nulls?: string }[] | undefined) ?? []
    ).map((o) => {
      if (!o.field) throw lacks('ORDER BY an aggregate or a function');
      const desc = (o.order ?? 'ASC').toUpperCase() === 'DESC';
      return {
        path: this.resolve(obj, o.field, userId),
        desc,
        nullsLast: o.nulls ? o.nulls.toUpperCase() === 'LAST' : desc,
      };
    });
    const offset = q.offset;
    if (offset !== undefined && offset > 2000) {
      throw new SfError(400, 'NUMBER_OUTSIDE_VALID_RANGE', `Maximum SOQL offset allowed is 2000`);
    }
    const rawWhere = q.where;
    return {
      obj,
      select,
      virtualRows: obj.name === 'UserRecordAccess' ? () => userRecordAccessRows(this.org, rawWhere) : undefined,
      where: q.where ? this.compileWhere(obj, q.where, userId) : undefined,
      orderBy,
      limit: q.limit,
      offset,
      countOnly,
      aggregate,
      groupBy,
      includeDeleted,
    };
  }

  /** Resolves `Name`, `Account.Type`, `Account.Owner.Name` (and `Contact.Name` on Contact) against `obj`. */
  resolve(obj: ObjectSpec, dotted: string, userId: string | undefined): FieldPath {
    let parts = dotted.split('.');
    if (parts.length > 1 && parts[0]!.toLowerCase() === obj.name.toLowerCase() && !this.relationship(obj, parts[0]!)) {
      parts = parts.slice(1);
    }
    const hops: FieldPath['hops'] = [];
    let cur = obj;
    for (let i = 0; i < parts.length - 1; i++) {
      const rel = this.relationship(cur, parts[i]!);
      if (!rel || !this.org.fls.get(userId, cur.name, rel.name).readable) {
        throw new SfError(
          400,
          'INVALID_FIELD',
          `\n${dotted}\n^\nERROR at Row:1:Column:1\nDidn't understand relationship '${parts[i]}' in field path. If you are attempting to use a custom relationship, be sure to append the '__r' after the custom relationship name. Please reference your WSDL or the describe call for the appropriate names.`,
        );
      }
      // A polymorphic relationship (Lead.Owner: User or queue; Task.Who) reads its parent through `Name`.
      const target = this.org.catalog.getObject(rel.referenceTo.length > 1 ? 'Name' : (rel.referenceTo[0] ?? ''));
      if (!target) throw invalidField(dotted, cur);
      hops.push({ field: rel, relationshipName: rel.relationshipName!, target });
      cur = target;
    }
    const leafName = parts[parts.length - 1]!;
    const leaf = cur.getField(leafName);
    if (!leaf || !this.org.fls.get(userId, cur.name, leaf.name).readable) throw invalidField(leafName, cur);
    return { hops, leaf, leafObject: cur };
  }

  private relationship(obj: ObjectSpec, name: string): FieldSpec | undefined {
    const n = name.toLowerCase();
    return obj.fields.find((f) => f.type === 'reference' && f.relationshipName?.toLowerCase() === n);
  }

  /** The row at the end of the path's hops (undefined when a parent is missing). */
  follow(row: Row, path: FieldPath): Row | undefined {
    let cur: Row | undefined = row;
    for (const h of path.hops) {
      const id = cur[h.field.name] as string | undefined;
      if (!id) return undefined;
      const found = this.org.store.find(id);
      if (!found || found.row.IsDeleted === true) return undefined;
      cur = found.row;
    }
    return cur;
  }

  value(row: Row, path: FieldPath): unknown {
    const r = path.hops.length ? this.follow(row, path) : row;
    if (!r) return null;
    const f = path.leaf;
    if (f.type === 'address') return addressValue(r, f.name);
    if (path.leafObject.name === 'Name' && f.name === 'Type') return this.nameTypeOf(r);
    return r[f.name] ?? (f.type === 'boolean' ? false : null);
  }

  /** `Name.Type` of a polymorphic parent row: `User`, `Queue`, `Contact`… */
  private nameTypeOf(row: Row): string | null {
    const found = this.org.store.find(String(row.Id ?? ''));
    return found ? nameType(found.obj.name, found.row) : null;
  }

  // ---------- WHERE ----------

  private compileWhere(obj: ObjectSpec, where: unknown, userId: string | undefined): (row: Row) => boolean {
    type Tok =
      { t: '(' } | { t: ')' } | { t: 'AND' } | { t: 'OR' } | { t: 'NOT' } | { t: 'C'; fn: (row: Row) => boolean };
    const toks: Tok[] = [];
    let node = where as { left?: Record<string, unknown> | null; operator?: string; right?: unknown } | undefined;
    while (node) {
      if (node.left) {
        const l = node.left;
        for (let i = 0; i < ((l.openParen as number) ?? 0); i++) toks.push({ t: '(' });
        // soql-parser-js writes `(NOT …` as a left side holding only the parenthesis, followed by the NOT.
        const parenOnly = !l.field && !l.fn && !l.valueQuery;
        if (!parenOnly) toks.push({ t: 'C', fn: this.compileCondition(obj, l, userId) });
        for (let i = 0; i < ((l.closeParen as number) ?? 0); i++) toks.push({ t: ')' });
      }
      if (node.operator) {
        const op = node.operator.toUpperCase();
        if (op !== 'AND' && op !== 'OR' && op !== 'NOT') throw malformed(`Unexpected operator ${op}`);
        toks.push({ t: op });
      }
      node = node.right as typeof node;
    }
    let pos = 0;
    const peek = (): Tok | undefined => toks[pos];
    const parseOr = (): ((row: Row) => boolean) => {
      let left = parseAnd();
      while (peek()?.t === 'OR') {
        pos++;
        const l = left;
        const r = parseAnd();
        left = (row) => l(row) || r(row);
      }
      return left;
    };
    const parseAnd = (): ((row: Row) => boolean) => {
      let left = parseNot();
      while (peek()?.t === 'AND') {
        pos++;
        const l = left;
        const r = parseNot();
        left = (row) => l(row) && r(row);
      }
      return left;
    };
    const parseNot = (): ((row: Row) => boolean) => {
      if (peek()?.t === 'NOT') {
        pos++;
        const inner = parseNot();
        return (row) => !inner(row);
      }
      return parseAtom();
    };
    const parseAtom = (): ((row: Row) => boolean) => {
      const tok = toks[pos++];
      if (!tok) throw malformed('unexpected end of WHERE clause');
      if (tok.t === '(') {
        const inner = parseOr();
        if (toks[pos++]?.t !== ')') throw malformed('unbalanced parentheses in WHERE clause');
        return inner;
      }
      if (tok.t === 'C') return tok.fn;
      throw malformed(`unexpected token ${tok.t} in WHERE clause`);
    };
    const fn = parseOr();
    if (pos !== toks.length) throw malformed('unexpected token in WHERE clause');
    return fn;
  }

  private compileCondition(
    obj: ObjectSpec,
    c: Record<string, unknown>,
    userId: string | undefined,
  ): (row: Row) => boolean {
    if (c.fn || !c.field) throw lacks('A function in WHERE');
    const path = this.resolve(obj, String(c.field), userId);
    const f = path.leaf;
    const op = String(c.operator).toUpperCase();
    const literalType = String(c.literalType ?? '');
    if (c.valueQuery) return this.compileSemiJoin(path, op, c.valueQuery as Query, userId);
    const rawValues = Array.isArray(c.value) ? (c.value as string[]) : [String(c.value)];
    const isList = op === 'IN' || op === 'NOT IN' || op === 'INCLUDES' || op === 'EXCLUDES';
    if (!isList && Array.isArray(c.value)) throw malformed(`operator ${op} needs a single value`);
    if (isList && !Array.isArray(c.value)) throw malformed(`operator ${op} needs a list of values`);
    if (f.type === 'address' || f.type === 'location' || (f.type === 'textarea' && f.length! > 255)) {
      throw new SfError(400, 'INVALID_FIELD', `field '${f.name}' can not be filtered in a query call`);
    }
    const now = this.org.clock.now();
    const get = (row: Row): unknown => this.value(row, path);
    const isDateType = f.type === 'date' || f.type === 'datetime';

    // date literals: ranges
    if (literalType === 'DATE_LITERAL' || literalType === 'DATE_N_LITERAL') {
      if (!isDateType)
        throw malformed(
          `value of filter criterion for field '${f.name}' must be of type ${f.type} and should not be enclosed in quotes`,
        );
      const ranges = rawValues.map((v) => {
        const n = typeof c.dateLiteralVariable === 'number' ? c.dateLiteralVariable : Number(String(v).split(':')[1]);
        const r = dateLiteralRange(String(v), Number.isNaN(n) ? undefined : n, now);
        if (!r) throw malformed(`unknown date literal ${v}`);
        return r;
      });
      const toMs = (v: unknown): number | undefined =>
        v === null || v === undefined ? undefined : f.type === 'date' ? parseDateTime(String(v)) : (v as number);
      const [start, end] = ranges[0]!;
      switch (op) {
        case '=':
          return (row) => {
            const m = toMs(get(row));
            return m !== undefined && m >= start && m < end;
          };
        case '!=':
        case '<>':
          return (row) => {
            const m = toMs(get(row));
            return m === undefined || m < start || m >= end;
          };
        case '<':
          return (row) => {
            const m = toMs(get(row));
            return m !== undefined && m < start;
          };
        case '<=':
          return (row) => {
            const m = toMs(get(row));
            return m !== undefined && m < end;
          };
        case '>':
          return (row) => {
            const m = toMs(get(row));
            return m !== undefined && m >= end;
          };
        case '>=':
          return (row) => {
            const m = toMs(get(row));
            return m !== undefined && m >= start;
          };
        case 'IN':
          return (row) => {
            const m = toMs(get(row));
            return m !== undefined && ranges.some(([s, e]) => m >= s && m < e);
          };
        case 'NOT IN':
          return (row) => {
            const m = toMs(get(row));
            return m === undefined || !ranges.some(([s, e]) => m >= s && m < e);
          };
        default:
          throw malformed(`invalid operator ${op} for a date literal`);
      }
    }

    const literals = rawValues.map((v) =>
      this.literal(f, v, rawValues.length > 1 ? literalTypeOf(v, literalType) : literalType),
    );
    const norm = (v: unknown): unknown => {
      if (v === null || v === undefined || v === '') return null;
      if (typeof v === 'string' && f.type !== 'date') return v.toLowerCase();
      return v;
    };

    if (op === 'LIKE') {
      if (
        !['string', 'textarea', 'email', 'phone', 'url', 'picklist', 'id', 'reference', 'combobox'].includes(f.type)
      ) {
        throw new SfError(400, 'INVALID_FIELD', `invalid operator on field: ${f.name}`);
      }
      const pattern = String(literals[0] ?? '');
      const re = likeRegex(pattern);
      return (row) => {
        const v = get(row);
        return v !== null && v !== undefined && re.test(String(v));
      };
    }
    if (op === 'INCLUDES' || op === 'EXCLUDES') {
      if (f.type !== 'multipicklist') throw malformed(`INCLUDES/EXCLUDES can only be used on multi-select picklists`);
      const sets = literals.map((l) =>
        String(l ?? '')
          .toLowerCase()
          .split(';'),
      );
      const test = (row: Row): boolean => {
        const v = get(row);
        if (v === null || v === undefined) return false;
        const have = new Set(String(v).toLowerCase().split(';'));
        return sets.some((s) => s.every((x) => have.has(x)));
      };
      return op === 'INCLUDES' ? test : (row) => !test(row);
    }
    const lits = literals.map(norm);
    if (op === 'IN' || op === 'NOT IN') {
      const set = new Set(lits);
      const hasNull = set.has(null);
      if (op === 'IN') return (row) => set.has(norm(get(row)));
      return (row) => {
        const v = norm(get(row));
        return v === null ? !hasNull : !set.has(v);
      };
    }
    const lit = lits[0];
    switch (op) {
      case '=':
        return (row) => norm(get(row)) === lit;
      case '!=':
      case '<>':
        return (row) => norm(get(row)) !== lit;
      case '<':
      case '<=':
      case '>':
      case '>=': {
        if (lit === null) return () => false;
        if (f.type === 'boolean') throw new SfError(400, 'INVALID_FIELD', `invalid operator on field: ${f.name}`);
        return (row) => {
          const v = norm(get(row));
          if (v === null) return false;
          const cmp = compareValues(v, lit);
          return op === '<' ? cmp < 0 : op === '<=' ? cmp <= 0 : op === '>' ? cmp > 0 : cmp >= 0;
        };
      }
      default:
        throw malformed(`unexpected operator ${op}`);
    }
  }

  /** `Id IN (SELECT ContactId FROM CampaignMember …)`: the inner query runs once, at compile time. */
  private compileSemiJoin(
    path: FieldPath,
    op: string,
    inner: Query,
    userId: string | undefined,
  ): (row: Row) => boolean {
    if (op !== 'IN' && op !== 'NOT IN') throw malformed(`Semi-join needs IN or NOT IN, not ${op}`);
    if (path.leaf.type !== 'id' && path.leaf.type !== 'reference') {
      throw malformed(`Semi-join subselects are only allowed on Id and reference fields, not ${path.leaf.name}`);
    }
    const plan = this.planQuery(inner, userId, false, path.leafObject);
    const only = plan.select.length === 1 ? plan.select[0] : undefined;
    if (!only || only.kind !== 'field' || !['id', 'reference'].includes(only.path.leaf.type)) {
      throw malformed('The selected field in a semi-join subselect must be a single Id or reference field');
    }
    const ids = new Set<unknown>();
    for (const r of this.execute(plan).rows) {
      const v = this.value(r, only.path);
      if (v) ids.add(v);
    }
    return op === 'IN'
      ? (row) => ids.has(this.value(row, path))
      : (row) => {
          const v = this.value(row, path);
          return v === null || !ids.has(v);
        };
  }

  /** The literal as a stored value for field `f`, with SOQL's type checks. */
  private literal(f: FieldSpec, raw: string, literalType: string): unknown {
    if (literalType === 'NULL' || raw.toUpperCase() === 'NULL') return null;
    const isQuoted = raw.startsWith("'");
    const text = isQuoted ? unquote(raw) : raw;
    switch (f.type) {
      case 'id':
      case 'reference': {
        if (!isQuoted)
          throw malformed(
            `value of filter criterion for field '${f.name}' must be of type id and should be enclosed in quotes`,
          );
        if (text === '') return null;
        const id = normalizeId(text);
        if (!id) throw new SfError(400, 'INVALID_QUERY_FILTER_OPERATOR', `\ninvalid ID field: ${text}`);
        return id;
      }
      case 'boolean':
        if (literalType !== 'BOOLEAN')
          throw malformed(
            `value of filter criterion for field '${f.name}' must be of type boolean and should not be enclosed in quotes`,
          );
        return text.toUpperCase() === 'TRUE';
      case 'int':
      case 'double':
      case 'currency':
      case 'percent':
        if (isQuoted || Number.isNaN(Number(text)))
          throw malformed(
            `value of filter criterion for field '${f.name}' must be of type double and should not be enclosed in quotes`,
          );
        return Number(text);
      case 'date':
        if (isQuoted || literalType !== 'DATE')
          throw malformed(
            `value of filter criterion for field '${f.name}' must be of type date and should not be enclosed in quotes`,
          );
        return text;
      case 'datetime': {
        if (isQuoted || literalType !== 'DATETIME')
          throw malformed(
            `value of filter criterion for field '${f.name}' must be of type dateTime and should not be enclosed in quotes`,
          );
        const ms = parseDateTime(text);
        if (ms === undefined) throw malformed(`invalid date/time: ${text}`);
        return ms;
      }
      default:
        if (!isQuoted)
          throw malformed(
            `value of filter criterion for field '${f.name}' must be of type string and should be enclosed in quotes`,
          );
        return text;
    }
  }

  // ---------- execution ----------

  execute(plan: QueryPlan, parentId?: { field: string; id: string }): QueryOutcome {
    const source = plan.virtualRows ? plan.virtualRows() : this.org.store.table(plan.obj).values();
    let rows: Row[] = [];
    for (const row of source) {
      if (row.IsDeleted === true && !plan.includeDeleted) continue;
      if (parentId && row[parentId.field] !== parentId.id) continue;
      if (plan.where && !plan.where(row)) continue;
      rows.push(row);
    }
    if (plan.aggregate) {
      const records = this.aggregate(plan, rows);
      return { plan, rows: [], totalSize: records.length, aggregateRecords: records };
    }
    if (plan.orderBy.length) {
      const keys = plan.orderBy;
      rows.sort((a, b) => {
        for (const k of keys) {
          const va = sortable(this.value(a, k.path));
          const vb = sortable(this.value(b, k.path));
          if (va === null && vb === null) continue;
          if (va === null) return k.nullsLast ? 1 : -1;
          if (vb === null) return k.nullsLast ? -1 : 1;
          const c = compareValues(va, vb);
          if (c !== 0) return k.desc ? -c : c;
        }
        return 0;
      });
    }
    if (plan.offset) rows = rows.slice(plan.offset);
    if (plan.limit !== undefined) rows = rows.slice(0, plan.limit);
    if (plan.countOnly) return { plan, rows: [], totalSize: rows.length };
    return { plan, rows, totalSize: rows.length };
  }

  /** GROUP BY buckets (one bucket without GROUP BY), aggregates, then ORDER BY on grouped fields, OFFSET, LIMIT. */
  private aggregate(plan: QueryPlan, rows: Row[]): Record<string, unknown>[] {
    const groups = new Map<string, { keys: unknown[]; rows: Row[] }>();
    if (plan.groupBy.length === 0) groups.set('', { keys: [], rows });
    else {
      for (const r of rows) {
        const keys = plan.groupBy.map((g) => this.value(r, g));
        const k = JSON.stringify(keys.map((v) => (typeof v === 'string' ? v.toLowerCase() : v)));
        const g = groups.get(k);
        if (g) g.rows.push(r);
        else groups.set(k, { keys, rows: [r] });
      }
    }
    let list = [...groups.values()];
    if (plan.orderBy.length) {
      const idx = plan.orderBy.map((o) => {
        const i = plan.groupBy.findIndex((g) => samePath(g, o.path));
        if (i < 0) throw malformed(`Ordered field must be grouped or aggregated: ${o.path.leaf.name}`);
        return { i, o };
      });
      list.sort((a, b) => {
        for (const { i, o } of idx) {
          const va = sortable(a.keys[i]);
          const vb = sortable(b.keys[i]);
          if (va === null && vb === null) continue;
          if (va === null) return o.nullsLast ? 1 : -1;
          if (vb === null) return o.nullsLast ? -1 : 1;
          const c = compareValues(va, vb);
          if (c !== 0) return o.desc ? -c : c;
        }
        return 0;
      });
    }
    if (plan.offset) list = list.slice(plan.offset);
    if (plan.limit !== undefined) list = list.slice(0, plan.limit);
    return list.map((g) => {
      const rec: Record<string, unknown> = { attributes: { type: 'AggregateResult' } };
      for (const s of plan.select) {
        if (s.kind === 'field') {
          const i = plan.groupBy.findIndex((p) => samePath(p, s.path));
          rec[s.path.leaf.name] = restValue(s.path.leaf, g.keys[i]);
        } else if (s.kind === 'count') rec[s.alias] = this.aggregateValue(s, g.rows);
      }
      return rec;
    });
  }

  private aggregateValue(s: SelectCount, rows: Row[]): unknown {
    const vals = rows.map((r) => this.value(r, s.path!)).filter((v) => v !== null && v !== undefined && v !== '');
    switch (s.fn) {
      case 'COUNT':
        return vals.length;
      case 'COUNT_DISTINCT':
        return new Set(vals.map((v) => (typeof v === 'string' ? v.toLowerCase() : v))).size;
      case 'SUM':
        return vals.length ? (vals as number[]).reduce((a, b) => a + b, 0) : null;
      case 'AVG':
        return vals.length ? (vals as number[]).reduce((a, b) => a + b, 0) / vals.length : null;
      default: {
        if (!vals.length) return null;
        const best = vals.reduce((a, b) => {
          const c = compareValues(sortable(a), sortable(b));
          return s.fn === 'MIN' ? (c <= 0 ? a : b) : c >= 0 ? a : b;
        });
        return restValue(s.path!.leaf, best);
      }
    }
  }

  render(plan: QueryPlan, row: Row, version: string): Record<string, unknown> {
    const out: Record<string, unknown> = {
      attributes: { type: plan.obj.name, url: `/services/data/v${version}/sobjects/${plan.obj.name}/${row.Id}` },
    };
    for (const s of plan.select) {
      if (s.kind === 'field') {
        this.renderPath(out, row, s.path, version);
        if (s.label && s.path.hops.length === 0) out[s.path.leaf.name] = labelOf(s.path.leaf, out[s.path.leaf.name]);
      } else if (s.kind === 'subquery') {
        const res = this.execute(s.plan, { field: s.childField.name, id: row.Id as string });
        out[s.relationshipName] = res.rows.length
          ? { totalSize: res.rows.length, done: true, records: res.rows.map((r) => this.render(s.plan, r, version)) }
          : null;
      }
    }
    return out;
  }

  private renderPath(out: Record<string, unknown>, row: Row, path: FieldPath, version: string): void {
    if (path.hops.length === 0 && path.leaf.type === 'base64') {
      out[path.leaf.name] = blobUrl(
        this.org.store.find(row.Id as string)?.obj.name ?? '',
        row,
        path.leaf.name,
        version,
      );
      return;
    }
    if (path.hops.length === 0) {
      out[path.leaf.name] = restValue(
        path.leaf,
        path.leaf.type === 'address' ? addressValue(row, path.leaf.name) : row[path.leaf.name],
      );
      return;
    }
    let target = out;
    let cur: Row | undefined = row;
    for (const h of path.hops) {
      const id = cur?.[h.field.name] as string | undefined;
      const found = id ? this.org.store.find(id) : undefined;
      if (!found || found.row.IsDeleted === true) {
        if (!(h.relationshipName in target)) target[h.relationshipName] = null;
        return;
      }
      let nested = target[h.relationshipName] as Record<string, unknown> | null | undefined;
      if (!nested) {
        const type = h.target.name === 'Name' ? 'Name' : found.obj.name;
        nested = {
          attributes: { type, url: `/services/data/v${version}/sobjects/${found.obj.name}/${id}` },
        };
        target[h.relationshipName] = nested;
      }
      target = nested;
      cur = found.row;
    }
    const leaf = path.leaf;
    const raw =
      leaf.type === 'address'
        ? addressValue(cur!, leaf.name)
        : path.leafObject.name === 'Name' && leaf.name === 'Type'
          ? this.nameTypeOf(cur!)
          : cur![leaf.name];
    target[leaf.name] = restValue(leaf, raw);
  }

  /** The `columns=true` answer the Salesforce CLI asks for. */
  columns(plan: QueryPlan): Record<string, unknown> {
    const col = (f: FieldSpec, displayName: string): Record<string, unknown> => ({
      aggregate: false,
      apexType: apexType(f),
      booleanType: f.type === 'boolean',
      columnName: f.name,
      custom: f.name.endsWith('__c'),
      displayName,
      foreignKeyName: null,
      insertable: f.createable,
      joinColumns: [],
      numberType: ['int', 'double', 'currency', 'percent'].includes(f.type),
      textType: ['string', 'textarea', 'email', 'phone', 'url', 'picklist'].includes(f.type),
      updatable: f.updateable,
    });
    const columnMetadata: Record<string, unknown>[] = [];
    for (const s of plan.select) {
      if (s.kind === 'field') {
        if (s.path.hops.length === 0) {
          columnMetadata.push(col(s.path.leaf, s.path.leaf.name));
          continue;
        }
        let list = columnMetadata;
        let prefix = '';
        for (const h of s.path.hops) {
          prefix = prefix ? `${prefix}.${h.relationshipName}` : h.relationshipName;
          let parent = list.find((c) => c.columnName === h.relationshipName);
          if (!parent) {
            parent = {
              ...col(h.field, prefix),
              apexType: h.target.name,
              columnName: h.relationshipName,
              foreignKeyName: h.field.name,
              insertable: false,
              updatable: false,
            };
            list.push(parent);
          }
          list = parent.joinColumns as Record<string, unknown>[];
        }
        list.push(col(s.path.leaf, `${prefix}.${s.path.leaf.name}`));
      } else if (s.kind === 'count') {
        columnMetadata.push({
          ...col(s.path?.leaf ?? plan.obj.getField('Id')!, s.alias),
          aggregate: true,
          apexType: s.fn === 'COUNT' || s.fn === 'COUNT_DISTINCT' ? 'Integer' : apexType(s.path!.leaf),
          columnName: s.alias,
          numberType: true,
        });
      } else {
        columnMetadata.push({
          aggregate: true,
          apexType: null,
          booleanType: false,
          columnName: s.relationshipName,
          custom: false,
          displayName: s.relationshipName,
          foreignKeyName: null,
          insertable: false,
          joinColumns: this.columns(s.plan).columnMetadata,
          numberType: false,
          textType: false,
          updatable: false,
        });
      }
    }
    return {
      columnMetadata,
      entityName: plan.obj.name,
      groupBy: plan.groupBy.length > 0,
      idSelected: plan.select.some((s) => s.kind === 'field' && s.path.hops.length === 0 && s.path.leaf.name === 'Id'),
      keyPrefix: plan.obj.keyPrefix,
    };
  }
}

function samePath(a: FieldPath, b: FieldPath): boolean {
  return a.leaf === b.leaf && a.hops.length === b.hops.length && a.hops.every((h, i) => h.field === b.hops[i]!.field);
}

function literalTypeOf(v: string, fallback: string): string {
  if (v.startsWith("'")) return 'STRING';
  if (/^(true|false)$/i.test(v)) return 'BOOLEAN';
  if (/^null$/i.test(v)) return 'NULL';
  if (/^\d{4}-\d{2}-\d{2}T/.test(v)) return 'DATETIME';
  if (/^\d{4}-\d{2}-\d{2}$/.test(v)) return 'DATE';
  return fallback;
}

function apexType(f: FieldSpec): string {
  const map: Record<string, string> = {
    id: 'Id',
    reference: 'Id',
    boolean: 'Boolean',
    int: 'Integer',
    double: 'Double',
    currency: 'Decimal',
    percent: 'Decimal',
    date: 'Date',
    datetime: 'Datetime',
    address: 'Address',
    location: 'Location',
  };
  return map[f.type] ?? 'String';
}

export function unquote(raw: string): string {
  const inner = raw.slice(1, -1);
  return inner.replace(/\\(.)/g, (_m, c: string) => {
    switch (c) {
      case 'n':
        return '\n';
      case 't':
        return '\t';
      case 'r':
        return '\r';
      case '%':
        return '\\%';
      case '_':
        return '\\_';
      default:
        return c;
    }
  });
}

function likeRegex(pattern: string): RegExp {
  let re = '';
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i]!;
    if (ch === '\\' && (pattern[i + 1] === '%' || pattern[i + 1] === '_')) {
      re += pattern[++i] === '%' ? '%' : '_';
    } else if (ch === '%') re += '[\\s\\S]*';
    else if (ch === '_') re += '[\\s\\S]';
    else re += ch.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`, 'i');
}

function sortable(v: unknown): unknown {
  if (v === undefined || v === null || v === '') return null;
  return typeof v === 'string' ? v.toLowerCase() : v;
}

function compareValues(a: unknown, b: unknown): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'boolean' && typeof b === 'boolean') return a === b ? 0 : a ? 1 : -1;
  const sa = String(a);
  const sb = String(b);
  return sa < sb ? -1 : sa > sb ? 1 : 0;
}

/** Compound address value from its components (null when every component is empty). */
export function addressValue(row: Row, compound: string): Record<string, unknown> | null {
  const p = compound.slice(0, -'Address'.length);
  const v = {
    city: row[`${p}City`] ?? null,
    country: row[`${p}Country`] ?? null,
    geocodeAccuracy: null,
    latitude: row[`${p}Latitude`] ?? null,
    longitude: row[`${p}Longitude`] ?? null,
    postalCode: row[`${p}PostalCode`] ?? null,
    state: row[`${p}State`] ?? null,
    street: row[`${p}Street`] ?? null,
  };
  return Object.values(v).some((x) => x !== null) ? v : null;
}

function labelOf(f: FieldSpec, value: unknown): unknown {
  return f.picklistValues.find((p) => p.value === value)?.label ?? value;
}

/** A base64 field reads as the URL its bytes download from (`…/sobjects/ContentVersion/<id>/VersionData`). */
export function blobUrl(objectName: string, row: Row, field: string, version: string): string | null {
  if (row[field] === undefined || row[field] === null) return null;
  return `/services/data/v${version}/sobjects/${objectName}/${row.Id}/${field}`;
}

/** A stored value as REST JSON (datetimes `…+0000`). */
export function restValue(f: FieldSpec, v: unknown): unknown {
  if (v === undefined || v === null) return f.type === 'boolean' ? false : null;
  if (f.type === 'datetime' && typeof v === 'number') return formatRestDateTime(v);
  return v;
}
