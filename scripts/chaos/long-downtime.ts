import { sleep, type ChaosWorld } from './chaos-world';
import type { Scenario } from './scenario';

/** The server is down for longer than the replay retention (72 h on the org clock) while the rep edits; restart. */
export const longDowntime: Scenario = {
  name: 'downtime longer than the replay retention, then restart',
  async run(world: ChaosWorld, notes: string[]) {
    await world.startServer();
    await world.server?.initialSyncDone(10 * 60_000);
    await world.settle();
    await world.server?.stop();
    await world.repWave(1);
    await world.emulator.control.advanceClock(73 * 3_600_000);
    await world.refreshTokens();
    notes.push('server stopped; rep wave 1; 73 h passed on the org clock; server restarted; wave 2');
    await world.startServer();
    await world.server?.initialSyncDone(10 * 60_000);
    await world.settle();
    await world.repWave(2);
    await sleep(1000);
  },
};
