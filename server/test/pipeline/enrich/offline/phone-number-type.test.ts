import {
  getCountries,
  getCountryCallingCode,
  parsePhoneNumberFromString,
  type PhoneNumber,
} from 'libphonenumber-js/max';
import examples from 'libphonenumber-js/examples.mobile.json';
import { describe, expect, it } from 'vitest';
import { numberTypeOf } from '../../../../src/pipeline/enrich/offline/phone-number-type';
import { nearbyNumbers, prng } from './nearby-phone-numbers';

describe('numberTypeOf', () => {
  it("gives libphonenumber's getType() for numbers of every country, written nationally and internationally", () => {
    const random = prng(19);
    const phones: PhoneNumber[] = [];
    for (const country of getCountries()) {
      const example = (examples as Record<string, string | undefined>)[country] ?? '2012345678';
      for (const national of nearbyNumbers(example, random, 80)) {
        const local = parsePhoneNumberFromString(national, { defaultCountry: country });
        if (local) phones.push(local);
        const international = parsePhoneNumberFromString(`+${getCountryCallingCode(country)}${national}`);
        if (international) phones.push(international);
      }
    }
    // Calling codes of no country (international freephone, satellite, …): the plan is chosen by calling code.
    for (const code of ['800', '808', '870', '878', '881', '882', '883', '888', '979']) {
      for (const national of nearbyNumbers('12345678', random, 40)) {
        const phone = parsePhoneNumberFromString(`+${code}${national}`);
        if (phone) phones.push(phone);
      }
    }
    let typed = 0;
    const differing: string[] = [];
    for (const phone of phones) {
      const expected = phone.getType();
      if (expected !== undefined) typed += 1;
      if (numberTypeOf(phone) !== expected) differing.push(`${phone.number} (${phone.country ?? '-'})`);
    }
    expect(differing).toEqual([]);
    // The comparison is only worth something if it saw many typed numbers and many untyped ones.
    expect(typed).toBeGreaterThan(2000);
    expect(phones.length - typed).toBeGreaterThan(2000);
  });

  it('types the NANP numbers the seed and a CRM hold as libphonenumber does', () => {
    for (const text of ['(415) 555-0132', '+1 416 555 0199', '1-800-555-0142', '+1 868 620 1234', '+1 242 357 1234']) {
      const phone = parsePhoneNumberFromString(text, { defaultCountry: 'US' });
      expect(phone).toBeDefined();
      expect(numberTypeOf(phone as PhoneNumber)).toBe((phone as PhoneNumber).getType());
    }
  });
});
