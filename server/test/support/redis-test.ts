import { randomUUID } from 'node:crypto';

/** The Redis every integration test talks to: `REDIS_URL`, or the local default. */
export const TEST_REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

/** A key prefix no other test (or person) uses, so tests never need to flush a shared database. */
export function uniquePrefix(label = 'test'): string {
  return `{t-${label}-${randomUUID().slice(0, 8)}}`;
}
