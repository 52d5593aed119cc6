import type { Logger } from '../lib/logger';
import type { QueueResources } from './queue-factory';

export const DEFAULT_SHUTDOWN_DEADLINE_MS = 30_000;

export interface GracefulShutdown {
  /** Closes everything once; later calls return the same promise. */
  shutdown(reason?: string): Promise<void>;
  /** Runs `shutdown` on SIGINT/SIGTERM; returns a function that removes the handlers. */
  installSignalHandlers(onDone?: (signal: NodeJS.Signals) => void): () => void;
}

interface Closable {
  close(): Promise<unknown>;
}

/**
 * Stops in dependency order: workers first (no new jobs; active ones may finish until the deadline, then they are
 * abandoned and BullMQ's stalled-job check hands them to another worker later), then event listeners and queues,
 * then the connections this process owns. Every step is attempted even if an earlier one fails.
 */
export function createGracefulShutdown(options: {
  resources: QueueResources;
  logger: Logger;
  deadlineMs?: number;
  /** Extra things to close last, e.g. the shared Redis connection owned by main.ts. */
  closeLast?: Closable[];
}): GracefulShutdown {
  const { resources, logger } = options;
  const deadlineMs = options.deadlineMs ?? DEFAULT_SHUTDOWN_DEADLINE_MS;
  let running: Promise<void> | undefined;

  const attempt = async (what: string, step: () => Promise<unknown>) => {
    try {
      await step();
    } catch (error) {
      logger.warn({ err: error, what }, 'shutdown step failed; continuing');
    }
  };

  const closeWorkers = async () => {
    let timer: NodeJS.Timeout | undefined;
    const workers = resources.workers();
    const gentle = Promise.allSettled(workers.map((worker) => worker.close()));
    const deadline = new Promise<'deadline'>((resolve) => {
      timer = setTimeout(() => resolve('deadline'), deadlineMs);
    });
    const outcome = await Promise.race([gentle.then(() => 'done' as const), deadline]);
    clearTimeout(timer);
    if (outcome === 'done') return;
    // BullMQ's close(true) cannot cut short a close() already in progress, so past the deadline we abort the
    // processors that listen to their AbortSignal and drop the workers' connections. Jobs still running lose their
    // lock; BullMQ's stalled-job check moves them back to wait for the next worker (at most once by default).
    logger.warn({ deadlineMs }, 'active jobs did not finish before the shutdown deadline; abandoning them');
    for (const worker of workers) worker.cancelAllJobs('shutdown deadline');
    await Promise.allSettled(workers.map((worker) => worker.disconnect()));
  };

  const closeConnection = async (connection: { quit(): Promise<unknown>; disconnect(): void; status: string }) => {
    if (connection.status === 'end') return;
    try {
      await connection.quit();
    } catch {
      connection.disconnect();
    }
  };

  const run = async (reason: string) => {
    logger.info({ reason }, 'shutting down queues');
    await attempt('workers', closeWorkers);
    await attempt('queue events', () => Promise.all(resources.queueEvents().map((events) => events.close())));
    await attempt('queues', () => Promise.all(resources.queues().map((queue) => queue.close())));
    await attempt('connections', () => Promise.all(resources.connections().map(closeConnection)));
    for (const closable of options.closeLast ?? []) await attempt('closeLast', () => closable.close());
    logger.info({ reason }, 'queues shut down');
  };

  const shutdown = (reason = 'requested') => {
    running ??= run(reason);
    return running;
  };

  return {
    shutdown,
    installSignalHandlers(onDone) {
      const handler = (signal: NodeJS.Signals) => {
        void shutdown(signal).finally(() => onDone?.(signal));
      };
      process.once('SIGINT', handler);
      process.once('SIGTERM', handler);
      return () => {
        process.off('SIGINT', handler);
        process.off('SIGTERM', handler);
      };
    },
  };
}
