import { z } from 'zod';

/** What one process does; a deployment runs each role somewhere (docs/deploy.md). */
export const ROLES = ['api', 'worker', 'stream', 'scheduler'] as const;
export type Role = (typeof ROLES)[number];

const isRole = (value: string): value is Role => (ROLES as readonly string[]).includes(value);

/**
 * `ROLE`: `all` (every role, the default) or a comma list such as `api,worker`. Order and repeats do not matter; the
 * result is the roles in their canonical order, so logs and /readyz read the same whatever was typed.
 */
export const roleSetting = z
  .string()
  .default('all')
  .transform((value, ctx): Role[] => {
    const words = value
      .split(',')
      .map((word) => word.trim().toLowerCase())
      .filter((word) => word !== '');
    if (words.length === 1 && words[0] === 'all') return [...ROLES];
    const unknown = words.filter((word) => !isRole(word));
    if (words.length === 0 || unknown.length > 0) {
      ctx.addIssue({
        code: 'custom',
        message: `${unknown.length > 0 ? `unknown role ${unknown.map((w) => `"${w}"`).join(', ')}; ` : ''}must be all or a comma list of ${ROLES.join(', ')}`,
      });
      return z.NEVER;
    }
    return ROLES.filter((role) => words.includes(role));
  });

/**
 * How long a lease lives without renewal (ms). A crashed holder is replaced within about this long; the holder renews
 * every third of it, and stand-bys ask about every quarter (at most once a second).
 */
export const leaseTtlSetting = z.coerce.number().int().min(1_000, 'must be at least 1000 (ms)').default(10_000);

export interface LeaseTimings {
  ttlMs: number;
  renewMs: number;
  pollMs: number;
}

export function leaseTimings(ttlMs: number): LeaseTimings {
  return { ttlMs, renewMs: Math.floor(ttlMs / 3), pollMs: Math.min(1_000, Math.floor(ttlMs / 4)) };
}
