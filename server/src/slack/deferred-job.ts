import { DelayedError, type Job } from 'bullmq';
import { ApplicationBusyError, ApplicationRetryError } from '../pipeline/action/action-errors';
import { SlackRetryLaterError } from './slack-errors';

/** How often one job may be put back before it gives up (a Slack outage longer than this ends on the signal). */
export const MAX_DEFERRALS = 8;
const BUSY_MS = 2_000;

/** The wait an error asks for, when it is one that comes back later. */
function delayOf(error: unknown): number | undefined {
  if (error instanceof SlackRetryLaterError || error instanceof ApplicationRetryError) return error.delayMs;
  if (error instanceof ApplicationBusyError) return BUSY_MS;
  return undefined;
}

/**
 * Runs a signals job whose work may ask to come back later (429 Retry-After, a busy application): the job is moved
 * to delayed for that long instead of failing — at most `MAX_DEFERRALS` times, then `giveUp` records why and the job
 * completes. Never retried forever; other errors fail the job (BullMQ's own attempts).
 */
export async function runDeferrable<T>(
  job: Job,
  token: string | undefined,
  work: () => Promise<T>,
  giveUp: (reason: string) => Promise<T>,
): Promise<T> {
  try {
    return await work();
  } catch (error) {
    const delayMs = delayOf(error);
    if (delayMs === undefined || !token) throw error;
    const deferrals = typeof job.data?.deferrals === 'number' ? (job.data.deferrals as number) : 0;
    if (deferrals >= MAX_DEFERRALS) return giveUp(`gave up after ${deferrals + 1} tries: ${(error as Error).message}`);
    await job.updateData({ ...(job.data as object), deferrals: deferrals + 1 });
    await job.moveToDelayed(Date.now() + Math.max(delayMs, 100), token);
    throw new DelayedError();
  }
}
