import type { FieldValue } from '../../../domain/mirror-record';
import type { OrgClient } from '../../../salesforce/org-client';
import { buildQuery } from '../../segments/filter';

/** Keys per query: 100 emails of up to 80 characters keep the SOQL well inside the URL and query length limits. */
export const MATCH_KEYS_PER_QUERY = 100;

export interface MatchedRecord {
  id: string;
  fields: Record<string, FieldValue>;
}

/**
 * The records whose `matchField` equals one of `keyValues`, grouped by lower-cased key (SOQL compares text without
 * case; 18-character ids carry their case in the suffix). The query is composed by soql-parser-js from an `in`
 * filter, so values are escaped, never pasted. Every key gets an entry, empty when nothing matched.
 */
export async function findMatchingRecords(
  org: OrgClient,
  input: { object: string; matchField: string; keyValues: readonly string[]; fields: readonly string[] },
): Promise<Map<string, MatchedRecord[]>> {
  const found = new Map<string, MatchedRecord[]>();
  const unique = [...new Map(input.keyValues.map((value) => [value.toLowerCase(), value])).values()];
  for (const value of unique) found.set(value.toLowerCase(), []);
  const fields = [...new Set(['Id', input.matchField, ...input.fields])];
  for (let i = 0; i < unique.length; i += MATCH_KEYS_PER_QUERY) {
    const chunk = unique.slice(i, i + MATCH_KEYS_PER_QUERY);
    const soql = buildQuery({
      object: input.object,
      fields,
      filter: { field: input.matchField, op: 'in', value: chunk },
    });
    for (const row of await org.query<Record<string, unknown>>(soql, { maxFetch: 100_000 })) {
      const record: MatchedRecord = { id: String(row.Id), fields: {} };
      for (const field of fields) {
        const value = row[field];
        record.fields[field] =
          typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' ? value : null;
      }
      const key = String(row[input.matchField] ?? '').toLowerCase();
      const list = found.get(key);
      if (list) list.push(record);
    }
  }
  return found;
}
