/**
 * Which part of the server owns a Redis key, from the segment after the prefix (server/src/state/key-space.ts and the
 * stores that build their own keys). The bench sums `MEMORY USAGE` per family so each state change shows in numbers.
 */
export const REDIS_FAMILIES = [
  'mirror',
  'ledger',
  'echo',
  'provenance',
  'membership',
  'intake',
  'caches',
  'queues',
  'other',
] as const;

export type RedisFamily = (typeof REDIS_FAMILIES)[number];

const BY_SEGMENT: Record<string, RedisFamily> = {
  mirror: 'mirror',
  'account-contacts': 'mirror',
  record: 'mirror',
  ledger: 'ledger',
  echo: 'echo',
  echoes: 'echo',
  provenance: 'provenance',
  members: 'membership',
  'members-seeded': 'membership',
  names: 'mirror',
  intake: 'intake',
  enrich: 'caches',
  slack: 'caches',
  // BullMQ queues (server/src/queues/queue-names.ts): BullMQ adds `:<queue>:…` after the prefix.
  membership: 'queues',
  runs: 'queues',
  signals: 'queues',
};

export function familyOf(prefix: string, key: string): RedisFamily {
  const rest = key.startsWith(`${prefix}:`) ? key.slice(prefix.length + 1) : key;
  const segment = rest.split(':', 1)[0] ?? '';
  // `enrich` is both a cache family (`enrich:cache:…`) and a queue (`enrich:<bull key>`): the cache keys say so.
  if (segment === 'enrich') {
    const second = rest.split(':', 2)[1] ?? '';
    return ['cache', 'miss', 'hit-rate', 'credits', 'rate', 'rate-block', 'circuit', 'circuit-probe'].includes(second)
      ? 'caches'
      : second === 'run' || second === 'progress'
        ? 'other'
        : 'queues';
  }
  return BY_SEGMENT[segment] ?? 'other';
}

export type FamilyBytes = Record<RedisFamily, { bytes: number; keys: number }>;

export function emptyFamilies(): FamilyBytes {
  return Object.fromEntries(REDIS_FAMILIES.map((family) => [family, { bytes: 0, keys: 0 }])) as FamilyBytes;
}
