import { sleep, type ChaosWorld } from './chaos-world';
import { waitForSyncStart } from './clean-run';
import type { Scenario } from './scenario';

/**
 * The server on a Redis Cluster of the scenario's own: kill -9 of the master that serves the prefix's slot in the
 * middle of the sync, and again (after the killed node came back as a replica) while wave 2 is being processed. A
 * replica takes over each time; the server is never restarted.
 */
export const clusterFailover: Scenario = {
  name: 'Redis Cluster: the master of the slot killed mid-sync and mid-wave (failover to its replica)',
  ownCluster: true,
  async run(world: ChaosWorld, notes: string[], _restartRedis, cluster) {
    if (!cluster) throw new Error('this scenario needs a Redis Cluster of its own');
    const failOver = async (when: string) => {
      const master = await cluster.masterPortOf(world.prefix);
      const calls = await world.integrationCalls();
      const killedAt = Date.now();
      await cluster.kill(master);
      const promoted = await cluster.waitFailover(master, world.prefix);
      notes.push(
        `${when}: master ${master} killed after ${calls} calls; replica ${promoted} serving the slot ` +
          `${((Date.now() - killedAt) / 1000).toFixed(1)} s later`,
      );
      // Back as a replica of the promoted master, so the next kill has someone to fail over to.
      await cluster.restart(master);
    };
    await world.startServer();
    await waitForSyncStart(world, 12);
    await sleep(1500);
    await failOver('during the sync');
    await world.repWave(1);
    await world.server?.initialSyncDone(10 * 60_000);
    await world.settle();
    const edits = world.repWave(2);
    await sleep(200);
    await failOver('during wave 2');
    await edits;
    await sleep(1000);
  },
};
