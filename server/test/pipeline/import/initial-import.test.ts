import { Redis } from 'ioredis';
import type { Connection } from 'jsforce';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSalesforceEmulator, type RunningEmulator } from '../../../../test/emulators/salesforce';
import type { SourceConfig } from '../../../src/config/loop-config';
import { createLogger } from '../../../src/lib/logger';
import { runInitialImport } from '../../../src/pipeline/import/initial-import';
import { MirrorStore } from '../../../src/pipeline/import/mirror-store';
import { connectSalesforce } from '../../../src/salesforce/auth/connection-factory';
import { OrgClient } from '../../../src/salesforce/org-client';
import { DescribeCache } from '../../../src/salesforce/schema/describe-cache';
import { KeySpace } from '../../../src/state/key-space';
import { TEST_REDIS_URL, uniquePrefix } from '../../support/redis-test';
import { eventually } from '../../queues/queue-test-kit';

const waitFor = (condition: () => boolean, what: string) => eventually(condition, 20_000, what);

const logger = createLogger({ level: 'silent' });
const source: SourceConfig = { id: 'a0S000000000001AAA', name: 'All contacts', object: 'Contact', filter: { all: [] } };
const fields = {
  object: 'Contact' as const,
  fields: ['Id', 'LastName', 'Title', 'SystemModstamp'],
  parentFields: [],
  missing: [],
};

let emulator: RunningEmulator;
let conn: Connection;
let redis: Redis;
const keys = new KeySpace(uniquePrefix('initial-import'));

beforeAll(async () => {
  emulator = await startSalesforceEmulator({ seed: 1000 });
  conn = await connectSalesforce({
    mode: 'client_credentials',
    apiVersion: '62.0',
    loginUrl: emulator.loginUrl,
    clientId: emulator.clientId,
    clientSecret: emulator.clientSecret,
  });
  redis = new Redis(TEST_REDIS_URL, { lazyConnect: true });
  await redis.connect();
});

afterAll(async () => {
  const stale = await redis.keys(`${keys.prefix}:*`);
  if (stale.length > 0) await redis.del(...stale);
  await redis.quit();
  await emulator?.stop();
});

/** What the import did, as the test sees it: page reads answered, pages stored, page handlers running. */
interface Observed {
  readsAnswered: number;
  pagesStored: number;
}

/** A page handler's hold: the handler runs until the test opens (or fails) its gate. */
interface HeldPage {
  ids: string[];
  open(): void;
  fail(error: Error): void;
}

function importWith(onPage: (page: { id: string }[]) => Promise<void>, observed?: Observed) {
  // The REST page reads (`conn.request`) and the stores (`putMany`) are counted where they happen, so the test can
  // tell how far the reader went without timing it.
  const counted = new Proxy(conn, {
    get(target, property, receiver) {
      if (property === 'request' && observed) {
        return (...args: Parameters<Connection['request']>) => {
          const reply = target.request(...args);
          void Promise.resolve(reply).then(
            () => (observed.readsAnswered += 1),
            () => undefined,
          );
          return reply;
        };
      }
      const value: unknown = Reflect.get(target, property, receiver);
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
  const mirror = new MirrorStore(redis, keys);
  if (observed) {
    const putMany = mirror.putMany.bind(mirror);
    mirror.putMany = (records) => {
      observed.pagesStored += 1;
      return putMany(records);
    };
  }
  return (async () => {
    const describes = new DescribeCache(conn);
    return runInitialImport({
      org: new OrgClient(counted),
      source,
      fields,
      describe: await describes.describe('Contact'),
      accountDescribe: undefined,
      mirror,
      bulkThreshold: 1_000_000,
      pageSize: 200, // the smallest batch Salesforce accepts
      onPage,
      logger,
    });
  })();
}

/** Page handlers that each wait for the test; `running` lists the pages handed on and not yet let go. */
function heldPages() {
  const running: HeldPage[] = [];
  let started = 0;
  const handler = async (page: { id: string }[]) => {
    started += 1;
    let open!: () => void;
    let fail!: (error: Error) => void;
    const gate = new Promise<void>((resolve, reject) => {
      open = resolve;
      fail = reject;
    });
    const held: HeldPage = { ids: page.map((r) => r.id), open, fail };
    running.push(held);
    try {
      await gate;
    } finally {
      running.splice(running.indexOf(held), 1);
    }
  };
  return { handler, running, started: () => started };
}

/** Lets every pending callback and timer due now run: what the import could do without I/O, it has done. */
const macrotask = () => new Promise((resolve) => setImmediate(resolve));

describe('initial import (REST pages)', () => {
  it('hands pages on three at a time while reading ahead, and imports every record once', async () => {
    const pages = heldPages();
    const observed: Observed = { readsAnswered: 0, pagesStored: 0 };
    const seen: string[] = [];
    let most = 0;
    const result = importWith(async (page) => {
      most = Math.max(most, pages.running.length + 1);
      await pages.handler(page);
      seen.push(...page.map((r) => r.id));
    }, observed);

    // Three pages held: the fourth page is read ahead (its reply answered) but neither stored nor handed on.
    await waitFor(() => pages.running.length === 3 && observed.readsAnswered === 4, 'three pages held, page 4 read');
    await macrotask();
    expect({ running: pages.running.length, stored: observed.pagesStored, reads: observed.readsAnswered }).toEqual({
      running: 3,
      stored: 3,
      reads: 4,
    });

    // Each page let go makes room for exactly one more (pages 4 and 5), never for a fourth at once.
    for (let handedOn = 3; handedOn < 5; handedOn += 1) {
      pages.running[0]!.open();
      await waitFor(() => pages.started() === handedOn + 1, `page ${handedOn + 1} handed on`);
      expect(pages.running.length).toBe(3);
    }
    while (pages.running.length > 0) {
      pages.running[0]!.open();
      await macrotask();
    }
    expect(await result).toMatchObject({ path: 'rest', total: 1000, imported: 1000 });
    expect(most).toBe(3);
    expect(pages.started()).toBe(5);
    expect(new Set(seen).size).toBe(1000);
  });

  it('when a page handler fails, then the import fails with its error once no other page is still running', async () => {
    const pages = heldPages();
    let settled = false;
    let runningWhenRejected = -1;
    const outcome = importWith(pages.handler).then(
      () => {
        settled = true;
        return new Error('the import did not fail');
      },
      (error: Error) => {
        settled = true;
        runningWhenRejected = pages.running.length;
        return error;
      },
    );
    await waitFor(() => pages.running.length === 3, 'three pages held');
    pages.running[1]!.fail(new Error('page two refused'));
    await macrotask();
    // Pages one and three still run: the import waits for them before it fails.
    expect(settled).toBe(false);
    expect(pages.running.length).toBe(2);
    for (const page of [...pages.running]) page.open();
    expect((await outcome).message).toBe('page two refused');
    expect(runningWhenRejected).toBe(0);
    // No page is handed on after the failure.
    expect(pages.started()).toBe(3);
  });
});
