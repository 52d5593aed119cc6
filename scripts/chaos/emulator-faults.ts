import { sleep, type ChaosWorld } from './chaos-world';
import { waitForSyncStart } from './clean-run';
import type { Scenario } from './scenario';

async function retry<T>(call: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await call();
    } catch (error) {
      if (attempt >= 10) throw error;
      await sleep(200);
    }
  }
}

/**
 * 10 % UNABLE_TO_LOCK_ROW and 2 % 503 on every call, a session expiry, `403::Unknown client` for the stream, gap
 * events for edited records and a GAP_OVERFLOW, all while syncing and while the rep's changes stream in.
 */
export const emulatorFaults: Scenario = {
  name: 'emulator faults (10 % lock, 2 % 503, session expiry, unknown client, gaps, overflow)',
  async run(world: ChaosWorld, notes: string[]) {
    const control = world.emulator.control;
    await control.setFaults({ lockRowRate: 0.1, errorRate: [{ route: '*', status: 503, rate: 0.02 }] });
    await world.startServer();
    await waitForSyncStart(world, 12);
    await sleep(1000);
    await control.setFaults({ expireSessions: true });
    await world.refreshTokens();
    notes.push('sessions expired during the sync');
    await world.repWave(1);
    await control.streamingFaults({ unknownClient: true });
    notes.push('403::Unknown client for every streaming client');
    await world.server?.initialSyncDone(10 * 60_000);
    await world.settle();
    await world.repWave(2);
    const ids = await retry(async () =>
      world.admin.query<{ Id: string }>('SELECT Id FROM Contact ORDER BY Id LIMIT 20'),
    );
    await control.streamingFaults({
      inject: { changeType: 'GAP_UPDATE', entityName: 'Contact', recordIds: ids.records.map((r) => r.Id) },
    });
    await control.streamingFaults({ inject: { changeType: 'GAP_OVERFLOW', entityName: 'Contact' } });
    await control.streamingFaults({ dropLongPolls: 2 });
    notes.push('GAP_UPDATE for 20 records, GAP_OVERFLOW, 2 long polls dropped');
    await sleep(2000);
    await world.settle();
    await control.setFaults({ lockRowRate: 0, errorRate: [{ route: '*', status: 503, rate: 0 }] });
    const counters = await control.counters();
    notes.push(`${counters.total} calls in all under faults`);
  },
};
