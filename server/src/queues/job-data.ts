import type { Job } from 'bullmq';
import type { z } from 'zod';
import { InvalidJobDataError } from './queue-errors';

/**
 * Validates a job's data against its stage schema when the worker reads it. Data in Redis may come from an older
 * deployment or a hand-made job; bad input fails once with a reason that names the fields, and is never retried.
 */
export function parseJobData<Schema extends z.ZodType>(
  schema: Schema,
  job: Pick<Job, 'id' | 'name' | 'data'>,
): z.infer<Schema> {
  const result = schema.safeParse(job.data);
  if (result.success) return result.data;
  const issues = result.error.issues
    .map((issue) => `${issue.path.length > 0 ? issue.path.join('.') : '(data)'}: ${issue.message}`)
    .join('; ');
  throw new InvalidJobDataError(`job ${job.id ?? '?'} (${job.name}) has malformed data: ${issues}`, {
    cause: result.error,
  });
}
