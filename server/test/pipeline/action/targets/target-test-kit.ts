import { Redis } from 'ioredis';
import { createLogger, type Logger } from '../../../../src/lib/logger';
import type { FieldValue, RecordObject } from '../../../../src/domain/mirror-record';
import {
  applicationKey,
  type ActionApplication,
  type ActionConfig,
  type ActionOperation,
  type ActionType,
} from '../../../../src/pipeline/action/action-target';
import { deletePrefixedKeys, TEST_REDIS_URL, uniquePrefix } from '../../../support/redis-test';

export const silentLogger: Logger = createLogger({ level: 'silent' });

/** A Redis connection with a prefix no other test uses; `cleanup` deletes every key under it. */
export async function openTargetRedis(
  label: string,
): Promise<{ redis: Redis; prefix: string; cleanup: () => Promise<void> }> {
  const redis = new Redis(TEST_REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 });
  await redis.connect();
  const prefix = uniquePrefix(label);
  return {
    redis,
    prefix,
    async cleanup() {
      await deletePrefixedKeys(redis, prefix);
      await redis.quit();
    },
  };
}

/** A clock tests move by hand. */
export class ManualClock {
  constructor(public ms: number) {}
  static at(iso: string): ManualClock {
    return new ManualClock(Date.parse(iso));
  }
  readonly now = (): number => this.ms;
  advance(ms: number): void {
    this.ms += ms;
  }
}

export interface ApplicationOverrides<Settings> {
  type?: ActionType;
  target?: string;
  settings?: Settings;
  operation?: ActionOperation;
  episodeKey?: string;
  attempt?: number;
  previousExternalId?: string;
  appliedExternalId?: string;
  occurredAt?: string;
  object?: RecordObject;
  fields?: Record<string, FieldValue>;
  actionId?: string;
}

/** One application of an action to a Contact entering "Hot leads", with overrides. */
export function buildApplication<Settings>(
  settings: Settings,
  overrides: ApplicationOverrides<Settings> = {},
): ActionApplication<Settings> {
  const operation = overrides.operation ?? 'apply';
  const actionId = overrides.actionId ?? 'a05000000000001AAA';
  const episodeKey = overrides.episodeKey ?? 'a01000000000001AAA-003000000000001AAA-1';
  const action: ActionConfig<Settings> = {
    id: actionId,
    name: 'Test action',
    type: overrides.type ?? 'Webhook',
    audienceId: 'a01000000000001AAA',
    target: overrides.target ?? '',
    onExit: 'Remove',
    settings: overrides.settings ?? settings,
  };
  return {
    key: applicationKey(actionId, episodeKey, operation),
    operation,
    action,
    audience: { id: 'a01000000000001AAA', name: 'Hot leads' },
    record: {
      id: '003000000000001AAA',
      object: overrides.object ?? 'Contact',
      fields: overrides.fields ?? {
        Email: 'olivia.martin@acme.com',
        FirstName: 'Olivia',
        LastName: 'Martin',
        Title: 'VP Sales',
        HasOptedOutOfEmail: false,
      },
    },
    episodeKey,
    occurredAt: overrides.occurredAt ?? '2026-11-28T12:00:00.000Z',
    attempt: overrides.attempt ?? 1,
    ...(overrides.previousExternalId ? { previousExternalId: overrides.previousExternalId } : {}),
    ...(overrides.appliedExternalId ? { appliedExternalId: overrides.appliedExternalId } : {}),
  };
}

/** Resolves once `condition` holds, checking on each turn of the event loop (a generous deadline, not a timing). */
export async function eventually(condition: () => boolean, label: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`never happened: ${label}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/**
 * A fetch that holds each POST to a path ending in `pathEnd` (query aside) until `before` resolves, and calls `after`
 * once its answer came: the test decides in which order racing POSTs reach the fake.
 */
export function pausingPosts(pathEnd: string, before: () => Promise<void>, after?: () => void): typeof fetch {
  return async (input, init) => {
    const url = input instanceof Request ? input.url : String(input);
    const posting = init?.method === 'POST' && new URL(url).pathname.endsWith(pathEnd);
    if (posting) await before();
    const response = await fetch(input, init);
    if (posting) after?.();
    return response;
  };
}
