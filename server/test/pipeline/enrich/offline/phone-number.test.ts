import { describe, expect, it } from 'vitest';
import { parsePhone } from '../../../../src/pipeline/enrich/offline/phone-number';
import { phoneType } from '../../../../src/pipeline/enrich/offline/phone-type';

describe('parsePhone', () => {
  it.each([
    ['(415) 555-0132', undefined, 'US', '+14155550132'],
    ['415.555.0132', undefined, 'US', '+14155550132'],
    ['415-555-0132', undefined, 'US', '+14155550132'],
    ['1 (415) 555-0132', undefined, 'US', '+14155550132'],
    ['+1 (212) 555-2368', undefined, 'US', '+12125552368'],
    ['+44 20 7946 0958', undefined, 'US', '+442079460958'],
    ['020 7946 0958', 'GB', 'US', '+442079460958'],
    ['00 44 20 7946 0958', 'DE', 'US', '+442079460958'],
    ['001 415 555 0132', 'GB', 'US', '+14155550132'],
    ['030 123456', 'DE', 'US', '+4930123456'],
    ['01 23 45 67 89', 'FR', 'US', '+33123456789'],
  ])(
    'when the number is "%s" (record region %s, default %s), then E.164 is %s',
    (raw, recordRegion, defaultRegion, e164) => {
      expect(parsePhone(raw, recordRegion, defaultRegion)?.e164).toBe(e164);
    },
  );

  it.each([['(415) 555-0132 x123'], ['(415) 555-0132 ext. 123'], ['415-555-0132 extension 123']])(
    'when the number "%s" has an extension, then E.164 leaves it out',
    (raw) => {
      expect(parsePhone(raw, undefined, 'US')?.e164).toBe('+14155550132');
    },
  );

  it.each([['555-0132'], ['12'], ['not a phone'], ['1-800-FLOWERS-NOW-PLEASE'], ['+44 20 7946'], [''], ['   ']])(
    'when the value is "%s", then there is no number',
    (raw) => {
      expect(parsePhone(raw, undefined, 'US')).toBeUndefined();
    },
  );

  it('when the value is null or undefined, then there is no number', () => {
    expect(parsePhone(null, 'US', 'US')).toBeUndefined();
    expect(parsePhone(undefined, 'US', 'US')).toBeUndefined();
  });

  it('when a national number is read with the record region, then that region wins over the default', () => {
    expect(parsePhone('020 7946 0958', 'GB', 'US')).toMatchObject({
      e164: '+442079460958',
      regionSource: 'record_country',
    });
  });

  it('when the record has no region, then a national number is read in the default region', () => {
    expect(parsePhone('(415) 555-0132', undefined, 'US')).toMatchObject({ regionSource: 'default_region' });
  });

  it('when the record region is not a phone region, then the default region is used', () => {
    expect(parsePhone('(415) 555-0132', 'XX', 'US')?.e164).toBe('+14155550132');
  });

  it('when the number carries its country code, then it is international whatever the regions say', () => {
    expect(parsePhone('+44 20 7946 0958', 'US', 'US')).toMatchObject({ regionSource: 'international' });
    expect(parsePhone('+1 415 555 0132', 'US', 'US')).toMatchObject({ regionSource: 'international' });
    expect(parsePhone('0044 20 7946 0958', 'FR', 'US')).toMatchObject({ regionSource: 'international' });
  });

  it("when the same text is read again in other regions, then each reading is its regions' (not the one remembered)", () => {
    const text = '020 7946 0958 ';
    expect(parsePhone(text, 'GB', 'US')).toMatchObject({ e164: '+442079460958', regionSource: 'record_country' });
    expect(parsePhone(text, 'GB', 'US')).toMatchObject({ e164: '+442079460958', regionSource: 'record_country' });
    // No record region: read in the default region, where it is no valid number.
    expect(parsePhone(text, undefined, 'US')).toBeUndefined();
    expect(parsePhone(text, undefined, 'GB')).toMatchObject({ e164: '+442079460958', regionSource: 'default_region' });
    expect(parsePhone(text, 'DE', 'GB')?.e164).not.toBe('+442079460958');
    expect(parsePhone(text, 'GB', 'US')).toMatchObject({ e164: '+442079460958', regionSource: 'record_country' });
  });
});

describe('phoneType', () => {
  const typeOf = (raw: string, region?: string) => {
    const parsed = parsePhone(raw, region, 'US');
    return parsed && phoneType(parsed.numberType);
  };

  it.each([
    ['+44 7400 123456', 'mobile'],
    ['+31 6 12345678', 'mobile'],
    ['+44 20 7946 0958', 'fixed_line'],
    ['+49 30 123456', 'fixed_line'],
    ['(415) 555-0132', 'fixed_line_or_mobile'],
    ['+1 800 555 0199', 'toll_free'],
    ['+44 800 123 4567', 'toll_free'],
    ['+44 56 1234 5678', 'voip'],
  ])('when the number is %s, then its type is %s', (raw, expected) => {
    expect(typeOf(raw)).toBe(expected);
  });

  it('when a UK national toll-free number is read with the record country, then it is toll_free', () => {
    expect(typeOf('0800 123 4567', 'GB')).toBe('toll_free');
  });

  it('when libphonenumber gives a type we do not name, then it is other', () => {
    expect(phoneType('PREMIUM_RATE')).toBe('other');
    expect(phoneType('SHARED_COST')).toBe('other');
    expect(phoneType(undefined)).toBe('other');
  });
});
