/**
 * A change event whose handler always fails must not hold the stream (issue 11, finding 1): after a bounded number
 * of attempts it becomes a dead letter in Redis and the events behind it — on other objects too — are handled,
 * with the replay id moving past it. A failing Redis is not poison: that is retried for as long as it lasts.
 */
import type { Redis } from 'ioredis';
import type { Connection } from 'jsforce';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../../../../test/emulators/salesforce';
import { createLogger } from '../../../src/lib/logger';
import { DeadLetterStore } from '../../../src/pipeline/import/intake/dead-letter-store';
import { DeadLetters, handlerDeadLetter } from '../../../src/pipeline/import/intake/dead-letters';
import { LoopStats } from '../../../src/pipeline/loop-stats';
import {
  buildHarness,
  connectionAs,
  contactIds,
  control,
  deleteTestKeys,
  integrationConnection,
  openRedis,
  startEmulator,
  testKeySpace,
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

/** A Salesforce-answered error that no retry can fix. */
class InvalidFieldError extends Error {
  readonly errorCode = 'INVALID_FIELD';
}

function deadLetters(stats = new LoopStats()): DeadLetters {
  return new DeadLetters({
    store: new DeadLetterStore(redis, testKeySpace('poison')),
    handle: async () => undefined,
    stats,
    logger: createLogger({ level: 'silent' }),
  });
}

describe('CdcSubscriber and poison events', () => {
  it('when a Contact event always fails, then after 3 attempts it is a dead letter and an Account edit behind it is handled', async () => {
    const [poisonId] = await contactIds(emulator, 1);
    const stats = new LoopStats();
    const letters = deadLetters(stats);
    const attempts: number[] = [];
    const harness = buildHarness(conn, redis, {
      poison: { maxAttempts: 3, backoff: { initialMs: 20, maxMs: 50 } },
      handler: async (event) => {
        if (event.entityName !== 'Contact') return;
        attempts.push(event.replayId);
        throw new InvalidFieldError("No such column 'Department__c' on entity 'Contact'");
      },
      onPoison: (event, failure) => letters.record(handlerDeadLetter(event, failure)),
    });
    running.push(harness);
    await harness.subscriber.start();
    await waitUntil('subscriber live', () => harness.subscriber.state().state === 'live');

    await control(emulator, '/streaming/faults', {
      inject: { changeType: 'GAP_UPDATE', entityName: 'Contact', recordIds: [poisonId] },
    });
    const rep = await connectionAs(emulator, 'rep');
    const [account] = (await rep.query<{ Id: string }>('SELECT Id FROM Account LIMIT 1')).records;
    await rep.sobject('Account').update({ Id: account!.Id, Description: 'behind the poison event' });

    await waitUntil(
      'the Account edit is handled',
      () => harness.handled.some((e) => e.entityName === 'Account'),
      30_000,
    );
    const accountEvent = harness.handled.find((e) => e.entityName === 'Account')!;
    expect(attempts).toHaveLength(3);
    const [letter, ...more] = await letters.list();
    expect(more).toEqual([]);
    expect(letter).toMatchObject({
      id: String(attempts[0]),
      replayId: attempts[0],
      entityName: 'Contact',
      changeType: 'GAP_UPDATE',
      recordIds: [poisonId],
      reason: { code: 'INVALID_FIELD', message: "No such column 'Department__c' on entity 'Contact'" },
      attempts: 3,
      retryable: true,
    });
    expect(Date.parse(letter!.lastAttemptAt)).toBeGreaterThanOrEqual(Date.parse(letter!.firstAttemptAt));
    expect(stats.deadLettered).toBe(1);
    await waitUntil('the replay id moves past both', async () => (await harness.store.get()) === accountEvent.replayId);
  });

  it('when the next event of the same object fails the same way, then it is dead-lettered at its first failure', async () => {
    const ids = await contactIds(emulator, 2);
    const letters = deadLetters();
    const attempts = new Map<number, number>();
    const harness = buildHarness(conn, redis, {
      poison: { maxAttempts: 3, backoff: { initialMs: 20, maxMs: 50 } },
      handler: async (event) => {
        attempts.set(event.replayId, (attempts.get(event.replayId) ?? 0) + 1);
        throw new InvalidFieldError("No such column 'Name' on entity 'Lead'");
      },
      onPoison: (event, failure) => letters.record(handlerDeadLetter(event, failure)),
    });
    running.push(harness);
    await harness.subscriber.start();
    await waitUntil('subscriber live', () => harness.subscriber.state().state === 'live');
    for (const id of ids) {
      await control(emulator, '/streaming/faults', {
        inject: { changeType: 'GAP_UPDATE', entityName: 'Contact', recordIds: [id] },
      });
    }
    await waitUntil('both are dead letters', async () => (await letters.count()) === 2, 30_000);
    expect([...attempts.values()]).toEqual([3, 1]);
  });

  it('when Redis answers LOADING for a while, then the event is retried until it is handled, never dead-lettered', async () => {
    const [id] = await contactIds(emulator, 1);
    const poisoned: number[] = [];
    let failures = 0;
    const harness = buildHarness(conn, redis, {
      poison: { maxAttempts: 2, backoff: { initialMs: 20, maxMs: 50 } },
      handler: async () => {
        if (failures < 5) {
          failures += 1;
          throw new Error('LOADING Redis is loading the dataset in memory');
        }
      },
      onPoison: async (event) => {
        poisoned.push(event.replayId);
      },
    });
    running.push(harness);
    await harness.subscriber.start();
    await waitUntil('subscriber live', () => harness.subscriber.state().state === 'live');
    await control(emulator, '/streaming/faults', {
      inject: { changeType: 'GAP_UPDATE', entityName: 'Contact', recordIds: [id] },
    });
    await waitUntil('the event is handled', () => harness.handled.length === 1, 30_000);
    expect(failures).toBe(5);
    expect(poisoned).toEqual([]);
  });

  it('while an event is retried, then the status says how many wait and since when', async () => {
    const [id] = await contactIds(emulator, 1);
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const harness = buildHarness(conn, redis, { handler: () => gate });
    running.push(harness);
    await harness.subscriber.start();
    await waitUntil('subscriber live', () => harness.subscriber.state().state === 'live');
    const result = (await control(emulator, '/streaming/faults', {
      inject: { changeType: 'GAP_UPDATE', entityName: 'Contact', recordIds: [id] },
    })) as { injected: { replayId: number } };
    await waitUntil('the event is taken', () => harness.subscriber.state().waiting === 1);
    expect(harness.subscriber.state().oldestWaitingAt).toEqual(expect.any(String));
    release();
    await waitUntil('nothing waits', () => harness.subscriber.state().waiting === 0);
    expect(harness.subscriber.state().oldestWaitingAt).toBeNull();
    await waitUntil('stored', async () => (await harness.store.get()) === result.injected.replayId);
  });
});
