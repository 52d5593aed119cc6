/**
 * Composite tree (`POST /composite/tree/<object>`, what `sf data import tree` sends) and Composite graph
 * (`POST /composite/graph`). A tree saves up to 200 records with their children (nested under the child
 * relationship name) in one all-or-nothing transaction and answers every referenceId with its id or its errors;
 * each graph is an all-or-nothing Composite request.
 */
import { z } from 'zod';
import { RecordErrors, SfError, type RecordError } from '../errors';
import type { ObjectSpec } from '../schema/field-builders';
import { bodyObject, changeOrigin, type Api } from './api';
import { createOne, objectOr404 } from './records';

const MAX_TREE_RECORDS = 200;

interface TreeRecord {
  attributes?: { type?: string; referenceId?: string };
  [field: string]: unknown;
}

type TreeResult = { referenceId: string; id: string } | { referenceId: string; errors: RecordError[] };

const graphSchema = z.object({
  graphs: z
    .array(z.object({ graphId: z.string().min(1), compositeRequest: z.array(z.unknown()).min(1) }))
    .min(1)
    .max(75),
});

export function registerCompositeTreeRoutes(api: Api): void {
  const org = api.org;

  api.add('POST', '/composite/tree/:type', 'composite', (req, [type]) => {
    const root = objectOr404(org, type!);
    const records = bodyObject(req).records;
    if (!Array.isArray(records) || records.length === 0) {
      throw new SfError(400, 'INVALID_INPUT', 'The request must contain a non-empty records array.');
    }
    if (countRecords(records as TreeRecord[]) > MAX_TREE_RECORDS) {
      throw new SfError(400, 'LIMIT_EXCEEDED', `Maximum number of records in a tree request is ${MAX_TREE_RECORDS}.`);
    }
    const tx = org.store.begin(req.auth.userId, changeOrigin(req));
    const results: TreeResult[] = [];
    let failed = false;
    const save = (obj: ObjectSpec, rec: TreeRecord, parent?: { field: string; id: string }): void => {
      const referenceId = rec.attributes?.referenceId ?? '';
      if (rec.attributes?.type && rec.attributes.type.toLowerCase() !== obj.name.toLowerCase()) {
        throw new SfError(400, 'INVALID_INPUT', `Record type ${rec.attributes.type} does not match ${obj.name}.`);
      }
      const values: Record<string, unknown> = {};
      const children: { obj: ObjectSpec; field: string; records: TreeRecord[] }[] = [];
      for (const [k, v] of Object.entries(rec)) {
        if (k === 'attributes') continue;
        const rel = obj.childRelationships.find((r) => r.relationshipName?.toLowerCase() === k.toLowerCase());
        if (rel && v && typeof v === 'object' && Array.isArray((v as { records?: unknown }).records)) {
          children.push({
            obj: org.catalog.getObject(rel.childSObject)!,
            field: rel.field,
            records: (v as { records: TreeRecord[] }).records,
          });
        } else values[k] = v;
      }
      if (parent) values[parent.field] = parent.id;
      let id: string;
      try {
        id = createOne(org, tx, obj, values);
      } catch (err) {
        if (!(err instanceof RecordErrors)) throw err;
        failed = true;
        results.push({ referenceId, errors: err.errors });
        return;
      }
      results.push({ referenceId, id });
      for (const c of children) for (const child of c.records) save(c.obj, child, { field: c.field, id });
    };
    try {
      for (const rec of records as TreeRecord[]) save(root, rec);
    } catch (err) {
      tx.rollback();
      throw err;
    }
    if (failed) {
      tx.rollback();
      return { status: 400, body: { hasErrors: true, results: results.filter((r) => 'errors' in r) } };
    }
    tx.commit();
    return { status: 201, body: { hasErrors: false, results } };
  });

  api.add('POST', '/composite/graph', 'composite', (req) => {
    const parsed = graphSchema.safeParse(req.body);
    if (!parsed.success) throw new SfError(400, 'INVALID_INPUT', z.prettifyError(parsed.error).replace(/\n/g, ' '));
    const graphs = parsed.data.graphs.map((g) => {
      const out = api.dispatch({
        ...req,
        path: '/composite',
        body: { allOrNone: true, compositeRequest: g.compositeRequest },
      });
      const compositeResponse =
        (out.body as { compositeResponse?: { httpStatusCode: number }[] } | undefined)?.compositeResponse ?? [];
      return {
        graphId: g.graphId,
        graphResponse: out.status === 200 ? { compositeResponse } : out.body,
        isSuccessful: out.status === 200 && compositeResponse.every((r) => r.httpStatusCode < 400),
      };
    });
    return { status: 200, body: { graphs } };
  });
}

function countRecords(records: TreeRecord[]): number {
  let n = 0;
  for (const r of records) {
    n++;
    for (const v of Object.values(r)) {
      const nested = (v as { records?: unknown } | null)?.records;
      if (Array.isArray(nested)) n += countRecords(nested as TreeRecord[]);
    }
  }
  return n;
}
