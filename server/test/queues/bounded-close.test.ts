import type { Worker } from 'bullmq';
import { describe, expect, it } from 'vitest';
import { boundClose } from '../../src/queues/bounded-close';
import { silentLogger } from './queue-test-kit';

/** Stands in for BullMQ's close only: a close that resolves when the test says, or never. */
function closable() {
  let finish: () => void = () => undefined;
  const calls: (boolean | undefined)[] = [];
  const worker = {
    close: (force?: boolean) => {
      calls.push(force);
      return new Promise<void>((resolve) => (finish = resolve));
    },
  };
  return { worker: worker as unknown as Worker, calls, finish: () => finish() };
}

const settled = async (promise: Promise<unknown>) => {
  let done = false;
  void promise.then(() => (done = true));
  await new Promise((resolve) => setTimeout(resolve, 0));
  return () => done;
};

describe('boundClose', () => {
  it('when close never finishes and no job runs, then it resolves after the grace and drops the worker once', async () => {
    const { worker, calls } = closable();
    let drops = 0;
    boundClose(worker, { active: () => 0, idleGraceMs: 30, drop: () => (drops += 1), logger: silentLogger });
    await worker.close();
    expect(drops).toBe(1);
    expect(calls).toEqual([undefined]);
    // A second close (the graceful shutdown after a component's stop) does not wait again.
    await worker.close();
    expect(drops).toBe(1);
    expect(calls).toHaveLength(1);
  });

  it('when a job still runs, then close waits for it however long it takes', async () => {
    const { worker } = closable();
    let active = 1;
    let drops = 0;
    boundClose(worker, { active: () => active, idleGraceMs: 30, drop: () => (drops += 1), logger: silentLogger });
    const isDone = await settled(worker.close());
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(isDone()).toBe(false);
    active = 0;
    await expect.poll(isDone, { timeout: 5_000 }).toBe(true);
    expect(drops).toBe(1);
  });

  it('when close finishes by itself, then nothing is dropped', async () => {
    const { worker, finish } = closable();
    let drops = 0;
    boundClose(worker, { active: () => 0, idleGraceMs: 60_000, drop: () => (drops += 1), logger: silentLogger });
    const closing = worker.close(true);
    finish();
    await closing;
    expect(drops).toBe(0);
  });
});
