import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import type { Queue } from 'bullmq';
import type { Router } from 'express';

/** The BullMQ dashboard (bull-board) at /admin/queues; queues are attached once the loop has created them. */
export function createQueueDashboard(basePath = '/admin/queues'): { router: Router; show(queues: Queue[]): void } {
  const serverAdapter = new ExpressAdapter().setBasePath(basePath);
  const board = createBullBoard({ queues: [], serverAdapter });
  return {
    router: serverAdapter.getRouter() as Router,
    show: (queues) => board.replaceQueues(queues.map((queue) => new BullMQAdapter(queue))),
  };
}
