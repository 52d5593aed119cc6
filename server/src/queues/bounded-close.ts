import type { Worker } from 'bullmq';
import type { Logger } from '../lib/logger';

export interface BoundedCloseOptions {
  /** Jobs this worker's processor is running right now. */
  active: () => number;
  /** How long close() may go on once no job runs (default 5 s): past it, the worker is stuck, not busy. */
  idleGraceMs?: number;
  /** Drops what the worker holds when its close is abandoned (its own connection). */
  drop: () => void;
  logger: Logger;
}

/**
 * Makes `worker.close()` resolve even when BullMQ's own close never does. BullMQ waits for its blocking connection
 * to emit 'end' on disconnect, and a connection that lost its node (a Redis Cluster master that failed over, a Redis
 * that went away) may never emit it (taskforcesh/bullmq#4656, #4065): whoever awaits the close — a component's
 * stop(), the graceful shutdown — would wait forever. Active jobs still get all the time they need; only once none
 * runs for `idleGraceMs` and the close has not finished is it abandoned: the worker's connections are dropped and
 * close() resolves (a stuck fetch holds no job, so nothing is lost).
 */
export function boundClose<W extends Worker>(worker: W, options: BoundedCloseOptions): W {
  const close = worker.close.bind(worker);
  const idleGraceMs = options.idleGraceMs ?? 5_000;
  let abandoned = false;
  worker.close = async (force?: boolean): Promise<void> => {
    // Abandoned once (its connections dropped): a later close (the graceful shutdown after a component's stop) has
    // nothing left to wait for.
    if (abandoned) return;
    let done = false;
    const closing = close(force).finally(() => {
      done = true;
    });
    let timer: NodeJS.Timeout | undefined;
    const stuck = new Promise<'stuck'>((resolve) => {
      let idleSince: number | undefined;
      const look = () => {
        if (done) return;
        const now = Date.now();
        idleSince = options.active() > 0 ? undefined : (idleSince ?? now);
        if (idleSince !== undefined && now - idleSince >= idleGraceMs) resolve('stuck');
        else timer = setTimeout(look, 250);
      };
      look();
    });
    const outcome = await Promise.race([closing.then(() => 'closed' as const), stuck]);
    clearTimeout(timer);
    if (outcome === 'closed') return;
    options.logger.warn(
      { idleGraceMs },
      'the worker did not finish closing with no job running (a Redis connection that never ended); dropping it',
    );
    closing.catch(() => undefined);
    abandoned = true;
    options.drop();
  };
  return worker;
}
