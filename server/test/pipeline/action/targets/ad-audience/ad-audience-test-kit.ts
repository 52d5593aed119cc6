/** What the Ad_Audience target tests share: a Redis under a prefix of their own, applications, cleanup. */
import { Redis } from 'ioredis';
import { createLogger } from '../../../../../src/lib/logger';
import {
  applicationKey,
  type ActionApplication,
  type ActionOperation,
} from '../../../../../src/pipeline/action/action-target';
import type { AdAudienceSettings } from '../../../../../src/pipeline/action/targets/ad-audience/ad-audience-settings';
import type { FieldValue, RecordObject } from '../../../../../src/domain/mirror-record';
import { TEST_REDIS_URL, uniquePrefix } from '../../../../support/redis-test';

export const silentLogger = createLogger({ level: 'silent' });

export async function connectRedis(label: string): Promise<{ redis: Redis; prefix: string; cleanup(): Promise<void> }> {
  const redis = new Redis(TEST_REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 });
  await redis.connect();
  const prefix = uniquePrefix(label);
  return {
    redis,
    prefix,
    async cleanup() {
      // Only this test's keys: everything under its own prefix.
      let cursor = '0';
      do {
        const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
        if (keys.length > 0) await redis.del(...keys);
        cursor = next;
      } while (cursor !== '0');
      await redis.quit();
    },
  };
}

let counter = 0;

/** A Contact id of its own per call. */
export function nextContactId(): string {
  counter += 1;
  return `003${String(counter).padStart(12, '0')}AAA`;
}

export function application(options: {
  settings: AdAudienceSettings;
  target: string;
  fields: Record<string, FieldValue>;
  operation?: ActionOperation;
  object?: RecordObject;
  actionId?: string;
  previousExternalId?: string;
}): ActionApplication<AdAudienceSettings> {
  const operation = options.operation ?? 'apply';
  const recordId = nextContactId();
  const actionId = options.actionId ?? 'a0A000000000001AAA';
  const episodeKey = `${recordId}-1`;
  return {
    key: applicationKey(actionId, episodeKey, operation),
    operation,
    action: {
      id: actionId,
      name: 'Ads list',
      type: 'Ad_Audience',
      audienceId: 'a01000000000001AAA',
      target: options.target,
      onExit: 'Remove',
      settings: options.settings,
    },
    audience: { id: 'a01000000000001AAA', name: 'Hot leads' },
    record: { id: recordId, object: options.object ?? 'Contact', fields: options.fields },
    episodeKey,
    occurredAt: '2026-10-01T12:00:00.000Z',
    attempt: 1,
    ...(options.previousExternalId ? { previousExternalId: options.previousExternalId } : {}),
  };
}
