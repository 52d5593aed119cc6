/**
 * Reads a record's Audience_Provenance__c (JSON: field → entry) the way the controller does: unreadable JSON is no
 * entries, an entry without `value` is ignored, unknown keys are kept for the write back.
 */
import { z } from 'zod';

const scalar = z.union([z.string(), z.number(), z.boolean(), z.null()]);

export const provenanceEntrySchema = z.looseObject({
  value: scalar,
  previous: scalar.optional(),
  provider: z.string().optional(),
  confidence: z.number().optional(),
  cost: z.number().optional(),
  fetchedAt: z.string().optional(),
  rule: z.string().optional(),
  writtenAt: z.string().optional(),
  undoneBy: z.string().nullable().optional(),
  undoneAt: z.string().nullable().optional(),
});

export type ProvenanceEntry = z.infer<typeof provenanceEntrySchema>;

export function readProvenance(raw: unknown): Record<string, ProvenanceEntry> {
  if (typeof raw !== 'string' || raw.trim() === '') return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    return {};
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return {};
  const entries: Record<string, ProvenanceEntry> = {};
  for (const [field, entry] of Object.entries(parsed)) {
    const checked = provenanceEntrySchema.safeParse(entry);
    if (checked.success) entries[field] = checked.data;
  }
  return entries;
}

/** A value as the card shows it (Apex `String.valueOf`); blank is null. */
export function asText(value: unknown): string | null {
  if (value === undefined || value === null || value === '') return null;
  return String(value);
}

/** Rules whose fields a rep may undo: an `Always` field would be written again at the next evaluation. */
export const UNDOABLE_RULES = new Set(['Tracked', 'Fill_Blank']);
