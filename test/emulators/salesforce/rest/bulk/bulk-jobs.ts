/**
 * The org's Bulk API 2.0 jobs. Jobs progress on short real timers (`BULK_STEP_MS` between states) so polling
 * clients (jsforce polls every second) finish on their first or second check.
 */
import { SfError, notFound } from '../../errors';
import type { Org } from '../../org/org';
import type { BulkJob, IngestJob, QueryJob } from './bulk-job-info';

/** Real-time delay before a job moves on (UploadComplete → InProgress, then between ingest chunks). */
export const BULK_STEP_MS = 20;

export class BulkJobs {
  private readonly jobs = new Map<string, BulkJob>();

  constructor(private readonly org: Org) {}

  nextId(): string {
    return this.org.store.ids.next('750');
  }

  add(job: BulkJob): void {
    this.jobs.set(job.id, job);
  }

  list(kind: BulkJob['kind']): BulkJob[] {
    return [...this.jobs.values()].filter((j) => j.kind === kind);
  }

  query(id: string): QueryJob {
    const job = this.jobs.get(id);
    if (!job || job.kind !== 'query') throw notFound();
    return job;
  }

  ingest(id: string): IngestJob {
    const job = this.jobs.get(id);
    if (!job || job.kind !== 'ingest') throw notFound();
    return job;
  }

  delete(job: BulkJob): void {
    if (job.state === 'UploadComplete' || job.state === 'InProgress') {
      throw new SfError(400, 'INVALIDJOBSTATE', `Job can't be deleted while in state ${job.state}`);
    }
    clearTimeout(job.timer);
    this.jobs.delete(job.id);
  }

  /** Runs `step` after `BULK_STEP_MS` (unless the job was aborted or deleted meanwhile). */
  later(job: BulkJob, step: () => void): void {
    clearTimeout(job.timer);
    job.timer = setTimeout(() => {
      job.timer = undefined;
      if (job.state === 'Aborted' || this.jobs.get(job.id) !== job) return;
      step();
    }, BULK_STEP_MS);
    job.timer.unref();
  }

  touch(job: BulkJob): void {
    job.systemModstamp = this.org.clock.now();
  }

  reset(): void {
    for (const job of this.jobs.values()) clearTimeout(job.timer);
    this.jobs.clear();
  }
}

const registries = new WeakMap<Org, BulkJobs>();

export function bulkJobsFor(org: Org): BulkJobs {
  let jobs = registries.get(org);
  if (!jobs) {
    jobs = new BulkJobs(org);
    registries.set(org, jobs);
  }
  return jobs;
}
