import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AudienceCommand } from '../../src/commands/audience-command';
import { refusalOf } from '../../src/commands/command-authority';
import { RecordRequestLimit } from '../../src/commands/record-request-limit';
import { KeySpace } from '../../src/state/key-space';
import { createRedis } from '../../src/state/redis';
import { TEST_REDIS_URL, uniquePrefix } from '../support/redis-test';

const REP = '005Hs0000000003IAA';
const ADMIN = '005Hs0000000001IAA';
const LEAD = '00QHs0000000001IAA';

let redis: Redis;
let limit: RecordRequestLimit;
const keys = new KeySpace(uniquePrefix('command-authority'));

const recordRequest = (fields: Partial<AudienceCommand>): AudienceCommand => ({
  command: 'ENRICH_RECORD',
  source: 'Audience_Record_Request__e',
  requestedBy: REP,
  recordId: LEAD,
  ...fields,
});

beforeAll(async () => {
  redis = createRedis(TEST_REDIS_URL, { name: 'command-authority-test' });
  await redis.connect();
  limit = new RecordRequestLimit(redis, keys, { perHour: 1 });
});

afterAll(async () => {
  await redis.del(keys.recordRequests(REP), keys.recordRequests(ADMIN));
  redis.disconnect();
});

describe('what each command event may carry', () => {
  it('when an admin command arrives on the record-request event, then it is refused before it counts', async () => {
    for (const command of ['RUN_IMPORT', 'RUN_ENRICHMENT', 'RELOAD_CONFIG', 'DRY_RUN_EXPORT'] as const) {
      expect(await refusalOf(recordRequest({ command }), limit)).toBe('admin_command_on_record_request');
    }
    expect(await redis.exists(keys.recordRequests(REP))).toBe(0);
  });

  it('when a record request names something other than a Contact, Lead or Account, or the wrong object, then it is refused', async () => {
    expect(await refusalOf(recordRequest({ recordId: 'a01Hs0000000001IAA' }), limit)).toBe('unsupported_record');
    expect(await refusalOf(recordRequest({ object: 'Contact' }), limit)).toBe('object_mismatch');
  });

  it('when a requester is over the limit, then the next record request is refused; admin commands are never counted', async () => {
    expect(await refusalOf(recordRequest({ eventUuid: 'one', object: 'Lead' }), limit)).toBeUndefined();
    expect(await refusalOf(recordRequest({ eventUuid: 'two' }), limit)).toBe('record_request_limit');
    // Audience_Command__e: only admins (and the config triggers) can publish it, so it is not limited.
    const admin = { source: 'Audience_Command__e', requestedBy: ADMIN } as const;
    expect(await refusalOf(recordRequest({ ...admin, eventUuid: 'three' }), limit)).toBeUndefined();
    expect(
      await refusalOf(recordRequest({ ...admin, command: 'RUN_IMPORT', recordId: undefined }), limit),
    ).toBeUndefined();
    expect(await redis.exists(keys.recordRequests(ADMIN))).toBe(0);
  });
});
