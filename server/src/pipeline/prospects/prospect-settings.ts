/**
 * What an `Audience_Source__c` of type Prospects keeps in `Settings__c` (JSON): the search, the provider, and the
 * ceilings. Refused with the reason when it does not parse, so the source shows why it does not run.
 */
import { z } from 'zod';
import { cronSchema, timeZoneSchema } from '../../config/schedule-fields';
import { AppError } from '../../lib/errors';

const words = z.array(z.string().trim().min(1).max(100)).max(50).default([]);

export const prospectSearchSchema = z
  .object({
    titles: words,
    seniorities: words,
    departments: words,
    companyDomains: words,
    industries: words,
    /** Company head-count ranges as "min,max" (Apollo's form), e.g. "51,200". */
    companySizes: z
      .array(z.string().regex(/^\d+,\d+$/, 'must be "min,max"'))
      .max(20)
      .default([]),
    locations: words,
  })
  .refine(
    (search) => Object.values(search).some((values) => values.length > 0),
    'the search needs at least one filter',
  );

export const prospectSettingsSchema = z.object({
  /** Shown on the new records (Description, provenance) and in the run. */
  name: z.string().trim().min(1).max(80),
  provider: z.enum(['pdl', 'apollo']),
  search: prospectSearchSchema,
  /** People taken in one run (each charged by the provider). */
  maxPerRun: z.number().int().min(1).max(10_000),
  /** People taken in one UTC calendar month across runs. */
  maxPerMonth: z.number().int().min(1).max(1_000_000),
  /** Credits the provider charges per person returned (PDL: 1; Apollo api_search: 0 on most plans, counted as 1). */
  creditsPerRecord: z.number().min(0).max(100).default(1),
  leadSource: z.string().trim().min(1).max(40).default('Purchased List'),
  /** Five-field cron; unset: the search runs on RUN_IMPORT only (each run spends credits). */
  schedule: cronSchema.optional(),
  timeZone: timeZoneSchema,
});

export type ProspectSettings = z.infer<typeof prospectSettingsSchema>;
export type ProspectSearch = ProspectSettings['search'];

export class ProspectSettingsError extends AppError {
  constructor(message: string) {
    super('PROSPECT_BAD_SETTINGS', message, false);
  }
}

export function parseProspectSettings(raw: string | null | undefined): ProspectSettings {
  let json: unknown;
  try {
    json = JSON.parse(raw ?? '');
  } catch {
    throw new ProspectSettingsError('Settings__c is not JSON');
  }
  const parsed = prospectSettingsSchema.safeParse(json);
  if (parsed.success) return parsed.data;
  const reasons = parsed.error.issues.map((issue) => `${issue.path.join('.') || 'settings'}: ${issue.message}`);
  throw new ProspectSettingsError(`Settings__c is not a prospect search: ${reasons.join('; ')}`);
}
