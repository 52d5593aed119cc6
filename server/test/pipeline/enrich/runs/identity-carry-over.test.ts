import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rememberUnderNewIdentity } from '../../../../src/pipeline/enrich/runs/identity-carry-over';
import { EnrichmentCache } from '../../../../src/pipeline/enrich/waterfall/enrichment-cache';
import type { WaterfallResult } from '../../../../src/pipeline/enrich/waterfall/waterfall';
import { openTestRedis, value } from '../waterfall/waterfall-test-kit';

let env: Awaited<ReturnType<typeof openTestRedis>>;

beforeAll(async () => {
  env = await openTestRedis('enrich-carry-over');
});

afterAll(() => env.cleanup());

const result = (values: WaterfallResult['values']): WaterfallResult => ({
  values,
  winners: {},
  fromCache: [],
  calls: [],
  errors: [],
  skipped: [],
  rejected: [],
  stoppedEarly: [],
  missing: [],
});

describe('rememberUnderNewIdentity', () => {
  it('finds values bought by name and domain again once the won email is the record email', async () => {
    const cache = new EnrichmentCache(env.redis, { prefix: env.prefix });
    const input = { FirstName: 'Olivia', LastName: 'Martin', Website: 'acme.com' };
    const email = value('person.work_email', 'olivia.martin@acme.com', 0.9, 'hunter');
    const title = value('person.title', 'Head of Sales', 0.8, 'pdl');
    await rememberUnderNewIdentity({ cache }, input, result([email, title]));
    const after = await cache.lookup(['person.work_email', 'person.title'], { ...input, Email: email.value });
    expect(after.get('person.work_email')).toMatchObject({ kind: 'hit', cached: { value: { provider: 'hunter' } } });
    expect(after.get('person.title')).toMatchObject({ kind: 'hit', cached: { value: { value: 'Head of Sales' } } });
  });

  it('does nothing for a record that already has an email', async () => {
    const cache = new EnrichmentCache(env.redis, { prefix: env.prefix });
    const input = { Email: 'lucas@acme.com', FirstName: 'Lucas' };
    await rememberUnderNewIdentity({ cache }, input, result([value('person.title', 'VP Sales', 0.8, 'pdl')]));
    const found = await cache.lookup(['person.title'], input);
    expect(found.get('person.title')?.kind).toBe('miss');
  });
});
