import {
  getCountries,
  getCountryCallingCode,
  parsePhoneNumberFromString,
  type CountryCode,
} from 'libphonenumber-js/max';
import examples from 'libphonenumber-js/examples.mobile.json';
import { describe, expect, it } from 'vitest';
import { readPlainPhoneNumber } from '../../../../src/pipeline/enrich/offline/phone-number-reader';
import { nearbyNumbers, prng } from './nearby-phone-numbers';

/** The digits in groups of 2–4 joined by `separator`, the first group in brackets when asked. */
function grouped(digits: string, separator: string, random: () => number, bracketFirst = false): string {
  const groups: string[] = [];
  for (let at = 0; at < digits.length;) {
    const size = 2 + Math.floor(random() * 3);
    groups.push(digits.slice(at, at + size));
    at += size;
  }
  if (bracketFirst && groups.length > 1) groups[0] = `(${groups[0]})`;
  return groups.join(separator);
}

const SEPARATORS = [' ', '-', '.', '/', ''];
const EXTENSION_LABELS = [' x', 'x', ' X ', ' ext. ', ' ext ', ' EXT.', ' ext.', ' extension ', ' # ', ' ext: '];
const OTHER_REGIONS: CountryCode[] = ['US', 'GB', 'DE', 'FR', 'CA', 'AU', 'IN', 'BR', 'JP', 'RU', 'IT', 'AR', 'MX'];

/** Texts and the region they are read in: every country's numbers as CRM users write them, and ones that fail. */
function cases(): [text: string, region: CountryCode | undefined][] {
  const random = prng(20);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const out: [string, CountryCode | undefined][] = [];
  for (const country of getCountries()) {
    const callingCode = getCountryCallingCode(country);
    const example = (examples as Record<string, string | undefined>)[country] ?? '2012345678';
    for (const national of nearbyNumbers(example, random, 24)) {
      const wrongRegion = pick(OTHER_REGIONS);
      const parsed = parsePhoneNumberFromString(national, { defaultCountry: country });
      // As the library formats them: nationally (with the national prefix) and internationally.
      if (parsed) {
        out.push([parsed.formatNational(), country], [parsed.formatNational(), wrongRegion]);
        out.push([parsed.formatInternational(), undefined], [parsed.formatInternational(), wrongRegion]);
      }
      out.push([grouped(national, pick(SEPARATORS), random, random() < 0.3), country]);
      out.push([`0${grouped(national, pick(SEPARATORS), random)}`, country]);
      out.push([grouped(national, pick(SEPARATORS), random), wrongRegion]);
      out.push([`+${callingCode} ${grouped(national, pick(SEPARATORS), random, random() < 0.3)}`, pick(OTHER_REGIONS)]);
      out.push([`+${callingCode}${national}`, undefined]);
      out.push([`+${callingCode} (0) ${national}`, country]);
      out.push([`${callingCode} ${national}`, country]);
      out.push([`00${callingCode} ${national}`, country]);
      out.push([`011 ${callingCode} ${national}`, 'US']);
      const extension = String(Math.floor(random() * 99_999));
      out.push([`${grouped(national, ' ', random)} x${extension}`, country]);
      out.push([`+${callingCode} ${national}${pick(EXTENSION_LABELS)}${extension}`, undefined]);
      out.push([`${grouped(national, pick(SEPARATORS), random)}${pick(EXTENSION_LABELS)}${extension}`, wrongRegion]);
      // Shorter ones after a national prefix: which country's possible lengths decide whether it is taken off.
      for (let cut = 1; cut <= 3; cut += 1) {
        out.push([`+${callingCode} 0${national.slice(0, -cut)}`, undefined], [`0${national.slice(0, -cut)}`, country]);
      }
    }
  }
  // Calling codes of no country (international freephone, satellite, …), and ones that do not exist.
  for (const code of ['800', '808', '870', '878', '881', '882', '883', '888', '979', '0', '999', '28']) {
    for (const national of nearbyNumbers('12345678', random, 20)) out.push([`+${code} ${national}`, undefined]);
  }
  // The seed's and a CRM's NANP shapes, short and long digit strings, junk.
  for (let i = 0; i < 400; i += 1) {
    const area = String(200 + Math.floor(random() * 800));
    const line = String(Math.floor(random() * 10_000)).padStart(4, '0');
    const exchange = pick(['555', String(200 + Math.floor(random() * 800))]);
    const region = pick<CountryCode>(['US', 'CA', 'US', 'GB', 'JM']);
    out.push(
      [`(${area}) ${exchange}-${line}`, region],
      [`${area}-${exchange}-${line}`, region],
      [`${area}.${exchange}.${line}`, region],
      [`${area}${exchange}${line}`, region],
      [`+1 ${area} ${exchange} ${line}`, region],
      [`+1 (${area}) ${exchange}-${line}`, undefined],
      [`1-${area}-${exchange}-${line}`, region],
      [`1 (${area}) ${exchange}-${line}${pick(EXTENSION_LABELS)}${line}`, region],
      [`1${area}${exchange}${line.slice(0, 1 + Math.floor(random() * 4))}`, region],
      [`${area}-${exchange}-${line}${pick(EXTENSION_LABELS)}${line.slice(1)}`, region],
      [`${exchange}-${line}`, region],
      [`${'1234567890123456789'.slice(0, 1 + Math.floor(random() * 19))}`, region],
    );
  }
  // A national prefix before a number of a calling code's other country (Isle of Man, Christmas Island, Tristan da
  // Cunha): that country's possible lengths, not the main one's, decide whether the prefix is taken off.
  for (const text of ['+44 07624 12345', '+44 0 7624 1234', '07624 12345', '+61 0 8 9162 123', '+290 0 1234']) {
    out.push([text, undefined], [text, 'GB'], [text, 'IM'], [text, 'AU']);
  }
  out.push(['n/a', 'US'], ['12', 'US'], ['+1', undefined], ['+', 'US'], ['()', 'US'], ['1-800-FLOWERS', 'US']);
  return out;
}

describe('readPlainPhoneNumber', () => {
  it('reads what parsePhoneNumberFromString + getType() read, or leaves the number to the library', () => {
    let read = 0;
    let typed = 0;
    const differing: string[] = [];
    for (const [text, region] of cases()) {
      const reading = readPlainPhoneNumber(text, region);
      if (!reading) continue;
      read += 1;
      const phone = parsePhoneNumberFromString(text, region === undefined ? {} : { defaultCountry: region });
      const expected = phone && { e164: phone.number, country: phone.country, numberType: phone.getType() };
      const actual = { e164: reading.e164, country: reading.country, numberType: reading.numberType };
      if (expected?.numberType !== undefined) typed += 1;
      if (
        JSON.stringify(actual) !== JSON.stringify(expected) ||
        reading.countryCallingCode !== phone?.countryCallingCode
      ) {
        differing.push(`"${text}" in ${region ?? '-'}: ${JSON.stringify(actual)} ≠ ${JSON.stringify(expected)}`);
      }
    }
    expect(differing).toEqual([]);
    // Only worth something if it read many numbers itself, valid ones and others.
    expect(typed).toBeGreaterThan(8000);
    expect(read - typed).toBeGreaterThan(4000);
  });

  it.each([
    ['(415) 555-0132', 'US', '+14155550132', 'US'],
    ['415-555-0132', 'US', '+14155550132', 'US'],
    ['(416) 555-0199', 'US', '+14165550199', 'CA'],
    ['+14155550132', undefined, '+14155550132', 'US'],
    ['+44 20 7946 0958', 'US', '+442079460958', 'GB'],
    ['020 7946 0958', 'GB', '+442079460958', 'GB'],
    ['+44 (0)20 7946 0958', 'US', '+442079460958', 'GB'],
    ['089/1234567', 'DE', '+49891234567', 'DE'],
    ['+353 1 234 5678', undefined, '+35312345678', 'IE'],
    ['1-800-555-0142', 'US', '+18005550142', 'US'],
    ['1 (416) 555-0199', 'US', '+14165550199', 'CA'],
    ['(415) 555-0132 x123', 'US', '+14155550132', 'US'],
    ['415-555-0132 ext. 12', 'US', '+14155550132', 'US'],
  ] as const)('reads the common shape "%s" (region %s) itself: %s in %s', (text, region, e164, country) => {
    expect(readPlainPhoneNumber(text, region)).toMatchObject({ e164, country });
  });

  it.each([
    ['00 44 20 7946 0958', 'DE'],
    ['(415) 555-0132 extension 123', 'US'],
    ['+0 123 456', undefined],
    ['n/a', 'US'],
  ] as const)('leaves "%s" (region %s) to the library', (text, region) => {
    expect(readPlainPhoneNumber(text, region)).toBeUndefined();
  });
});
