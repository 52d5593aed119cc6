import type { Queue } from 'bullmq';

/** A source that may run on a cron of its own, in its time zone. */
export interface ScheduledSource {
  id: string;
  settings: { schedule?: string | undefined; timeZone?: string | undefined };
}

/**
 * Keeps one BullMQ job scheduler (named `jobName`, keyed by the source id) per source with a schedule, and removes
 * the job's other schedulers. A failed run is recorded by the run itself (run record, source status); the next
 * schedule is its retry, so each job gets one attempt. Returns the scheduled source ids.
 */
export async function syncSourceSchedulers<S extends ScheduledSource>(
  queue: Queue<{ sourceId: string }>,
  jobName: string,
  sources: readonly S[],
  patternOf: (source: S) => string = (source) => source.settings.schedule as string,
): Promise<string[]> {
  const scheduled = sources.filter((source) => source.settings.schedule);
  const wanted = new Set(scheduled.map((source) => source.id));
  for (const existing of await queue.getJobSchedulers(0, -1)) {
    if (existing.name === jobName && !wanted.has(existing.key)) await queue.removeJobScheduler(existing.key);
  }
  for (const source of scheduled) {
    await queue.upsertJobScheduler(
      source.id,
      { pattern: patternOf(source), tz: source.settings.timeZone },
      { name: jobName, data: { sourceId: source.id }, opts: { attempts: 1 } },
    );
  }
  return [...wanted];
}
