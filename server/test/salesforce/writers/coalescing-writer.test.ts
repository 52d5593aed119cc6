import { Connection } from 'jsforce';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSalesforceEmulator, type RunningEmulator } from '../../../../test/emulators/salesforce/index';
import { AdaptiveWindow } from '../../../src/lib/adaptive-window';
import { OrgClient } from '../../../src/salesforce/org-client';
import { CoalescingWriter } from '../../../src/salesforce/writers/coalescing-writer';

let emulator: RunningEmulator;
let conn: Connection;
let org: OrgClient;
const ids: string[] = [];

beforeAll(async () => {
  emulator = await startSalesforceEmulator({ port: 0, seed: 'none' });
  conn = new Connection({ instanceUrl: emulator.instanceUrl, accessToken: emulator.accessToken, version: '62.0' });
  org = new OrgClient(conn);
  for (let start = 0; start < 1_001; start += 200) {
    const rows = Array.from({ length: Math.min(200, 1_001 - start) }, (_, i) => ({ LastName: `Writer ${start + i}` }));
    const created = await conn.sobject('Contact').create(rows, { allOrNone: true });
    for (const result of created) ids.push(result.id as string);
  }
});

afterAll(async () => {
  await emulator?.stop();
});

/**
 * A writer whose window runs on a clock only the test moves, so its deadline never comes on its own: a batch goes
 * only when the window's rate or size rule sends it, or when the test flushes.
 */
function writerAt() {
  const clock = { now: 1_000_000 };
  const window = new AdaptiveWindow({ maxWaitMs: 500, fullAt: 1000, now: () => clock.now });
  // The writer's own fixed wait is an hour: only the window's rules can send a batch before that.
  return { writer: new CoalescingWriter(org, { window, maxWaitMs: 3_600_000 }), window, clock };
}

const update = (i: number, title: string) => ({ object: 'Contact', id: ids[i] as string, fields: { Title: title } });

describe('coalescing writer (adaptive window)', () => {
  it('when a lone write comes after a quiet spell, then it goes at once, not at the end of the window', async () => {
    const { writer } = writerAt();
    // A fixed window would wait for a deadline this clock never reaches (the test's timeout fails it).
    const outcome = await writer.write(update(0, 'lone'));
    expect(outcome.ok).toBe(true);
    expect(writer.stats.requests).toBe(1);
    expect((await conn.sobject('Contact').retrieve(ids[0] as string)).Title).toBe('lone');
  });

  it('when writes stream in, then they wait for companions and go as one request', async () => {
    const { writer, window, clock } = writerAt();
    // The rate of a busy stream: about 200 writes a second for the last two seconds.
    for (let i = 0; i < 400; i += 1) {
      window.arrived();
      clock.now += 5;
    }
    const outcomes = [1, 2, 3].map((i) => writer.write(update(i, `busy ${i}`)));
    // Writes made in later ticks still join the batch: nothing was sent meanwhile.
    await new Promise((resolve) => setImmediate(resolve));
    outcomes.push(writer.write(update(4, 'busy 4')));
    await new Promise((resolve) => setImmediate(resolve));
    expect(writer.stats.requests).toBe(0);
    await writer.flush();
    expect((await Promise.all(outcomes)).every((o) => o.ok)).toBe(true);
    expect(writer.stats).toMatchObject({ requests: 1, recordsSent: 4 });
  });

  it('when a page goes in one call and a separate write joins one of its records, then each caller gets its outcomes in order and the record is sent once', async () => {
    const { writer, window, clock } = writerAt();
    for (let i = 0; i < 400; i += 1) {
      window.arrived();
      clock.now += 5;
    }
    const page = writer.writeMany([update(20, 'page 20'), update(21, 'page 21'), update(22, 'page 22')]);
    const alone = writer.write({ object: 'Contact', id: ids[21] as string, fields: { Department: 'Ops' } });
    await writer.flush();
    const outcomes = await page;
    expect(outcomes.map((o) => [o.id, o.ok])).toEqual([20, 21, 22].map((i) => [ids[i], true]));
    expect(await alone).toMatchObject({ id: ids[21], ok: true });
    expect(writer.stats).toMatchObject({ requests: 1, recordsSent: 3 });
    expect(await conn.sobject('Contact').retrieve(ids[21] as string)).toMatchObject({
      Title: 'page 21',
      Department: 'Ops',
    });
    expect(await writer.writeMany([])).toEqual([]);
  });

  it('when a batch is full, then it goes before the window ends', async () => {
    const { writer, window, clock } = writerAt();
    for (let i = 0; i < 400; i += 1) {
      window.arrived();
      clock.now += 5;
    }
    const outcomes = Array.from({ length: 1_000 }, (_, i) => writer.write(update(i + 1, `full ${i}`)));
    // The 1,000 go on their own, in one request: the test never flushes them nor moves the clock.
    expect((await Promise.all(outcomes)).every((o) => o.ok)).toBe(true);
    expect(writer.stats).toMatchObject({ requests: 1, recordsSent: 1_000 });
  });
});
