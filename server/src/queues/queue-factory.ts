import { Queue, QueueEvents, Worker, type DefaultJobOptions, type Processor, type WorkerOptions } from 'bullmq';
import { duplicateRedis, type RedisClient as Redis } from '../state/redis';
import { ConfigError } from '../lib/errors';
import type { Logger } from '../lib/logger';
import type { QueueName } from './queue-names';
import { boundClose } from './bounded-close';
import { wrapProcessor } from './worker-errors';

/** Retries with exponential backoff (1 s, 2 s, 4 s, …); finished jobs are trimmed so Redis (noeviction) never fills. */
export const DEFAULT_JOB_OPTIONS: DefaultJobOptions = {
  attempts: 5,
  backoff: { type: 'exponential', delay: 1_000 },
  removeOnComplete: { count: 1_000, age: 24 * 3600 },
  removeOnFail: { count: 5_000, age: 7 * 24 * 3600 },
};

export interface QueueFactoryOptions {
  /** The shared connection every Queue uses; workers get their own duplicate of it. */
  connection: Redis;
  /** A Redis Cluster hash tag such as `{al}`: every BullMQ key then lands in one slot. */
  prefix: string;
  logger: Logger;
  defaultJobOptions?: DefaultJobOptions;
}

export type WorkerSettings = Omit<WorkerOptions, 'connection' | 'prefix'>;

/** What graceful shutdown needs to close, in order. */
export interface QueueResources {
  workers(): Worker[];
  queueEvents(): QueueEvents[];
  queues(): Queue[];
  /** Connections created by the factory (per-worker ones). The shared connection belongs to the caller. */
  connections(): Redis[];
}

export interface QueueFactory extends QueueResources {
  readonly prefix: string;
  /** The one Queue per stage (created on first use, then reused). */
  queue<Data = unknown>(name: QueueName): Queue<Data>;
  /**
   * A Worker with its own connection. The processor is wrapped by `wrapProcessor`, so coded errors decide retries
   * and rate limits (see worker-errors.ts). Pass `wrap: false` to hand BullMQ the processor untouched.
   */
  worker<Data = unknown, Result = unknown>(
    name: QueueName,
    processor: Processor<Data, Result>,
    settings?: WorkerSettings & { wrap?: boolean },
  ): Worker<Data, Result>;
  queueEventsFor(name: QueueName): QueueEvents;
}

const HASH_TAG = /^\{[^{}]+\}$/;

export function createQueueFactory(options: QueueFactoryOptions): QueueFactory {
  const { connection, prefix, logger } = options;
  if (!HASH_TAG.test(prefix)) {
    throw new ConfigError(
      'CONFIG_INVALID_ENV',
      `REDIS_PREFIX "${prefix}" must be a Redis Cluster hash tag such as {al}, so all queue keys share one slot`,
    );
  }
  const defaultJobOptions = options.defaultJobOptions ?? DEFAULT_JOB_OPTIONS;
  const queues = new Map<QueueName, Queue>();
  const events = new Map<QueueName, QueueEvents>();
  const workers: Worker[] = [];
  const ownConnections: Redis[] = [];

  const logErrors = (emitter: { on(event: 'error', listener: (error: Error) => void): unknown }, what: object) => {
    // Without a listener an 'error' event crashes the process; a dropped connection is logged and retried instead.
    emitter.on('error', (error: Error) => logger.error({ err: error, ...what }, 'queue component error'));
  };

  return {
    prefix,
    queue<Data>(name: QueueName): Queue<Data> {
      let queue = queues.get(name);
      if (!queue) {
        queue = new Queue(name, { connection, prefix, defaultJobOptions });
        logErrors(queue, { queue: name });
        queues.set(name, queue);
      }
      return queue as Queue<Data>;
    },
    worker<Data, Result>(
      name: QueueName,
      processor: Processor<Data, Result>,
      settings: WorkerSettings & { wrap?: boolean } = {},
    ): Worker<Data, Result> {
      const { wrap = true, ...workerOptions } = settings;
      // A dedicated connection per worker (a cluster connection when the shared one is), so its commands never queue
      // behind the shared one; BullMQ duplicates it once more for the blocking fetch.
      const own = duplicateRedis(connection, { name: `${prefix}-worker-${name}` });
      own.on('error', (error: Error) => logger.warn({ err: error, queue: name }, 'worker connection error'));
      ownConnections.push(own);
      // The processor only runs after the constructor returns, so the worker is defined whenever it is read.
      const wrapped = wrap ? wrapProcessor(processor, logger.child({ queue: name }), () => worker) : processor;
      let active = 0;
      const run: Processor<Data, Result> = async (...args) => {
        active += 1;
        try {
          return await wrapped(...args);
        } finally {
          active -= 1;
        }
      };
      const worker: Worker<Data, Result> = boundClose(
        new Worker<Data, Result>(name, run, { ...workerOptions, connection: own, prefix }),
        {
          active: () => active,
          drop: () => {
            worker.cancelAllJobs('close abandoned');
            own.disconnect();
            void worker.disconnect().catch(() => undefined);
          },
          logger: logger.child({ queue: name }),
        },
      );
      logErrors(worker, { queue: name, worker: worker.id });
      worker.on('failed', (job, error) => {
        logger.warn({ queue: name, jobId: job?.id, attemptsMade: job?.attemptsMade, err: error }, 'job failed');
      });
      workers.push(worker as Worker);
      return worker;
    },
    queueEventsFor(name: QueueName): QueueEvents {
      let queueEvents = events.get(name);
      if (!queueEvents) {
        // QueueEvents blocks on XREAD; BullMQ gives it its own duplicate of the shared connection.
        queueEvents = new QueueEvents(name, { connection, prefix });
        logErrors(queueEvents, { queue: name, role: 'events' });
        events.set(name, queueEvents);
      }
      return queueEvents;
    },
    workers: () => [...workers],
    queueEvents: () => [...events.values()],
    queues: () => [...queues.values()],
    connections: () => [...ownConnections],
  };
}
