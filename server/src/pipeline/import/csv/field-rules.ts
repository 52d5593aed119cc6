import { z } from 'zod';
import type { WriteRule } from '../../../domain/field-map';
import { WRITE_RULES } from '../../../domain/records';
import type { OrgClient } from '../../../salesforce/org-client';
import { activeFieldRulesQuery } from '../../../salesforce/selectors/config-selectors';

/** From most to least protective: when two active maps name one field, the import keeps to the stricter rule. */
const PROTECTION: readonly WriteRule[] = ['Never', 'Tracked', 'Fill_Blank', 'Always'];

const mapRowSchema = z.looseObject({
  Field__c: z.string().min(1),
  Write_Rule__c: z.enum(WRITE_RULES),
});

export interface FieldRules {
  /** Rule per field (lower-cased API name) named by an active Audience_Field_Map__c of the object. */
  byField: Map<string, WriteRule>;
  /** Active maps that could not be read (bad rule or field), so they were not applied. */
  ignored: { id: string; reason: string }[];
}

/**
 * The write rules admins set for the object's fields, read straight from Audience_Field_Map__c (active maps only,
 * read-only maps included: a rule is the admin's word on the field whatever fills it). Read here rather than
 * through ConfigLoader, which would also write config statuses and drop maps of objects without a source.
 */
export async function loadFieldRules(org: OrgClient, object: string): Promise<FieldRules> {
  const rows = await org.query<Record<string, unknown>>(activeFieldRulesQuery(object), { maxFetch: 50_000 });
  const byField = new Map<string, WriteRule>();
  const ignored: FieldRules['ignored'] = [];
  for (const row of rows) {
    const parsed = mapRowSchema.safeParse(row);
    if (!parsed.success) {
      ignored.push({ id: String(row.Id), reason: parsed.error.issues[0]?.message ?? 'unreadable' });
      continue;
    }
    const key = parsed.data.Field__c.trim().toLowerCase();
    const current = byField.get(key);
    const rule = parsed.data.Write_Rule__c;
    if (current === undefined || PROTECTION.indexOf(rule) < PROTECTION.indexOf(current)) byField.set(key, rule);
  }
  return { byField, ignored };
}
