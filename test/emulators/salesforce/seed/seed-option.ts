import { generateDemoOrg } from './demo-org';
import { generateScaledOrg } from './scaled-org';
import type { SeedData } from './types';

/** The largest `--seed <N>` accepted: beyond it the in-memory emulator stops being a quick local org. */
export const MAX_SCALED_CONTACTS = 1_000_000;

/**
 * The org a `--seed` value asks for: `demo` (also when absent) is the demo org, a whole number N is
 * `generateScaledOrg(N)`. Anything else throws an error that says what is accepted.
 */
export function seedDataFor(option: string | undefined): SeedData {
  const value = (option ?? 'demo').trim();
  if (value === '' || value === 'demo') return generateDemoOrg();
  if (/^\d+$/.test(value)) {
    const contacts = Number(value);
    if (contacts <= MAX_SCALED_CONTACTS) return generateScaledOrg(contacts);
  }
  throw new RangeError(
    `--seed must be "demo" or a number of contacts from 0 to ${MAX_SCALED_CONTACTS}, got "${value}"`,
  );
}
