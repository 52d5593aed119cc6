import type { Redis } from 'ioredis';
import type { Connection } from 'jsforce';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../../../../test/emulators/salesforce';
import { engineFor } from '../../../../test/emulators/salesforce/streaming/streaming-engine';
import { CDC_CHANNEL } from '../../../src/salesforce/stream/cdc-subscriber';
import type { MalformedChangeEvent } from '../../../src/salesforce/stream/malformed-change-event';
import {
  buildHarness,
  connectionAs,
  contactIds,
  control,
  deleteTestKeys,
  everyEventTaken,
  handledBeforeSentinel,
  integrationConnection,
  openRedis,
  startEmulator,
  userId,
  waitUntil,
  type Harness,
} from './stream-harness';

let emulator: RunningEmulator;
let redis: Redis;
let conn: Connection;
const running: Harness[] = [];

beforeAll(async () => {
  emulator = await startEmulator();
  redis = await openRedis();
  conn = await integrationConnection(emulator);
});

afterEach(async () => {
  for (const harness of running.splice(0)) await harness.subscriber.stop();
  await control(emulator, '/streaming/reset');
});

afterAll(async () => {
  if (redis) await deleteTestKeys(redis);
  redis?.disconnect();
  await emulator?.stop();
});

async function live(overrides: Parameters<typeof buildHarness>[2] = {}): Promise<Harness> {
  const harness = buildHarness(conn, redis, overrides);
  running.push(harness);
  await harness.subscriber.start();
  await waitUntil('subscriber live', () => harness.subscriber.state().state === 'live');
  return harness;
}

describe('CdcSubscriber against the emulator', () => {
  it('when a rep updates a Contact, then the handler gets the rep as commitUser and only the changed fields, flat', async () => {
    const [id] = await contactIds(emulator, 1);
    const harness = await live();
    const rep = await connectionAs(emulator, 'rep');
    await rep.sobject('Contact').update({ Id: id!, Phone: '+1 415 555 0101', MailingCity: 'Oakland', Title: null });

    await waitUntil('the update is handled', () => harness.handled.length === 1);
    const [event] = harness.handled;
    expect(event).toMatchObject({
      channel: CDC_CHANNEL,
      changeType: 'UPDATE',
      entityName: 'Contact',
      recordIds: [id],
      commitUser: userId(emulator, 'rep'),
      changeOrigin: expect.stringContaining('client=rep-console'),
    });
    expect([...event!.changedFields].sort()).toEqual([
      'LastModifiedById',
      'LastModifiedDate',
      'MailingCity',
      'Phone',
      'Title',
    ]);
    expect(event!.values).toMatchObject({ Phone: '+1 415 555 0101', MailingCity: 'Oakland', Title: null });
    await waitUntil('the replay id is stored', async () => (await harness.store.get()) === event!.replayId);
    expect(await harness.store.lastChangeSeen('Contact')).toBe(event!.commitTimestamp);
    expect(harness.subscriber.state()).toMatchObject({ state: 'live', replayId: event!.replayId });
  });

  it('when several records change the same way in one collections call, then the handler sees every record id', async () => {
    const [sentinel, ...ids] = await contactIds(emulator, 4);
    const harness = await live();
    const rep = await connectionAs(emulator, 'rep');
    await rep.sobject('Contact').update(ids.map((Id) => ({ Id, Department: 'Revenue Operations' })));

    const seen = () => new Set(harness.handled.flatMap((e) => e.recordIds));
    await waitUntil('every record id is handled', () => ids.every((id) => seen().has(id)));
    const handled = await handledBeforeSentinel(emulator, harness, sentinel!);
    // One transaction: Salesforce merges alike changes into one event. The emulator merges them only when the
    // records got the same LastModifiedDate millisecond (see the report), so the count is not asserted here.
    expect(new Set(handled.map((e) => e.transactionKey)).size).toBe(1);
    expect(handled.flatMap((e) => e.recordIds).sort()).toEqual([...ids].sort());
    for (const event of handled) expect(event.values).toMatchObject({ Department: 'Revenue Operations' });
  });

  it('when one event names several records, then the handler gets all their ids in that one event', async () => {
    const ids = await contactIds(emulator, 3);
    const harness = await live();
    await control(emulator, '/streaming/faults', {
      inject: { changeType: 'GAP_UPDATE', entityName: 'Contact', recordIds: ids },
    });
    await waitUntil('the event is handled', () => harness.handled.length === 1);
    expect(harness.handled[0]).toMatchObject({ changeType: 'GAP_UPDATE', recordIds: ids });
  });

  it('when the handler throws once, then the same event is handed to it again and only then is the replay id stored', async () => {
    const [id] = await contactIds(emulator, 1);
    const attempts: number[] = [];
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const harness = await live({
      handler: async (event) => {
        attempts.push(event.replayId);
        if (attempts.length === 1) throw new Error('queue unavailable');
        await gate;
      },
    });
    const before = await harness.store.get();
    await (await connectionAs(emulator, 'rep')).sobject('Contact').update({ Id: id!, Title: 'Head of RevOps' });

    await waitUntil('the second attempt is running', () => attempts.length === 2);
    expect(attempts[0]).toBe(attempts[1]);
    expect(await harness.store.get()).toBe(before);
    release();
    await waitUntil('the replay id is stored', async () => (await harness.store.get()) === attempts[0]);
    expect(harness.handled.map((e) => e.replayId)).toEqual([attempts[0]]);
    expect(harness.logs().some((l) => l.level === 50 && /handler for replay id \d+ failed/.test(l.msg))).toBe(true);
  });

  it('when events arrive faster than they are handled, then one replay-id commit covers the run of them', async () => {
    const ids = await contactIds(emulator, 15);
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const harness = await live({
      handler: async () => {
        await gate; // the first event holds the chain while the rest arrive behind it
      },
    });
    const commits: number[] = [];
    const commit = harness.store.commit.bind(harness.store);
    harness.store.commit = async (replayId, seen) => {
      commits.push(replayId);
      return commit(replayId, seen);
    };
    const rep = await connectionAs(emulator, 'rep');
    // One event per record: different values, so the org does not merge them into one event.
    for (const [n, id] of ids.entries()) await rep.sobject('Contact').update({ Id: id, Title: `Burst ${n}` });
    // Every event sent and the client polling again: the first is held in the handler, the other 14 wait behind it.
    await waitUntil('every event is accepted', () => everyEventTaken(emulator));
    expect(harness.handled).toHaveLength(0);
    release();
    await waitUntil('all 15 handled', () => harness.handled.length === 15);
    const last = harness.handled.at(-1)!.replayId;
    await waitUntil('the last replay id is stored', async () => (await harness.store.get()) === last);
    expect(commits).toEqual([last]);
    expect(await harness.store.lastChangeSeen('Contact')).toBe(harness.handled.at(-1)!.commitTimestamp);
  });

  it('when stopped, N writes made and started again, then exactly those N changes are handled, none twice', async () => {
    const ids = await contactIds(emulator, 5);
    const first = await live();
    const rep = await connectionAs(emulator, 'rep');
    await rep.sobject('Contact').update({ Id: ids[0]!, Title: 'Before stop' });
    await waitUntil('the first change is handled', () => first.handled.length === 1);
    await waitUntil('its replay id is stored', async () => (await first.store.get()) === first.handled[0]!.replayId);
    await first.subscriber.stop();
    expect(first.subscriber.state().state).toBe('stopped');

    for (const [n, id] of ids.slice(1).entries())
      await rep.sobject('Contact').update({ Id: id, Title: `While stopped ${n}` });

    const second = await live({ store: first.store });
    await waitUntil('the four changes are handled', () => second.handled.length >= 4);
    await rep.sobject('Contact').update({ Id: ids[0]!, Title: 'After restart' });
    await waitUntil('the next change is handled', () => second.handled.length >= 5);
    const handled = await handledBeforeSentinel(emulator, second, ids[1]!);
    expect(handled.map((e) => e.values.Title)).toEqual([
      'While stopped 0',
      'While stopped 1',
      'While stopped 2',
      'While stopped 3',
      'After restart',
    ]);
    expect(new Set(handled.map((e) => e.replayId)).size).toBe(5);
  });

  it('when the server forgets the client (403::Unknown client), then it resubscribes from the stored id and loses nothing', async () => {
    const ids = await contactIds(emulator, 3);
    const harness = await live();
    const rep = await connectionAs(emulator, 'rep');
    await rep.sobject('Contact').update({ Id: ids[0]!, Department: 'One' });
    await waitUntil('the first change is handled', () => harness.handled.length === 1);

    expect(await control(emulator, '/streaming/faults', { unknownClient: true })).toMatchObject({
      forgottenClients: 1,
    });
    await rep.sobject('Contact').update({ Id: ids[1]!, Department: 'Two' });
    await rep.sobject('Contact').update({ Id: ids[2]!, Department: 'Three' });
    await waitUntil('all three changes are handled', () => harness.handled.length >= 3);
    await waitUntil('live again', () => harness.subscriber.state().state === 'live');
    const handled = await handledBeforeSentinel(emulator, harness, ids[0]!);
    expect(handled.map((e) => e.values.Department)).toEqual(['One', 'Two', 'Three']);
    expect(harness.logs().some((l) => /403::Unknown client/.test(l.msg))).toBe(true);
  });

  it('when the org forgets an idle client before any event was stored, then the change made meanwhile still arrives', async () => {
    const [id] = await contactIds(emulator, 1);
    const harness = await live();
    // Drop the held poll: Faye waits 5 s before polling again, the org forgets clients idle for 5 s.
    await control(emulator, '/streaming/faults', { dropLongPolls: 1 });
    await control(emulator, '/clock/advance', { seconds: 6 });
    await (await connectionAs(emulator, 'rep')).sobject('Contact').update({ Id: id!, Department: 'After idle' });
    await waitUntil('the change is handled', () => harness.handled.length === 1);
    expect(harness.handled[0]!.values.Department).toBe('After idle');
    // Nothing was stored yet, so the resubscribe replays the retention window instead of -1 (which would miss it).
    expect(
      harness
        .logs()
        .filter((l) => l.msg === 'subscribing to the CDC channel')
        .map((l) => l.replayFrom),
    ).toEqual([-1, -2]);
  });

  it('when GAP_* and GAP_OVERFLOW events arrive, then the handler gets them (ids for gaps, none for overflow)', async () => {
    const [id] = await contactIds(emulator, 1);
    const harness = await live();
    await control(emulator, '/streaming/faults', {
      inject: { changeType: 'GAP_UPDATE', entityName: 'Contact', recordIds: [id] },
    });
    await control(emulator, '/streaming/faults', { inject: { changeType: 'GAP_OVERFLOW', entityName: 'Lead' } });
    await waitUntil('both gap events are handled', () => harness.handled.length === 2);
    expect(harness.handled.map((e) => [e.changeType, e.entityName, e.recordIds, e.values])).toEqual([
      ['GAP_UPDATE', 'Contact', [id], {}],
      ['GAP_OVERFLOW', 'Lead', [], {}],
    ]);
  });

  it('when a record is deleted and undeleted, then DELETE (no values) and UNDELETE (values) reach the handler', async () => {
    const harness = await live();
    const rep = await connectionAs(emulator, 'rep');
    const created = await rep.sobject('Lead').create({ LastName: 'Lovelace', Company: 'Analytical Engines' });
    expect(created.success).toBe(true);
    await rep.sobject('Lead').destroy(created.id!);
    // Salesforce has no REST undelete (it is SOAP/Apex), and neither does the emulator: the test commits one
    // through the emulator's record store, as the org would after an undelete from the recycle bin.
    const tx = emulator.org.store.begin(userId(emulator, 'rep'), '');
    tx.undelete(emulator.org.catalog.getObject('Lead')!, created.id!);
    tx.commit();

    await waitUntil('create, delete and undelete are handled', () => harness.handled.length === 3);
    expect(harness.handled.map((e) => e.changeType)).toEqual(['CREATE', 'DELETE', 'UNDELETE']);
    expect(harness.handled[0]!.values).toMatchObject({ LastName: 'Lovelace', Company: 'Analytical Engines' });
    expect(harness.handled[1]).toMatchObject({ recordIds: [created.id], values: {} });
    expect(harness.handled[2]).toMatchObject({ recordIds: [created.id], values: { LastName: 'Lovelace' } });
  });

  it('when a malformed event arrives, then it is logged with its record id and skipped, and later events flow', async () => {
    const [id] = await contactIds(emulator, 1);
    const recorded: MalformedChangeEvent[] = [];
    const harness = await live({ onMalformed: (error) => void recorded.push(error) });
    // The emulator cannot inject a malformed event through its control endpoint, so the test appends one to the
    // org's event bus directly.
    const bad = engineFor(emulator.context).bus.append({
      channels: [CDC_CHANNEL],
      schema: 'malformed-schema-id',
      payload: { ChangeEventHeader: { entityName: 'Contact', recordIds: [id], changeType: 'SHUFFLE' } },
    });
    await (await connectionAs(emulator, 'rep')).sobject('Contact').update({ Id: id!, Title: 'After the bad one' });

    await waitUntil('the good event is handled', () => harness.handled.length === 1);
    expect(harness.handled[0]!.values.Title).toBe('After the bad one');
    expect(recorded).toHaveLength(1);
    expect(recorded[0]).toMatchObject({ code: 'CDC_MALFORMED_EVENT', replayId: bad.replayId, recordIds: [id] });
    const line = harness.logs().find((l) => l.code === 'CDC_MALFORMED_EVENT');
    expect(line).toMatchObject({ level: 50, replayId: bad.replayId, recordIds: [id] });
    expect(line!.msg).toMatch(/changeType/);
    await waitUntil(
      'the stream moved past it',
      async () => (await harness.store.get()) === harness.handled[0]!.replayId,
    );
  });

  it('when the org refuses the subscription, then it keeps retrying with backoff, logs why and never throws', async () => {
    const harness = buildHarness(conn, redis, { channel: '/data/Missing__chn' });
    running.push(harness);
    await harness.subscriber.start();
    await waitUntil(
      'refused twice',
      () => harness.logs().filter((l) => /refused the CDC subscription/.test(l.msg)).length >= 2,
    );
    expect(harness.subscriber.state()).toMatchObject({
      state: 'reconnecting',
      lastError: expect.stringContaining("doesn't exist"),
    });
  });
});
