import { sleep, type ChaosWorld } from './chaos-world';
import { waitForSyncStart } from './clean-run';
import type { Scenario } from './scenario';

/** The scenario's own Redis is restarted in the middle of the sync and again while changes stream in. */
export const redisRestart: Scenario = {
  name: 'Redis restarted mid-run (own redis-server, AOF)',
  ownRedis: true,
  async run(world: ChaosWorld, notes: string[], restartRedis) {
    await world.startServer();
    await waitForSyncStart(world, 12);
    await sleep(1500);
    await restartRedis(2000);
    notes.push(`Redis restarted during the sync after ${await world.integrationCalls()} calls`);
    await world.repWave(1);
    await world.server?.initialSyncDone(10 * 60_000);
    await world.settle();
    const edits = world.repWave(2);
    await sleep(200);
    await restartRedis(1000);
    await edits;
    notes.push('Redis restarted again while wave 2 was being processed');
    await sleep(1000);
  },
};
