/**
 * A real org stamps SystemModstamp in whole seconds, so records changed after the watermark (the last change seen)
 * can carry the very same stamp as the watermark. The reconciler must still read them, and a later read of a
 * record changed again within that second must replace the mirror's copy.
 */
import { Redis } from 'ioredis';
import type { Connection } from 'jsforce';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSalesforceEmulator, type RunningEmulator } from '../../../../../test/emulators/salesforce';
import type { SourceConfig } from '../../../../src/config/loop-config';
import { createLogger } from '../../../../src/lib/logger';
import { MirrorStore } from '../../../../src/pipeline/import/mirror-store';
import { reconcileSince } from '../../../../src/pipeline/import/intake/reconciler';
import { connectSalesforce } from '../../../../src/salesforce/auth/connection-factory';
import { OrgClient } from '../../../../src/salesforce/org-client';
import { DescribeCache } from '../../../../src/salesforce/schema/describe-cache';
import { KeySpace } from '../../../../src/state/key-space';
import { TEST_REDIS_URL, uniquePrefix } from '../../../support/redis-test';

const logger = createLogger({ level: 'silent' });
const source: SourceConfig = { id: 'a0S000000000002AAA', name: 'All contacts', object: 'Contact', filter: { all: [] } };
const fields = {
  object: 'Contact' as const,
  fields: ['Id', 'LastName', 'Title', 'SystemModstamp'],
  parentFields: [],
  missing: [],
};

let emulator: RunningEmulator;
let conn: Connection;
let redis: Redis;
const keys = new KeySpace(uniquePrefix('reconcile-seconds'));

beforeAll(async () => {
  emulator = await startSalesforceEmulator({ seed: 'none' });
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

interface Written {
  watermark: number;
  ids: string[];
  stamps: Set<string>;
}

/** A is changed (its commit is the watermark), then B, C and A again in later transactions of the same second. */
async function changeWithinOneSecond(mirror: MirrorStore): Promise<Written> {
  const clock = emulator.org.clock;
  clock.advance(1000 - (clock.now() % 1000)); // start of a second: the four writes below take a few ms
  const commits: number[] = [];
  const off = emulator.context.events.onCommit((tx) => commits.push(tx.commitTimestamp));
  try {
    const a = (await conn.sobject('Contact').create({ LastName: 'A', Title: 'first' })).id!;
    const aRow = (await conn.sobject('Contact').retrieve(a)) as Record<string, unknown>;
    await mirror.putMany([
      {
        id: a,
        object: 'Contact',
        fields: { Id: a, LastName: 'A', Title: 'first', SystemModstamp: aRow.SystemModstamp as string },
      },
    ]);
    const b = (await conn.sobject('Contact').create({ LastName: 'B' })).id!;
    const c = (await conn.sobject('Contact').create({ LastName: 'C' })).id!;
    await conn.sobject('Contact').update({ Id: a, Title: 'second' });
    const rows = await conn.query<{ SystemModstamp: string }>(
      `SELECT SystemModstamp FROM Contact WHERE Id IN ('${a}','${b}','${c}')`,
    );
    return { watermark: commits[0]!, ids: [a, b, c], stamps: new Set(rows.records.map((r) => r.SystemModstamp)) };
  } finally {
    off();
  }
}

describe('reconciler under whole-second SystemModstamp', () => {
  it('reads every record changed in the watermark second, and the newest read replaces an equal-stamp copy', async () => {
    const mirror = new MirrorStore(redis, keys);
    let written = await changeWithinOneSecond(mirror);
    // The org clock is aligned to a second, but a very slow machine could still cross it: then write again.
    for (let attempt = 0; written.stamps.size !== 1 && attempt < 3; attempt++)
      written = await changeWithinOneSecond(mirror);
    expect(written.stamps.size).toBe(1);
    expect(written.watermark % 1000).toBe(0);

    const describes = new DescribeCache(conn);
    const result = await reconcileSince({
      org: new OrgClient(conn),
      source,
      fields,
      describe: await describes.describe('Contact'),
      accountDescribe: undefined,
      mirror,
      since: new Date(written.watermark),
      now: new Date(emulator.org.clock.now()),
      logger,
    });
    expect(result.changed.map((r) => r.id)).toEqual(expect.arrayContaining(written.ids));
    const a = await mirror.get('Contact', written.ids[0]!);
    expect(a?.fields.Title).toBe('second');
  });
});
