/**
 * Config promotion: the setup built in one org (audiences, field maps, plans, actions, signal rules, sources) as one
 * JSON document, and that document applied to another org. Records are matched by name (field maps by object and
 * field), lookups travel as the name of the record they point to and are remapped to the target org's ids, and a
 * dry run lists what an import would create or change without writing.
 */
import { z } from 'zod';
import { CONFIG_OBJECTS, type FieldSpec } from '../server/src/domain/records';
import type { OrgClient } from '../server/src/salesforce/org-client';
import { selectQuery } from '../server/src/salesforce/selectors/select-query';

/** In dependency order: a record's lookups point to objects earlier in the list. */
export const PROMOTED_OBJECTS = [
  'Audience_Source__c',
  'Audience__c',
  'Audience_Field_Map__c',
  'Audience_Enrichment__c',
  'Audience_Action__c',
  'Audience_Signal_Rule__c',
] as const satisfies readonly (keyof typeof CONFIG_OBJECTS)[];
type PromotedObject = (typeof PROMOTED_OBJECTS)[number];

/** Fields the admin sets; what the server writes back (statuses, counts, sync times, estimates) stays behind. */
const ADMIN_WRITTEN_TOO = new Set(['Mode__c']);
function promotedFields(object: PromotedObject): [string, FieldSpec][] {
  return Object.entries(CONFIG_OBJECTS[object] as Record<string, FieldSpec>).filter(
    ([name, spec]) => !spec.writes || ADMIN_WRITTEN_TOO.has(name),
  );
}

export type ConfigRow = Record<string, string | number | boolean | null>;
export const configDocumentSchema = z.object({
  version: z.literal(1),
  objects: z.record(
    z.string(),
    z.array(z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()]))),
  ),
});
export type ConfigDocument = z.infer<typeof configDocumentSchema>;

/** How a record is recognised in another org. */
function keyOf(object: PromotedObject, row: ConfigRow): string {
  if (object === 'Audience_Field_Map__c') return `${String(row.Object__c)}.${String(row.Field__c)}`;
  return String(row.Name ?? '');
}

/** Reads the setup of an org; lookups are replaced by the name of the record they name. */
export async function exportConfig(org: OrgClient): Promise<ConfigDocument> {
  const names = new Map<string, string>();
  const objects: Record<string, ConfigRow[]> = {};
  for (const object of PROMOTED_OBJECTS) {
    const fields = promotedFields(object).map(([name]) => name);
    const rows = await org.query<Record<string, unknown>>(
      selectQuery({ object, fields: ['Id', ...fields.filter((f) => f !== 'Id')] }),
    );
    for (const row of rows) names.set(String(row.Id).slice(0, 15), String(row.Name ?? ''));
    objects[object] = rows
      .map((row) => {
        const out: ConfigRow = {};
        for (const [name, spec] of promotedFields(object)) {
          const value = row[name] ?? null;
          out[name] =
            spec.kind === 'lookup' && typeof value === 'string'
              ? (names.get(value.slice(0, 15)) ?? null)
              : (value as ConfigRow[string]);
        }
        return out;
      })
      .sort((a, b) => keyOf(object, a).localeCompare(keyOf(object, b)));
  }
  return { version: 1, objects };
}

export interface ConfigChange {
  object: string;
  key: string;
  action: 'create' | 'update';
  /** The fields that differ (update) or are set (create). */
  fields: string[];
}

/**
 * Applies a document to an org: creates what is missing, updates what differs, leaves the rest (and records the
 * document does not name) alone. With `dryRun` nothing is written and the changes are only listed.
 */
export async function importConfig(
  org: OrgClient,
  document: ConfigDocument,
  options: { dryRun?: boolean } = {},
): Promise<ConfigChange[]> {
  const changes: ConfigChange[] = [];
  const idsByName = new Map<string, string>();
  for (const object of PROMOTED_OBJECTS) {
    const specs = promotedFields(object);
    const fields = specs.map(([name]) => name);
    const existing = await org.query<Record<string, unknown>>(
      selectQuery({ object, fields: ['Id', ...fields.filter((f) => f !== 'Id')] }),
    );
    const byKey = new Map(existing.map((row) => [keyOf(object, row as ConfigRow), row]));
    for (const row of existing) idsByName.set(`${object}:${String(row.Name ?? '')}`, String(row.Id));
    for (const wanted of document.objects[object] ?? []) {
      const key = keyOf(object, wanted);
      const target: Record<string, unknown> = {};
      for (const [name, spec] of specs) {
        if (!(name in wanted)) continue;
        const value = wanted[name];
        if (spec.kind === 'lookup') {
          const referenceTo = spec.referenceTo as string;
          const id = value === null ? null : idsByName.get(`${referenceTo}:${String(value)}`);
          // A lookup to a record the target org lacks (and a dry run has not created yet) is left for later.
          if (id === undefined) {
            if (!options.dryRun) throw new Error(`${object} ${key}: no ${referenceTo} named ${String(value)}`);
            target[name] = `(new ${referenceTo} ${String(value)})`;
            continue;
          }
          target[name] = id;
        } else {
          target[name] = value;
        }
      }
      const current = byKey.get(key);
      if (!current) {
        changes.push({ object, key, action: 'create', fields: Object.keys(target).sort() });
        if (!options.dryRun) {
          const id = await org.insert(object, target);
          idsByName.set(`${object}:${String(wanted.Name ?? '')}`, id);
        } else {
          idsByName.set(`${object}:${String(wanted.Name ?? '')}`, `(new ${object} ${String(wanted.Name ?? '')})`);
        }
        continue;
      }
      const differing = Object.keys(target).filter((name) => !sameValue(current[name], target[name]));
      if (differing.length === 0) continue;
      changes.push({ object, key, action: 'update', fields: differing.sort() });
      if (!options.dryRun) {
        await org.update(object, String(current.Id), Object.fromEntries(differing.map((f) => [f, target[f]])));
      }
    }
  }
  return changes;
}

function sameValue(a: unknown, b: unknown): boolean {
  const norm = (v: unknown) =>
    v === undefined || v === '' ? null : typeof v === 'string' && /^[a-zA-Z0-9]{18}$/.test(v) ? v.slice(0, 15) : v;
  return norm(a) === norm(b);
}
