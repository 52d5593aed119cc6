import { describe, expect, it } from 'vitest';
import { loadEnv } from '../../src/env/env';
import { leaseTimings } from '../../src/env/role-setting';

describe('ROLE and LEASE_TTL_MS', () => {
  it('when ROLE is unset, empty or all, then the process has every role', () => {
    for (const value of [undefined, '', '  ', 'all', 'ALL']) {
      expect(loadEnv({ ROLE: value }).ROLE).toEqual(['api', 'worker', 'stream', 'scheduler']);
    }
  });

  it('when ROLE is a comma list, then the roles come back once each, in their canonical order', () => {
    expect(loadEnv({ ROLE: 'stream' }).ROLE).toEqual(['stream']);
    expect(loadEnv({ ROLE: 'worker, api' }).ROLE).toEqual(['api', 'worker']);
    expect(loadEnv({ ROLE: 'scheduler,stream,stream,' }).ROLE).toEqual(['stream', 'scheduler']);
  });

  it('when ROLE names an unknown role, then the error names the variable, the word and the choices', () => {
    expect(() => loadEnv({ ROLE: 'api,web' })).toThrow(
      /ROLE: unknown role "web"; must be all or a comma list of api, worker, stream, scheduler \(e\.g\. ROLE=all/,
    );
    expect(() => loadEnv({ ROLE: 'all,api' })).toThrow(/ROLE: unknown role "all"/);
    expect(() => loadEnv({ ROLE: ',' })).toThrow(/ROLE: must be all or a comma list/);
  });

  it('when LEASE_TTL_MS is set, then renewals and stand-by polls follow it; below a second it is refused', () => {
    expect(loadEnv({}).LEASE_TTL_MS).toBe(10_000);
    expect(leaseTimings(loadEnv({ LEASE_TTL_MS: '3000' }).LEASE_TTL_MS)).toEqual({
      ttlMs: 3_000,
      renewMs: 1_000,
      pollMs: 750,
    });
    expect(leaseTimings(10_000)).toEqual({ ttlMs: 10_000, renewMs: 3_333, pollMs: 1_000 });
    expect(() => loadEnv({ LEASE_TTL_MS: '500' })).toThrow(/LEASE_TTL_MS: must be at least 1000/);
  });
});
