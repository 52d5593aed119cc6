import { Redis } from 'ioredis';
import type { Connection } from 'jsforce';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSalesforceEmulator, type RunningEmulator } from '../../../../test/emulators/salesforce';
import type { SourceConfig } from '../../../src/config/loop-config';
import { createLogger } from '../../../src/lib/logger';
import { runInitialImport } from '../../../src/pipeline/import/initial-import';
import { MirrorStore } from '../../../src/pipeline/import/mirror-store';
import { OrgClient } from '../../../src/salesforce/org-client';
import { connectSalesforce } from '../../../src/salesforce/auth/connection-factory';
import { DescribeCache } from '../../../src/salesforce/schema/describe-cache';
import { KeySpace } from '../../../src/state/key-space';
import { TEST_REDIS_URL, uniquePrefix } from '../../support/redis-test';

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

async function importWith(onPage: (page: { id: string }[]) => Promise<void>) {
  const describes = new DescribeCache(conn);
  return runInitialImport({
    org: new OrgClient(conn),
    source,
    fields,
    describe: await describes.describe('Contact'),
    accountDescribe: undefined,
    mirror: new MirrorStore(redis, keys),
    bulkThreshold: 1_000_000,
    pageSize: 200, // the smallest batch Salesforce accepts
    onPage,
    logger,
  });
}

describe('initial import (REST pages)', () => {
  it('hands pages on three at a time while reading ahead, and imports every record once', async () => {
    let running = 0;
    let most = 0;
    const seen: string[] = [];
    const result = await importWith(async (page) => {
      running += 1;
      most = Math.max(most, running);
      await new Promise((resolve) => setTimeout(resolve, 50));
      seen.push(...page.map((r) => r.id));
      running -= 1;
    });
    expect(result).toMatchObject({ path: 'rest', total: 1000, imported: 1000 });
    expect(most).toBe(3);
    expect(new Set(seen).size).toBe(1000);
  });

  it('when a page handler fails, then the import fails with its error once no other page is still running', async () => {
    let running = 0;
    let calls = 0;
    let runningWhenRejected = -1;
    const outcome = importWith(async () => {
      calls += 1;
      running += 1;
      try {
        await new Promise((resolve) => setTimeout(resolve, calls === 2 ? 10 : 80));
        if (calls === 2) throw new Error('page two refused');
      } finally {
        running -= 1;
      }
    }).catch((error: Error) => {
      runningWhenRejected = running;
      return error;
    });
    expect(((await outcome) as Error).message).toBe('page two refused');
    expect(runningWhenRejected).toBe(0);
    expect(calls).toBeLessThan(4);
  });
});
