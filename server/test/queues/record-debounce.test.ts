import type { Job } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { intakeJobSchema, type IntakeJobData } from '../../src/queues/intake-job';
import { parseJobData } from '../../src/queues/job-data';
import { InvalidJobDataError } from '../../src/queues/queue-errors';
import { createRecordDebouncer } from '../../src/queues/record-debounce';
import { createQueueTestKit, eventually, gate, type QueueTestKit } from './queue-test-kit';

let kit: QueueTestKit;

beforeAll(async () => {
  kit = await createQueueTestKit('debounce');
});

afterAll(async () => {
  await kit.cleanup();
});

describe('per-record debounce on the intake queue', () => {
  it('when 20 changes to one record and 1 to another arrive in a burst, then exactly 2 jobs run, with the latest data', async () => {
    const queue = kit.factory.queue<IntakeJobData>('intake');
    // The window slides on every change, so it only has to outlast the gap between two enqueues, even on a busy CI box.
    const debouncer = createRecordDebouncer(queue, kit.connection, { windowMs: 1_000 });
    const processed: IntakeJobData[] = [];
    kit.factory.worker<IntakeJobData>('intake', async (job) => {
      processed.push(parseJobData(intakeJobSchema, job));
    });

    await Promise.all([
      ...Array.from({ length: 20 }, (_, i) =>
        debouncer.enqueue({
          object: 'Contact',
          recordId: '003A',
          reason: 'cdc',
          changedFields: [`Field${i}__c`],
          version: i + 1,
        }),
      ),
      debouncer.enqueue({ object: 'Lead', recordId: '00QB', reason: 'import' }),
    ]);

    await eventually(() => processed.length >= 2, 15_000, 'two processed jobs');
    await eventually(async () => {
      const pending = await queue.getJobCountByTypes('waiting', 'delayed', 'active', 'prioritized');
      return pending === 0 && (await queue.getCompletedCount()) === 2;
    });
    expect(processed).toHaveLength(2);
    const contact = processed.find((data) => data.recordId === '003A');
    expect(contact?.version).toBe(20);
    expect(contact?.changedFields).toHaveLength(20);
    expect(processed.find((data) => data.recordId === '00QB')).toEqual({
      object: 'Lead',
      recordId: '00QB',
      reason: 'import',
    });
    await Promise.all(kit.factory.workers().map((worker) => worker.close()));
  });

  it('when a change arrives while the record is being processed, then it runs once more afterwards with that change', async () => {
    const queue = kit.factory.queue<IntakeJobData>('commands');
    const debouncer = createRecordDebouncer(queue, kit.connection, { windowMs: 50 });
    const hold = gate();
    const processed: IntakeJobData[] = [];
    kit.factory.worker<IntakeJobData>('commands', async (job) => {
      processed.push(job.data);
      if (processed.length === 1) await hold.promise;
    });

    await debouncer.enqueue({ object: 'Contact', recordId: '003C', reason: 'cdc', version: 1 });
    await eventually(() => processed.length === 1, 15_000, 'first job active');
    const second = await debouncer.enqueue({
      object: 'Contact',
      recordId: '003C',
      reason: 'cdc',
      version: 2,
      changedFields: ['Email'],
    });
    const third = await debouncer.enqueue({
      object: 'Contact',
      recordId: '003C',
      reason: 'cdc',
      version: 3,
      changedFields: ['Phone'],
    });
    expect(second.outcome).toBe('after-active');
    expect(third.outcome).toBe('after-active');
    hold.open();

    await eventually(() => processed.length === 2, 15_000, 'the follow-up job');
    expect(processed.map((data) => data.version)).toEqual([1, 3]);
    // Both changes made while the first job ran are carried by the follow-up.
    expect(processed[1]?.changedFields?.sort()).toEqual(['Email', 'Phone']);
    await eventually(async () => (await queue.getJobCountByTypes('waiting', 'delayed', 'active')) === 0);
    expect(processed).toHaveLength(2);
  });

  it('when the record already waits past its window (queue paused), then a new change is merged into it', async () => {
    const queue = kit.factory.queue<IntakeJobData>('membership');
    const debouncer = createRecordDebouncer(queue, kit.connection, { windowMs: 1 });
    await queue.pause();
    const first = await debouncer.enqueue({
      object: 'Contact',
      recordId: '003D',
      reason: 'cdc',
      changedFields: ['Email'],
    });
    // No worker: promote the delayed job by hand so it sits in `waiting`, where BullMQ's replace cannot reach it.
    await eventually(async () => {
      const job = await queue.getJob(first.jobId);
      if ((await job?.getState()) === 'delayed') await job?.promote();
      return (await queue.getJobState(first.jobId)) === 'waiting';
    });

    const second = await debouncer.enqueue({
      object: 'Contact',
      recordId: '003D',
      reason: 'cdc',
      changedFields: ['Phone'],
    });
    expect(second).toEqual({ jobId: first.jobId, outcome: 'merged' });
    const job = await queue.getJob(first.jobId);
    expect(job?.data.changedFields?.sort()).toEqual(['Email', 'Phone']);
    expect(await queue.getJobCountByTypes('waiting', 'delayed')).toBe(1);
  });

  it('when a change is malformed, then enqueue refuses it with a coded error naming the field', async () => {
    const debouncer = createRecordDebouncer(kit.factory.queue<IntakeJobData>('intake'), kit.connection);
    await expect(
      debouncer.enqueue({ object: 'Contact', recordId: '', reason: 'cdc' } as IntakeJobData),
    ).rejects.toThrow(InvalidJobDataError);
    await expect(
      debouncer.enqueue({ object: 'Contact', recordId: '003E', reason: 'nope' } as unknown as IntakeJobData),
    ).rejects.toThrow(/reason/);
  });
});

describe('what BullMQ 6 deduplication does on its own (verified, so record-debounce relies only on facts)', () => {
  it('debounce mode (ttl + extend + replace) keeps only the last add while the job is delayed', async () => {
    const queue = kit.factory.queue<{ n: number }>('export');
    const seen: number[] = [];
    for (let n = 1; n <= 5; n += 1) {
      await queue.add(
        'x',
        { n },
        { delay: 300, deduplication: { id: 'raw-1', ttl: 300, extend: true, replace: true } },
      );
    }
    expect(await queue.getDelayedCount()).toBe(1);
    kit.factory.worker<{ n: number }>('export', async (job: Job<{ n: number }>) => {
      seen.push(job.data.n);
    });
    await eventually(() => seen.length === 1);
    await eventually(async () => (await queue.getJobCountByTypes('waiting', 'delayed', 'active')) === 0);
    expect(seen).toEqual([5]);
  });

  it('replace cannot reach a job that already waits: the new add is discarded and the old data stays', async () => {
    const queue = kit.factory.queue<{ n: number }>('runs');
    await queue.pause();
    const first = await queue.add(
      'x',
      { n: 1 },
      { deduplication: { id: 'raw-2', ttl: 10_000, extend: true, replace: true } },
    );
    const second = await queue.add(
      'x',
      { n: 2 },
      { deduplication: { id: 'raw-2', ttl: 10_000, extend: true, replace: true } },
    );
    expect(second.id).toBe(first.id); // the returned Job reports the surviving id…
    expect((await queue.getJob(first.id ?? ''))?.data).toEqual({ n: 1 }); // …whose data was not replaced
    expect(await queue.getWaitingCount()).toBe(1);
  });

  it('with a fixed custom jobId the duplicate-id check runs before deduplication, so replace never happens', async () => {
    const queue = kit.factory.queue<{ n: number }>('enrich');
    const opts = {
      jobId: 'enrich-fixed',
      delay: 5_000,
      deduplication: { id: 'raw-3', extend: true, replace: true, ttl: 5_000 },
    };
    await queue.add('x', { n: 1 }, opts);
    await queue.add('x', { n: 2 }, opts);
    expect((await queue.getJob('enrich-fixed'))?.data).toEqual({ n: 1 });
  });

  it('without keepLastIfActive, an add while the job is active (ttl not expired) is discarded', async () => {
    const queue = kit.factory.queue<{ n: number }>('intake');
    const hold = gate();
    const seen: number[] = [];
    const worker = kit.factory.worker<{ n: number }>('intake', async (job: Job<{ n: number }>) => {
      seen.push(job.data.n);
      await hold.promise;
    });
    const dedup = { id: 'raw-4', ttl: 10_000, extend: true, replace: true };
    await queue.add('x', { n: 1 }, { deduplication: dedup });
    await eventually(() => seen.length === 1);
    const dropped = await queue.add('x', { n: 2 }, { deduplication: dedup });
    hold.open();
    await eventually(async () => (await queue.getJobCountByTypes('waiting', 'delayed', 'active')) === 0);
    expect(seen).toEqual([1]);
    expect(await queue.getJob(dropped.id ?? '')).toMatchObject({ data: { n: 1 } });
    await worker.close();
  });
});
