/** A fixed clock for the provider tests: fetchedAt and Retry-After dates are read against it. */
export const FIXED_NOW = new Date('2026-11-28T12:00:00.000Z');
export const fixedNow = () => FIXED_NOW;
