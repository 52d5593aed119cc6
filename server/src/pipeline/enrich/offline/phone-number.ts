import {
  isSupportedCountry,
  parsePhoneNumberFromString,
  type CountryCode,
  type NumberType,
} from 'libphonenumber-js/max';
import { GenerationalMap } from '../../../lib/generational-map';
import { readPlainPhoneNumber, type PhoneReading } from './phone-number-reader';
import { numberTypeOf } from './phone-number-type';
import { planOf } from './phone-numbering-plan';

/** How the region used to read a number was known: from the number itself, the record's country, or the default. */
export type PhoneRegionSource = 'international' | 'record_country' | 'default_region';

export type ParsedPhone = {
  /** E.164, without any extension (E.164 has none). */
  e164: string;
  /** libphonenumber's type; undefined when its metadata cannot tell. */
  numberType: NumberType;
  regionSource: PhoneRegionSource;
};

/** True for ISO alpha-2 codes libphonenumber has metadata for. */
export function isPhoneRegion(region: string | undefined): region is CountryCode {
  return region !== undefined && isSupportedCountry(region);
}

/**
 * Reads a phone number as written in a CRM ("(415) 555-0132", "+44 20 7946 0958", "020 7946 0958 x12") and keeps it
 * only when libphonenumber's full metadata says it is a valid number. A national number is read in `recordRegion`
 * (from the record's country) when known, else in `defaultRegion`.
 */
export function parsePhone(
  raw: string | null | undefined,
  recordRegion: string | undefined,
  defaultRegion: string,
): ParsedPhone | undefined {
  const text = raw?.trim() ?? '';
  if (text === '') return undefined;
  // A record processed again (a change to another field, a re-read) carries the same phone: its reading is
  // remembered, since libphonenumber's full-metadata parse was the largest single cost of a record (issue 19).
  // Keyed by the text alone, the regions checked on a hit: a key joining them was a new string per call, which the
  // map then flattened and hashed (issue 19: ~2 µs per phone, and in an initial sync every phone is new).
  const remembered = PARSED.get(text);
  const same = remembered?.recordRegion === recordRegion && remembered?.defaultRegion === defaultRegion;
  if (remembered !== undefined && same) {
    return remembered.parsed ?? undefined;
  }
  const parsed = parseUncached(text, recordRegion, defaultRegion);
  PARSED.set(text, { recordRegion, defaultRegion, parsed: parsed ? Object.freeze(parsed) : null });
  return parsed;
}

/** A phone text's reading in the regions it was read in (`parsed` null: not a valid number). */
type Reading = { recordRegion: string | undefined; defaultRegion: string; parsed: ParsedPhone | null };

/** Readings of recent phone texts: the last 10,000 to 20,000, so memory stays flat. */
const PARSED = new GenerationalMap<string, Reading>(10_000);

function parseUncached(text: string, recordRegion: string | undefined, defaultRegion: string): ParsedPhone | undefined {
  const useRecordRegion = isPhoneRegion(recordRegion);
  const region = useRecordRegion ? recordRegion : isPhoneRegion(defaultRegion) ? defaultRegion : undefined;
  // The common shapes are read without the library's general parser, to the same answer (phone-number-reader.ts).
  const phone = readPlainPhoneNumber(text, region) ?? readWithLibrary(text, region);
  // With full metadata, "valid" is "has a type" (libphonenumber's isValid computes the type and drops it): one
  // type lookup instead of two runs over the same patterns, with the patterns compiled once (phone-number-type.ts).
  if (phone?.numberType === undefined) return undefined;
  // An international prefix (or a number that left the assumed region) does not depend on the region we guessed.
  const writtenInternationally =
    text.startsWith('+') || region === undefined || phone.countryCallingCode !== planOf(region).callingCode;
  return {
    e164: phone.e164,
    numberType: phone.numberType,
    regionSource: writtenInternationally ? 'international' : useRecordRegion ? 'record_country' : 'default_region',
  };
}

function readWithLibrary(text: string, region: CountryCode | undefined): PhoneReading | undefined {
  const phone = parsePhoneNumberFromString(text, region === undefined ? {} : { defaultCountry: region });
  if (!phone) return undefined;
  return {
    e164: phone.number,
    countryCallingCode: phone.countryCallingCode,
    country: phone.country,
    numberType: numberTypeOf(phone),
  };
}
