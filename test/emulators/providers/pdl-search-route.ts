/**
 * PDL Person Search on the fake (docs/prospect-search-reference.md §1): `query` (a subset of Elasticsearch: bool
 * must/filter/should with term, terms, match) xor `sql` (refused by this fake: 400 names it), `size` 1–100,
 * `scroll_token` paging, `total`, 404 when nothing matches. One credit per record returned (x-call-credits-spent).
 */
import type { Express } from 'express';
import { FAKE_PROSPECTS, pdlProspectRecord } from './prospect-directory';
import type { FakeState } from './fake-server';

type PdlRecord = ReturnType<typeof pdlProspectRecord>;
type Clause = Record<string, unknown>;

const fieldValues = (record: PdlRecord, field: string): string[] => {
  const value = (record as Record<string, unknown>)[field];
  if (Array.isArray(value)) return value.map((item) => String(item).toLowerCase());
  return value === null || value === undefined ? [] : [String(value).toLowerCase()];
};

function matches(record: PdlRecord, clause: Clause): boolean {
  const [kind, body] = Object.entries(clause)[0] ?? [];
  if (!kind || typeof body !== 'object' || body === null) throw new Error('empty clause');
  const entries = Object.entries(body as Record<string, unknown>);
  if (kind === 'bool') {
    const bool = body as { must?: Clause[]; filter?: Clause[]; should?: Clause[] };
    const all = [...(bool.must ?? []), ...(bool.filter ?? [])].every((inner) => matches(record, inner));
    const any = !bool.should?.length || bool.should.some((inner) => matches(record, inner));
    return all && any;
  }
  const [field, wanted] = entries[0] ?? [];
  if (!field) throw new Error('clause without field');
  const values = fieldValues(record, field);
  if (kind === 'term') return values.includes(String(wanted).toLowerCase());
  if (kind === 'terms' && Array.isArray(wanted))
    return wanted.some((item) => values.includes(String(item).toLowerCase()));
  if (kind === 'match') return values.some((value) => value.includes(String(wanted).toLowerCase()));
  throw new Error(`unsupported clause ${kind}`);
}

export function addPdlSearchRoute(app: Express, state: FakeState): void {
  app.post('/v5/person/search', (req, res) => {
    const body = (req.body ?? {}) as { query?: Clause; sql?: string; size?: number; scroll_token?: string };
    const fail = (message: string) =>
      res.status(400).json({ status: 400, error: { type: 'invalid_request_error', message } });
    if ((body.query === undefined) === (body.sql === undefined))
      return void fail('Provide exactly one of query or sql');
    if (body.sql !== undefined) return void fail('This fake answers Elasticsearch queries only');
    const size = body.size ?? 1;
    if (!Number.isInteger(size) || size < 1 || size > 100) return void fail('size must be between 1 and 100');
    if (state.mode === 'wrong_types') return void res.json({ status: 200, data: 'people', total: 'many' });
    let found: PdlRecord[];
    try {
      found = FAKE_PROSPECTS.map(pdlProspectRecord).filter((record) => matches(record, body.query as Clause));
    } catch (error) {
      return void fail(`Invalid query: ${(error as Error).message}`);
    }
    if (found.length === 0) {
      return void res
        .status(404)
        .json({ status: 404, error: { type: 'not_found', message: 'No records were found matching your request' } });
    }
    // The scroll token is opaque to clients; here it carries the offset of the next record.
    const offset = body.scroll_token ? Number(Buffer.from(body.scroll_token, 'base64url').toString('utf8')) : 0;
    const data = found.slice(offset, offset + size);
    const next = offset + data.length;
    res.set('x-call-credits-spent', String(data.length));
    res.json({
      status: 200,
      data,
      total: found.length,
      ...(next < found.length && { scroll_token: Buffer.from(String(next)).toString('base64url') }),
    });
  });
}
