/**
 * The shared filter vectors (filter JSON → SOQL WHERE text and matching record ids) held against the server's
 * compiler and evaluator; the Apex compiler's test reads the same vectors from the static resource, which must be
 * an exact copy of this file.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { buildQuery, evaluateFilter, parseFilter } from '../../server/src/pipeline/segments/filter';

const ROOT = path.resolve(__dirname, '../..');
const VECTORS_FILE = path.join(ROOT, 'test/contracts/filter-vectors.json');
const STATIC_RESOURCE = path.join(ROOT, 'force-app/main/default/staticresources/AudienceFilterVectors.json');

const vectorsSchema = z.object({
  object: z.string(),
  now: z.iso.datetime(),
  fieldTypes: z.record(z.string(), z.string()),
  records: z.array(z.looseObject({ Id: z.string() })).min(1),
  vectors: z
    .array(z.object({ name: z.string(), filter: z.unknown(), where: z.string(), matches: z.array(z.string()) }))
    .min(10),
});

const vectors = vectorsSchema.parse(JSON.parse(readFileSync(VECTORS_FILE, 'utf8')));
const fieldType = (field: string) =>
  Object.entries(vectors.fieldTypes).find(([name]) => name.toLowerCase() === field.toLowerCase())?.[1];

describe('shared filter vectors', () => {
  it('the Apex static resource is an exact copy of the vectors', () => {
    expect(readFileSync(STATIC_RESOURCE, 'utf8')).toBe(readFileSync(VECTORS_FILE, 'utf8'));
  });

  it.each(vectors.vectors.map((v) => [v.name, v] as const))('%s: the WHERE text and the matches', (_name, vector) => {
    const filter = parseFilter(vector.filter);
    const soql = buildQuery({ object: vectors.object, fields: ['Id'], filter, fieldType });
    const prefix = `SELECT Id FROM ${vectors.object}`;
    expect(soql.startsWith(prefix)).toBe(true);
    expect(soql.slice(prefix.length).replace(/^ WHERE /, '')).toBe(vector.where);
    const now = new Date(vectors.now);
    const matches = vectors.records.filter((r) => evaluateFilter(filter, r, now, { fieldType })).map((r) => r.Id);
    expect(matches).toEqual(vector.matches);
  });
});
