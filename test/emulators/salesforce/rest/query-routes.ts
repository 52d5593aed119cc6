/** query, queryAll and queryMore (`/query/<locator>-<offset>`), with `Sforce-Query-Options: batchSize` and `columns=true`. */
import { randomBytes } from 'node:crypto';
import { SfError } from '../errors';
import { to18 } from '../org/ids';
import type { Row } from '../org/store';
import type { QueryPlan } from '../soql/query-engine';
import type { Api, ApiRequest, ApiResponse } from './api';

interface Cursor {
  plan: QueryPlan;
  rows: Row[];
  batchSize: number;
  userId: string;
  lastUsed: number;
  kind: 'query' | 'queryAll';
}

const CURSOR_IDLE_MS = 15 * 60_000;
const MAX_CURSORS = 2000;

export function registerQueryRoutes(api: Api): void {
  const org = api.org;
  const cursors = new Map<string, Cursor>();
  let cursorSeq = 0;

  const batchSizeOf = (req: ApiRequest): number => {
    const h = req.headers['sforce-query-options'];
    const m = h ? /batchSize\s*=\s*(\d+)/i.exec(h) : null;
    if (!m) return 2000;
    const n = Number(m[1]);
    return Math.min(2000, Math.max(200, n));
  };

  const page = (req: ApiRequest, locator: string, c: Cursor, start: number): ApiResponse => {
    const end = Math.min(c.rows.length, start + c.batchSize);
    const records = c.rows.slice(start, end).map((r) => api.query.render(c.plan, r, req.version));
    const done = end >= c.rows.length;
    const body: Record<string, unknown> = { totalSize: c.rows.length, done };
    if (done) cursors.delete(locator);
    else {
      c.lastUsed = org.clock.now();
      body.nextRecordsUrl = `/services/data/v${req.version}/${c.kind === 'queryAll' ? 'queryAll' : 'query'}/${locator}-${end}`;
    }
    body.records = records;
    return { status: 200, body };
  };

  const run =
    (kind: 'query' | 'queryAll') =>
    (req: ApiRequest): ApiResponse => {
      const q = req.query.q;
      if (q === undefined || q.trim() === '') {
        throw new SfError(400, 'MALFORMED_QUERY', 'A query string has to be specified');
      }
      const plan = api.query.plan(q, req.auth.userId, kind === 'queryAll');
      if (req.query.columns === 'true') return { status: 200, body: api.query.columns(plan) };
      const out = api.query.execute(plan);
      if (plan.countOnly) return { status: 200, body: { totalSize: out.totalSize, done: true, records: [] } };
      if (out.aggregateRecords)
        return { status: 200, body: { totalSize: out.totalSize, done: true, records: out.aggregateRecords } };
      const c: Cursor = {
        plan,
        rows: out.rows,
        batchSize: batchSizeOf(req),
        userId: req.auth.userId,
        lastUsed: org.clock.now(),
        kind,
      };
      if (c.rows.length <= c.batchSize) {
        return {
          status: 200,
          body: {
            totalSize: c.rows.length,
            done: true,
            records: c.rows.map((r) => api.query.render(plan, r, req.version)),
          },
        };
      }
      sweep();
      const locator = to18(
        `01gHs${String(++cursorSeq).padStart(6, '0')}${randomBytes(2).toString('hex').toUpperCase()}`,
      );
      cursors.set(locator, c);
      return page(req, locator, c, 0);
    };

  const more = (req: ApiRequest, [loc]: string[]): ApiResponse => {
    const m = /^(.+)-(\d+)$/.exec(loc!);
    const c = m ? cursors.get(m[1]!) : undefined;
    if (!m || !c || org.clock.now() - c.lastUsed > CURSOR_IDLE_MS || c.userId !== req.auth.userId) {
      if (m) cursors.delete(m[1]!);
      throw new SfError(400, 'INVALID_QUERY_LOCATOR', 'invalid query locator');
    }
    const start = Number(m[2]);
    if (start > c.rows.length) throw new SfError(400, 'INVALID_QUERY_LOCATOR', 'invalid query locator');
    if (req.headers['sforce-query-options']) c.batchSize = batchSizeOf(req);
    return page(req, m[1]!, c, start);
  };

  function sweep(): void {
    const now = org.clock.now();
    for (const [k, c] of cursors) if (now - c.lastUsed > CURSOR_IDLE_MS) cursors.delete(k);
    while (cursors.size >= MAX_CURSORS) cursors.delete(cursors.keys().next().value!);
  }

  api.add('GET', '/query', 'query', run('query'));
  api.add('GET', '/queryAll', 'query', run('queryAll'));
  api.add('GET', '/query/:locator', 'query', more);
  api.add('GET', '/queryAll/:locator', 'query', more);
}
