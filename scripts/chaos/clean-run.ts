import { sleep, type ChaosWorld } from './chaos-world';
import type { Scenario } from './scenario';

/** The reference: a sync with both rep waves and nothing going wrong. */
export const cleanRun: Scenario = {
  name: 'clean run (reference)',
  async run(world: ChaosWorld) {
    await world.startServer();
    await waitForSyncStart(world);
    await world.repWave(1);
    await world.server?.initialSyncDone(10 * 60_000);
    await world.settle();
    await world.repWave(2);
    await sleep(1000);
  },
};

/** Waits until the server has made a few calls (token, config): the import is about to read or reading. */
export async function waitForSyncStart(world: ChaosWorld, calls = 8): Promise<void> {
  const deadline = Date.now() + 120_000;
  while ((await world.integrationCalls()) < calls) {
    if (Date.now() > deadline) throw new Error('the server made no calls within 120 s');
    await sleep(100);
  }
}
