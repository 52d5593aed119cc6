import { sleep, type ChaosWorld } from './chaos-world';
import { waitForSyncStart } from './clean-run';
import type { Scenario } from './scenario';

/** kill -9 of the server at 5 random points of the sync (one of them after the first rep wave), restart each time. */
export const killNine: Scenario = {
  name: 'kill -9 at 5 random points of a sync',
  async run(world: ChaosWorld, notes: string[]) {
    await world.startServer();
    for (let kill = 1; kill <= 5; kill += 1) {
      await waitForSyncStart(world, (await world.integrationCalls()) + 6);
      const delay = Math.round(300 + Math.random() * 3000);
      await sleep(delay);
      if (kill === 3) await world.repWave(1);
      const calls = await world.integrationCalls();
      await world.server?.kill9();
      notes.push(`kill ${kill}: ${delay} ms into run ${kill}, after ${calls} calls`);
      await world.startServer();
    }
    await world.server?.initialSyncDone(10 * 60_000);
    await world.settle();
    await world.repWave(2);
    await sleep(1000);
  },
};
