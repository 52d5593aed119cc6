import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { leaseTimings } from '../../server/src/env/role-setting';
import type { Role } from '../../server/src/env/role-setting';
import { composeLoop, type Loop } from '../../server/src/runtime/compose';
import { RoleRuntime } from '../../server/src/runtime/role-runtime';
import { connectSalesforce } from '../../server/src/salesforce/auth/connection-factory';
import { OrgClient } from '../../server/src/salesforce/org-client';
import { API_VERSION, LoopHarness, waitFor } from './support/loop-harness';

let harness: LoopHarness;
const runtimes: RoleRuntime[] = [];

beforeAll(async () => {
  harness = await LoopHarness.create({
    sources: [{ Object__c: 'Contact' }],
    fieldMaps: [
      {
        Object__c: 'Contact',
        Field__c: 'Email_Status__c',
        Attribute__c: 'person.email_status',
        Write_Rule__c: 'Always',
      },
    ],
    records: { Contact: [{ LastName: 'Roles', Email: 'roles@example.com' }] },
    start: false,
  });
}, 120_000);

afterAll(async () => {
  for (const runtime of runtimes.splice(0).reverse()) await runtime.stop();
  await harness?.stop();
});

/** A process's loop, composed as main.ts does, under the harness's prefix, with the roles given. */
async function processWith(roles: Role[]): Promise<{ loop: Loop; runtime: RoleRuntime }> {
  const conn = await connectSalesforce({
    mode: 'client_credentials',
    apiVersion: API_VERSION,
    loginUrl: harness.emulator.loginUrl,
    clientId: harness.emulator.clientId,
    clientSecret: harness.emulator.clientSecret,
  });
  const loop = composeLoop(
    { org: new OrgClient(conn), redis: harness.redis, logger: harness.logger },
    { prefix: harness.prefix, bulkThreshold: 50_000, defaultRegion: 'US', budget: { pauseAt: 0.7, stopAt: 0.9 } },
  );
  const runtime = new RoleRuntime(loop, { roles, lease: leaseTimings(3_000), configPollMs: 60 * 60_000 });
  runtimes.push(runtime);
  await runtime.start();
  return { loop, runtime };
}

describe('RoleRuntime: what each role starts', () => {
  it('when one process is a worker and another the stream and scheduler, then each runs only its parts and their configurations stay in step', async () => {
    const stream = await processWith(['stream', 'scheduler']);
    expect(stream.runtime.leadsStream()).toBe(true);
    expect(stream.loop.streamState().state).not.toBe('stopped');
    expect(stream.loop.drainerStarted).toBe(false);
    await waitFor(() => stream.runtime.schedulerLease?.isLeader(), 30_000, 'the scheduler lease');
    expect(stream.loop.schedules.owned).toBe(true);
    const streamStatus = await stream.runtime.status();
    expect(streamStatus).toMatchObject({
      roles: ['stream', 'scheduler'],
      stream: { leader: true, holder: stream.runtime.streamLease?.token, fence: 1 },
      scheduler: { leader: true, holder: stream.runtime.schedulerLease?.token, fence: 1 },
    });

    const worker = await processWith(['worker']);
    expect(worker.runtime.streamLease).toBeUndefined();
    expect(worker.runtime.schedulerLease).toBeUndefined();
    expect(worker.loop.streamState().state).toBe('stopped');
    expect(worker.loop.drainerStarted).toBe(true);
    expect(worker.loop.schedules.owned).toBe(false);
    expect(await worker.runtime.status()).toEqual({ roles: ['worker'] });

    // The stream leader loads a configuration (as after RELOAD_CONFIG): the worker reloads its own.
    let workerLoads = 0;
    worker.loop.config.onLoaded(async () => {
      workerLoads += 1;
    });
    await stream.loop.config.load();
    await waitFor(() => workerLoads > 0, 30_000, "the worker's reload after the leader's");

    // A second stream process stands by; when the leader stops, it takes over with a higher fence.
    const standby = await processWith(['stream']);
    expect(standby.runtime.leadsStream()).toBe(false);
    expect(standby.loop.streamState().state).toBe('stopped');
    await stream.runtime.stop();
    runtimes.splice(runtimes.indexOf(stream.runtime), 1);
    await waitFor(() => standby.runtime.leadsStream(), 30_000, 'the stand-by to take the stream lease');
    await waitFor(() => standby.loop.streamState().state === 'live', 60_000, 'the stand-by to follow the stream');
    expect((await standby.runtime.status()).stream?.fence).toBe(2);
  }, 240_000);
});
