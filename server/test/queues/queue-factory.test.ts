import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/lib/errors';
import { createLogger } from '../../src/lib/logger';
import { DEFAULT_JOB_OPTIONS, createQueueFactory } from '../../src/queues/queue-factory';
import { QUEUE_NAMES, isQueueName } from '../../src/queues/queue-names';
import { createQueueTestKit, eventually, type QueueTestKit } from './queue-test-kit';

const lines: string[] = [];
const logger = createLogger(
  { level: 'warn' },
  new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(chunk.toString());
      done();
    },
  }),
);

let kit: QueueTestKit;

beforeAll(async () => {
  kit = await createQueueTestKit('factory', logger);
});

afterAll(async () => {
  await kit.cleanup();
});

describe('queue factory', () => {
  it('has one queue per pipeline stage', () => {
    expect(QUEUE_NAMES).toEqual(['enrich', 'membership', 'runs', 'signals', 'warehouse', 'prospects']);
    expect(isQueueName('enrich')).toBe(true);
    expect(isQueueName('bulk')).toBe(false);
  });

  it('when the prefix is not a hash tag, then it refuses to start, saying why', () => {
    expect(() => createQueueFactory({ connection: kit.connection, prefix: 'al', logger })).toThrow(ConfigError);
    expect(() => createQueueFactory({ connection: kit.connection, prefix: 'al', logger })).toThrow(/hash tag/);
  });

  it('when a job is added, then every key it writes starts with the hash-tagged prefix', async () => {
    const queue = kit.factory.queue('runs');
    expect(kit.factory.queue('runs')).toBe(queue);
    await queue.add('probe', { a: 1 });
    const keys = await kit.connection.keys(`${kit.prefix}:runs:*`);
    expect(keys.length).toBeGreaterThan(0);
    expect(keys.every((key) => key.startsWith(`${kit.prefix}:runs:`))).toBe(true);
  });

  it('when jobs are added, then the default options (retries, backoff, trimming) apply', async () => {
    const job = await kit.factory.queue('runs').add('probe', {});
    expect(job.opts.attempts).toBe(DEFAULT_JOB_OPTIONS.attempts);
    expect(job.opts.backoff).toEqual(DEFAULT_JOB_OPTIONS.backoff);
    expect(job.opts.removeOnComplete).toEqual(DEFAULT_JOB_OPTIONS.removeOnComplete);
    expect(job.opts.removeOnFail).toEqual(DEFAULT_JOB_OPTIONS.removeOnFail);
  });

  it('gives every Queue, Worker and QueueEvents an error listener, and each worker its own connection', async () => {
    const queue = kit.factory.queue('membership');
    const worker = kit.factory.worker('membership', async () => 'ok', { autorun: false });
    const events = kit.factory.queueEventsFor('membership');
    for (const emitter of [queue, worker, events]) expect(emitter.listenerCount('error')).toBeGreaterThan(0);
    expect(kit.factory.connections()).toHaveLength(1);
    expect(kit.factory.connections()[0]).not.toBe(kit.connection);
    expect(
      (kit.factory.connections()[0]?.options as { maxRetriesPerRequest?: unknown }).maxRetriesPerRequest,
    ).toBeNull();

    // An 'error' is logged, not thrown (an unhandled 'error' event would crash the process).
    expect(() => worker.emit('error', new Error('boom from test'))).not.toThrow();
    await eventually(() => lines.some((line) => line.includes('boom from test')));
    await worker.close();
  });

  it('when a job fails for good, then the worker logs it with its id and attempts', async () => {
    const queue = kit.factory.queue('enrich');
    kit.factory.worker('enrich', async () => {
      throw new Error('kaput');
    });
    const job = await queue.add('probe', {}, { attempts: 1 });
    await eventually(async () => (await job.getState()) === 'failed');
    await eventually(() =>
      lines.some((line) => line.includes('"msg":"job failed"') && line.includes(`"jobId":"${job.id}"`)),
    );
  });
});
