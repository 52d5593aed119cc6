import { COUNTRY_PROFILES } from './country-profiles';
import type { Rng } from './prng';

/**
 * Phone numbers in every format a CRM collects. North American numbers use the fictional 555-0100..0199 lines;
 * other countries fill their profile's templates. A small share is deliberately unusable (too short, junk text)
 * but still fits a Salesforce phone field (text, 40 characters).
 */

const US_AREA_CODES = ['415', '212', '312', '617', '206', '512', '303', '404', '646', '310', '408', '305'];
const CA_AREA_CODES = ['416', '604', '514', '403'];
const JUNK_PHONES = ['n/a', 'TBD', 'call main line', '000-000-0000', '1234567', 'see notes'];
const DIGITS = '0123456789';

const digit = (rng: Rng): string => DIGITS.charAt(rng.int(10));
/** The template with every `#` replaced by a random digit. */
export function fillDigits(template: string, rng: Rng): string {
  let out = '';
  for (let i = 0; i < template.length; i++) {
    const ch = template.charAt(i);
    out += ch === '#' ? digit(rng) : ch;
  }
  return out;
}

function northAmerican(rng: Rng, country: string): string {
  const area = rng.pick(country === 'CA' ? CA_AREA_CODES : US_AREA_CODES);
  const line = '01' + digit(rng) + digit(rng);
  const roll = rng.int(100);
  if (roll < 24) return '(' + area + ') 555-' + line;
  if (roll < 42) return area + '-555-' + line;
  if (roll < 52) return area + '.555.' + line;
  if (roll < 59) return area + '555' + line;
  if (roll < 66) return '+1 ' + area + ' 555 ' + line;
  if (roll < 73) return '+1' + area + '555' + line;
  if (roll < 77) return '+1 (' + area + ') 555-' + line;
  if (roll < 81) return '1-' + area + '-555-' + line;
  if (roll < 83) return '+1.' + area + '.555.' + line;
  if (roll < 87) return '(' + area + ') 555-' + line + ' x' + String(200 + rng.int(300));
  if (roll < 90) return area + '-555-' + line + ' ext. ' + String(10 + rng.int(90));
  if (roll < 93) return '555-' + line;
  if (roll < 96) return '1-800-555-01' + digit(rng) + digit(rng);
  if (roll < 98) return rng.pick(JUNK_PHONES);
  return '+44 20 7946 0' + digit(rng) + digit(rng) + digit(rng);
}

/** A landline (`mobile` false) or mobile number for someone in the country of profile `countryIndex`. */
export function phoneFor(rng: Rng, countryIndex: number, mobile: boolean): string {
  const profile = COUNTRY_PROFILES[countryIndex];
  if (!profile || profile.landlines.length === 0) return northAmerican(rng, profile?.code ?? 'US');
  const templates = mobile ? profile.mobiles : profile.landlines;
  const phone = fillDigits(rng.pick(templates), rng);
  return !mobile && rng.chance(0.05) ? phone + ' ext ' + String(100 + rng.int(900)) : phone;
}
