import { describe, expect, it } from 'vitest';
import { countryToAlpha2 } from '../../../../src/pipeline/enrich/offline/country-code';

describe('countryToAlpha2', () => {
  it.each([
    ['United States', 'US'],
    ['United States of America', 'US'],
    ['united states', 'US'],
    ['USA', 'US'],
    ['U.S.', 'US'],
    ['U.S.A.', 'US'],
    ['US', 'US'],
    ['us', 'US'],
    ['United Kingdom', 'GB'],
    ['UK', 'GB'],
    ['U.K.', 'GB'],
    ['Great Britain', 'GB'],
    ['England', 'GB'],
    ['Scotland', 'GB'],
    ['GB', 'GB'],
    ['GBR', 'GB'],
    ['Germany', 'DE'],
    ['Deutschland', 'DE'],
    ['DEU', 'DE'],
    ['España', 'ES'],
    ['Brasil', 'BR'],
    ['The Netherlands', 'NL'],
    ['Holland', 'NL'],
    ['South Korea', 'KR'],
    ['Trinidad & Tobago', 'TT'],
    ['St. Lucia', 'LC'],
    ['  France  ', 'FR'],
  ])('when the country is "%s", then the code is %s', (raw, expected) => {
    expect(countryToAlpha2(raw)).toBe(expected);
  });

  it.each([['Narnia'], ['XX'], ['ZZZ'], [''], ['   '], [null], [undefined]])(
    'when the country is %j, then there is no code',
    (raw) => {
      expect(countryToAlpha2(raw)).toBeUndefined();
    },
  );
});
