import { z } from 'zod';

/** Why a record was queued for intake. */
export const INTAKE_REASONS = ['cdc', 'import', 'gap', 'reconcile', 'command'] as const;

/** One record to (re)process. Ids only, never secrets; the processor reads the record's current state itself. */
export const intakeJobSchema = z.object({
  object: z.string().min(1),
  recordId: z.string().min(1),
  reason: z.enum(INTAKE_REASONS),
  changedFields: z.array(z.string().min(1)).optional(),
  version: z.number().int().nonnegative().optional(),
});

export type IntakeJobData = z.infer<typeof intakeJobSchema>;

/**
 * Folds a newer change into an older one for the same record: the newer reason and object win, changed fields are
 * united (undefined means "all fields", which absorbs any list), and the highest version is kept.
 */
export function mergeIntakeJobs(older: IntakeJobData, newer: IntakeJobData): IntakeJobData {
  const changedFields =
    older.changedFields && newer.changedFields
      ? [...new Set([...older.changedFields, ...newer.changedFields])]
      : undefined;
  const versions = [older.version, newer.version].filter((v): v is number => v !== undefined);
  return {
    object: newer.object,
    recordId: newer.recordId,
    reason: newer.reason,
    ...(changedFields ? { changedFields } : {}),
    ...(versions.length > 0 ? { version: Math.max(...versions) } : {}),
  };
}
