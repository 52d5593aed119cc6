import { Writable } from 'node:stream';
import { DelayedError, RateLimitError, UnrecoverableError, type Job } from 'bullmq';
import { z } from 'zod';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError, UnavailableError } from '../../src/lib/errors';
import { createLogger } from '../../src/lib/logger';
import { parseJobData } from '../../src/queues/job-data';
import { RateLimitedError } from '../../src/queues/queue-errors';
import { isRateLimitPause, toWorkerError } from '../../src/queues/worker-errors';
import { ApiBudgetExceededError } from '../../src/salesforce/budget/budget-errors';
import { createQueueTestKit, eventually, type QueueTestKit } from './queue-test-kit';

let kit: QueueTestKit;

/** A job shape like the pipeline's: a record id and why it was queued. */
const recordJobSchema = z.object({
  object: z.string().min(1),
  recordId: z.string().min(1),
  reason: z.enum(['cdc', 'import']),
});

// A kit per test: there are three queues, and a worker left from one test must not take another test's jobs.
beforeEach(async () => {
  kit = await createQueueTestKit('worker-errors');
});

afterEach(async () => {
  await kit.cleanup();
});

const fastRetries = { attempts: 3, backoff: { type: 'fixed', delay: 20 } } as const;

async function settled(job: Job) {
  return eventually(
    async () => {
      const state = await job.getState();
      return state === 'completed' || state === 'failed' ? state : undefined;
    },
    20_000,
    `job ${job.id} to finish`,
  );
}

describe('toWorkerError', () => {
  it('when an AppError is not retryable, then it becomes UnrecoverableError with "CODE: message"', async () => {
    const mapped = await toWorkerError(new ConfigError('CONFIG_INVALID_ENV', 'bad thing'), undefined);
    expect(mapped).toBeInstanceOf(UnrecoverableError);
    expect(mapped.message).toBe('CONFIG_INVALID_ENV: bad thing');
  });

  it('when an AppError is retryable, or an error is uncoded, then it is rethrown as is', async () => {
    const transient = new UnavailableError('REDIS_UNREACHABLE', 'later');
    expect(await toWorkerError(transient, undefined)).toBe(transient);
    const plain = new Error('socket hang up');
    expect(await toWorkerError(plain, undefined)).toBe(plain);
    expect((await toWorkerError('a string', undefined)).message).toBe('a string');
  });

  it('when a rate-limit pause is thrown, then the limiter is set and RateLimitError returned', async () => {
    const calls: number[] = [];
    const mapped = await toWorkerError(new RateLimitedError('slow down', 1234), {
      rateLimit: async (ms) => {
        calls.push(ms);
      },
    });
    expect(mapped).toBeInstanceOf(RateLimitError);
    expect(calls).toEqual([1234]);
    expect(isRateLimitPause(new ApiBudgetExceededError('paused', 60_000, 'x'))).toBe(true);
    expect(isRateLimitPause(new UnavailableError('REDIS_UNREACHABLE', 'x'))).toBe(false);
  });

  it('when BullMQ control errors pass through, then they are untouched', async () => {
    const unrecoverable = new UnrecoverableError('no');
    expect(await toWorkerError(unrecoverable, undefined)).toBe(unrecoverable);
  });
});

describe('wrapped workers on a real queue', () => {
  it('when a processor throws a retryable error every time, then the job is tried `attempts` times and fails', async () => {
    const queue = kit.factory.queue('enrich');
    let calls = 0;
    kit.factory.worker('enrich', async () => {
      calls += 1;
      throw new UnavailableError('REDIS_UNREACHABLE', 'try later');
    });
    const job = await queue.add('t', {}, fastRetries);
    expect(await settled(job)).toBe('failed');
    const done = await queue.getJob(job.id ?? '');
    expect(done?.attemptsMade).toBe(3);
    expect(calls).toBe(3);
    expect(done?.failedReason).toBe('try later');
  });

  it('when a processor throws a non-retryable error, then the job fails after one attempt, with the code', async () => {
    const queue = kit.factory.queue('enrich');
    let calls = 0;
    kit.factory.worker('enrich', async () => {
      calls += 1;
      throw new ConfigError('CONFIG_INVALID_ENV', 'provider key missing');
    });
    const job = await queue.add('t', {}, fastRetries);
    expect(await settled(job)).toBe('failed');
    const done = await queue.getJob(job.id ?? '');
    expect(done?.attemptsMade).toBe(1);
    expect(calls).toBe(1);
    expect(done?.failedReason).toBe('CONFIG_INVALID_ENV: provider key missing');
  });

  it('when job data is malformed, then it fails once, not retried, with a reason naming the fields', async () => {
    const queue = kit.factory.queue('runs');
    let calls = 0;
    kit.factory.worker('runs', async (job) => {
      calls += 1;
      return parseJobData(recordJobSchema, job);
    });
    const job = await queue.add('t', { object: 'Contact', reason: 'sometime' }, fastRetries);
    expect(await settled(job)).toBe('failed');
    const done = await queue.getJob(job.id ?? '');
    expect(done?.attemptsMade).toBe(1);
    expect(calls).toBe(1);
    expect(done?.failedReason).toMatch(/^QUEUE_INVALID_JOB_DATA: job .* has malformed data: /);
    expect(done?.failedReason).toContain('recordId');
    expect(done?.failedReason).toContain('reason');
  });

  it('when the budget pauses a job, then it goes back to the queue and completes later without using an attempt', async () => {
    const queue = kit.factory.queue('runs');
    let calls = 0;
    kit.factory.worker('runs', async () => {
      calls += 1;
      if (calls === 1) throw new ApiBudgetExceededError('paused', 100, '3600/5000 calls used');
      return 'ok';
    });
    // One attempt only: if the pause counted as a failure, the job would end up failed.
    const job = await queue.add('t', {}, { attempts: 1 });
    expect(await settled(job)).toBe('completed');
    const done = await queue.getJob(job.id ?? '');
    expect(done?.returnvalue).toBe('ok');
    expect(calls).toBe(2);
  });

  it('when an uncoded error is thrown once, then the job is retried and completes', async () => {
    const queue = kit.factory.queue('membership');
    let calls = 0;
    kit.factory.worker('membership', async () => {
      calls += 1;
      if (calls === 1) throw new TypeError('fetch failed');
      return calls;
    });
    const job = await queue.add('t', {}, fastRetries);
    expect(await settled(job)).toBe('completed');
    expect((await queue.getJob(job.id ?? ''))?.attemptsMade).toBe(2);
  });

  it('when a processor moves its own job to delayed, then nothing is logged above debug and the job completes', async () => {
    const lines: { level: number; msg: string }[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        for (const line of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(line));
        done();
      },
    });
    await kit.cleanup();
    kit = await createQueueTestKit('worker-errors', createLogger({ level: 'debug', format: 'json' }, sink));
    const queue = kit.factory.queue('membership');
    let calls = 0;
    kit.factory.worker('membership', async (job, token) => {
      calls += 1;
      if (calls === 1 && token) {
        await job.moveToDelayed(Date.now() + 20, token);
        throw new DelayedError();
      }
      return 'done';
    });
    const job = await queue.add('t', {}, { attempts: 1 });
    expect(await settled(job)).toBe('completed');
    expect(calls).toBe(2);
    expect(lines.filter((l) => l.level >= 30).map((l) => l.msg)).toEqual([]);
    expect(lines.map((l) => l.msg)).toContain('job moved by its processor');
  });
});
