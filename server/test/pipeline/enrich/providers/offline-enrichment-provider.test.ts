import { describe, expect, it } from 'vitest';
import { attributeValueSchema } from '../../../../src/domain/attributes';
import { OFFLINE_ATTRIBUTE_KEYS } from '../../../../src/pipeline/enrich/offline/offline-provider';
import { createOfflineProvider } from '../../../../src/pipeline/enrich/providers/offline-enrichment-provider';
import { fixedNow } from './fixed-clock';

const offline = createOfflineProvider({ defaultRegion: 'US', now: fixedNow });

describe('the offline provider', () => {
  it('when the record has inputs, then the offline values come back as a free match', async () => {
    const outcome = await offline.enrich({
      input: { Email: 'Jane.Doe@ACME.com', Title: 'VP of Sales' },
      wanted: ['person.email_normalized', 'person.seniority', 'person.work_email'],
    });
    expect(outcome).toMatchObject({ kind: 'match', creditsCharged: 0 });
    const values = outcome.kind === 'match' ? outcome.values : [];
    expect(values.map((value) => [value.key, value.value])).toEqual([
      ['person.email_normalized', 'Jane.Doe@acme.com'],
      ['person.seniority', 'VP'],
    ]);
    for (const value of values) attributeValueSchema.parse({ ...value });
    expect(values[0]).toMatchObject({ provider: 'offline', fetchedAt: fixedNow().toISOString() });
  });

  it('when nothing can be computed, then it is a free no match', async () => {
    expect(await offline.enrich({ input: { Email: null }, wanted: ['person.email_status'] })).toEqual({
      kind: 'no_match',
      creditsCharged: 0,
    });
  });

  it('when a field holds a boolean, then it counts as absent rather than failing', async () => {
    expect(await offline.enrich({ input: { Email: true }, wanted: ['person.email_normalized'] })).toEqual({
      kind: 'no_match',
      creditsCharged: 0,
    });
  });

  it('when described, then it costs nothing and produces the offline attributes', () => {
    expect(offline.descriptor).toMatchObject({ id: 'offline', cost: { perCall: 0, perMatch: 0 } });
    expect(offline.descriptor.produces).toEqual(OFFLINE_ATTRIBUTE_KEYS);
    expect(offline.descriptor.inputFields).toContain('Account.Website');
  });

  it('when the default region is not a phone region, then creating it fails at start', () => {
    expect(() => createOfflineProvider({ defaultRegion: 'XX', now: fixedNow })).toThrow(RangeError);
  });
});
