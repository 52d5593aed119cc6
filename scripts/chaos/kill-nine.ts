import { sleep, type ChaosWorld } from './chaos-world';
import { waitForSyncStart } from './clean-run';
import type { Scenario } from './scenario';

/**
 * kill -9 of the server at 5 random points of the sync (one of them after the first rep wave), restart each time;
 * then once more while the rep's exits are being acted on (an action application is Pending), so a kill lands
 * between an application's log row and its effect whatever the sync's timing.
 */
export const killNine: Scenario = {
  name: 'kill -9 at 5 random points of a sync, and mid-application',
  async run(world: ChaosWorld, notes: string[]) {
    await world.startServer();
    for (let kill = 1; kill <= 5; kill += 1) {
      await waitForSyncStart(world, (await world.integrationCalls()) + 6);
      const delay = Math.round(300 + Math.random() * 3000);
      await sleep(delay);
      if (kill === 3) await world.repWave(1);
      const calls = await world.integrationCalls();
      const pending = await pendingApplications(world);
      await world.server?.kill9();
      world.trace('kill9', { kill, delay, calls, pending });
      notes.push(`kill ${kill}: ${delay} ms into run ${kill}, after ${calls} calls, ${pending} application(s) Pending`);
      await world.startServer();
    }
    await world.server?.initialSyncDone(10 * 60_000);
    await world.settle();
    const edits = world.repWave(2);
    const pending = await firstPending(world, 120_000);
    await world.server?.kill9();
    world.trace('kill9', { kill: 6, pending });
    notes.push(
      pending > 0
        ? `kill 6: during wave 2's exits, with ${pending} application(s) Pending`
        : 'kill 6: during wave 2 (no application was seen Pending within 120 s)',
    );
    await edits;
    await world.startServer();
    await sleep(1000);
  },
};

/** Pending `Audience_Action_Log__c` rows now (at most 200: enough to say "mid-application"). */
async function pendingApplications(world: ChaosWorld): Promise<number> {
  try {
    const rows = await world.admin.query("SELECT Id FROM Audience_Action_Log__c WHERE Status__c = 'Pending' LIMIT 200");
    return rows.records.length;
  } catch {
    return 0;
  }
}

/** Polls until some application is Pending (the membership queue is acting); 0 when none showed within `timeoutMs`. */
async function firstPending(world: ChaosWorld, timeoutMs: number): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const pending = await pendingApplications(world);
    if (pending > 0) return pending;
    await sleep(50);
  }
  return 0;
}
