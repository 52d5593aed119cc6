import { z } from 'zod';

/** A job on the `runs` queue: run (or resume) a plan over its audience. */
export const enrichmentRunJobSchema = z.object({
  kind: z.literal('enrichment-run'),
  planId: z.string().min(1),
  trigger: z.enum(['command', 'schedule', 'cli']),
});
export type EnrichmentRunJob = z.infer<typeof enrichmentRunJobSchema>;

/** A job on the `enrich` queue: enrich one record that entered a plan's audience. */
export const enrichEntryJobSchema = z.object({
  kind: z.literal('enrich-entry'),
  planId: z.string().min(1),
  recordId: z.string().min(1),
});
export type EnrichEntryJob = z.infer<typeof enrichEntryJobSchema>;

export const RUN_JOB_NAME = 'enrichment-run';
export const ENTRY_JOB_NAME = 'enrich-entry';
