import { describe, expect, it } from 'vitest';
import {
  hashedIdentifiers,
  normalizeEmailForGoogle,
  normalizeEmailForMeta,
  normalizePhone,
  sha256Hex,
} from '../../../../../src/pipeline/action/targets/ad-audience/ad-identifiers';

// Golden digests: docs/ad-audiences-reference.md §3 (computed with openssl from the platforms' example inputs).
const DANA = '07e2f1394b0ea80e2adca010ea8318df697001a005ba7452720edda4b0ce57b3';
const GOOGLE_800 = '61d6c2976b5d92b1ad63073a12fddd26040cd980067d03a93dd1cc50f1a3ac68';
const GOOGLE_650 = 'e101d1333c2310c83a1f96c4e0c12aa18b151ee0baaa2db3998ee3797d74b685';
const META_800 = 'cc4160cbb01658fcff52a57f3403e0e9c7a4735cff1574df41ee3f3036697468';
const META_650 = 'bd7b52a0fffc6680469135b69d575132a985a745c9c5bb754c0a00b4cd0c73fe';

describe('ad identifiers: normalisation and hashing as the platforms document them', () => {
  it('hashes as lowercase hex, matching the one digest a platform page publishes (X Ads: "adsapi")', () => {
    expect(sha256Hex('adsapi')).toBe('49e0be2aeccfb51a8dee4c945c8a70a9ac500cf6f5cb08112575f74db9b1470d');
  });

  it('Google email: trims and lowercases, keeps Gmail dots (Customer Match has no dot rule)', () => {
    expect(normalizeEmailForGoogle('  Dana@Example.com ')).toBe('dana@example.com');
    expect(normalizeEmailForGoogle('Jane.Doe@Gmail.com')).toBe('jane.doe@gmail.com');
    expect(normalizeEmailForGoogle('not an email')).toBeUndefined();
  });

  it('Meta email: trims whitespace and dots at the ends like the SDK, lowercases', () => {
    expect(normalizeEmailForMeta('\tDana@Example.com.\n')).toBe('dana@example.com');
  });

  it('Google phone is E.164 with "+", Meta phone is the same digits without it', () => {
    expect(normalizePhone('google', '+1 800 5550101', undefined, 'US')).toBe('+18005550101');
    expect(normalizePhone('meta', '+1 800 5550101', undefined, 'US')).toBe('18005550101');
    expect(normalizePhone('google', '(650) 253-1234', undefined, 'US')).toBe('+16502531234');
    // A national number with a leading zero: the zero goes, the country code comes from the record's country.
    expect(normalizePhone('meta', '020 7946 0958', 'GB', 'US')).toBe('442079460958');
    expect(normalizePhone('google', '12', undefined, 'US')).toBeUndefined();
  });

  it('gives the golden digests for the docs example record', () => {
    const record = { Email: ' Dana@Example.com ', Phone: '+1 800 5550101' };
    expect(hashedIdentifiers('google', record, 'US')).toEqual({ email: DANA, phone: GOOGLE_800 });
    expect(hashedIdentifiers('meta', record, 'US')).toEqual({ email: DANA, phone: META_800 });
    const national = { Phone: '(650) 253-1234', MailingCountry: 'United States' };
    expect(hashedIdentifiers('google', national, 'FR')).toEqual({ phone: GOOGLE_650 });
    expect(hashedIdentifiers('meta', national, 'FR')).toEqual({ phone: META_650 });
  });

  it('falls back to MobilePhone and gives nothing for a record without a usable identifier', () => {
    expect(hashedIdentifiers('meta', { Phone: 'n/a', MobilePhone: '+1 650 253 1234' }, 'US')).toEqual({
      phone: META_650,
    });
    expect(hashedIdentifiers('google', { Email: 'unknown', Phone: null }, 'US')).toEqual({});
  });
});
