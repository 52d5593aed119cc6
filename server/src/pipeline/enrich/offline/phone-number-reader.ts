import type { CountryCode, NumberType } from 'libphonenumber-js/max';
import { nationalNumberType } from './phone-number-type';
import { countriesOfCallingCode, isCallingCode, planOf, type CompiledPlan } from './phone-numbering-plan';

/** A number as libphonenumber reads it: what `parsePhoneNumberFromString` + `getType()` would give. */
export interface PhoneReading {
  /** E.164: "+", the calling code and the national number. */
  e164: string;
  countryCallingCode: string;
  /** The country the library assigns (undefined when none of the calling code's countries claims the number). */
  country: string | undefined;
  numberType: NumberType;
}

/**
 * Reads the common shapes of CRM phone numbers — digits and the punctuation people type ("(415) 555-0132",
 * "415.555.0132", "+44 20 7946 0958", "089/1234567", "1-800-555-0142"), perhaps an extension ("x123", " ext. 12"),
 * no letters — the way libphonenumber-js 1.13's `parsePhoneNumberFromString(text, { defaultCountry: region })` does
 * (`es6/parse.js` and the helpers it calls), with the numbering plans' patterns compiled once
 * (phone-numbering-plan.ts). The library's parse builds a regular expression per pattern it tries, spreads its
 * options and types a number once more to choose among the countries of a shared calling code: most of a record's
 * offline CPU (issue 19).
 *
 * Undefined whenever the text or the number needs a step not reproduced here (an international prefix such as
 * "00", a national prefix with a carrier code or a transform rule, other extensions, letters, …): the caller then
 * asks the library. `phone-number-reader.test.ts` compares the two over thousands of numbers of every country.
 */
export function readPlainPhoneNumber(text: string, region: CountryCode | undefined): PhoneReading | undefined {
  if (text.length > MAX_INPUT_LENGTH) return undefined;
  const plain = PLAIN_NUMBER.exec(text);
  if (!plain) return undefined;
  // An extension is not part of E.164: only the digits before it count (the library's `extractExtension`).
  const digits = digitsOf(plain[1] as string);
  // Fewer than 3 digits: not a number to the library, or a two-digit special case; either way, not common.
  if (digits.length < 3) return undefined;
  if (text.charCodeAt(0) === PLUS) return readInternational(digits);
  return region === undefined ? undefined : readNational(digits, region);
}

/**
 * Digits and punctuation, "+" only first (the library's own `+` rules for other places are not reproduced), then
 * perhaps an extension written "x123", " ext. 12" or " EXT 1234" (the library finds such an extension where the
 * spaces before its label start, so the digits before it are the number's).
 */
const PLAIN_NUMBER = /^(\+?[0-9 ().\/-]+)(?: *(?:x|ext\.?) *[0-9]{1,6})?$/i;
/** `parse.js`'s MAX_INPUT_STRING_LENGTH. */
const MAX_INPUT_LENGTH = 250;
/** `constants.js`: national numbers of 2 to 17 digits. */
const MIN_NATIONAL_LENGTH = 2;
const MAX_NATIONAL_LENGTH = 17;
const MAX_CALLING_CODE_LENGTH = 3;
const PLUS = 0x2b;
const ZERO = 0x30;
const NINE = 0x39;

function digitsOf(text: string): string {
  let digits = '';
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code >= ZERO && code <= NINE) digits += text[i];
  }
  return digits;
}

/** `extractCountryCallingCode` of "+digits": the first 1–3 digit prefix that is a calling code. */
function readInternational(digits: string): PhoneReading | undefined {
  for (let length = 1; length <= MAX_CALLING_CODE_LENGTH && length < digits.length; length++) {
    const callingCode = digits.slice(0, length);
    if (!isCallingCode(callingCode)) continue;
    const national = nationalNumberOf(digits.slice(length), planOf(callingCode));
    if (national === undefined) return undefined;
    return reading(callingCode, national, countryOfNationalNumber(callingCode, national));
  }
  return undefined;
}

/** A number without "+", read in `region`: neither an international prefix nor the region's calling code first. */
function readNational(digits: string, region: CountryCode): PhoneReading | undefined {
  const plan = planOf(region);
  // stripIddPrefix: an empty match at the start leaves the number as it was, and so is no prefix.
  const idd = plan.iddPrefix?.exec(digits);
  if (idd && idd.index === 0 && idd[0].length > 0) return undefined;
  const national = nationalNumberOf(digits, plan);
  if (national === undefined) return undefined;
  if (digits.startsWith(plan.callingCode)) {
    const withoutCallingCode = nationalNumberWithoutCallingCode(digits, national, plan);
    if (withoutCallingCode === undefined) return undefined;
    if (withoutCallingCode !== false) {
      return reading(
        plan.callingCode,
        withoutCallingCode,
        countryOfNationalNumber(plan.callingCode, withoutCallingCode),
      );
    }
  }
  return reading(plan.callingCode, national, countryOfNationalNumber(plan.callingCode, national) ?? region);
}

/**
 * `extractCountryCallingCodeFromInternationalNumberWithoutPlusSign` for a number that starts with its region's
 * calling code ("1 415 555 0132" in the US): the national number after that code when the library reads the code
 * as one (the number is not valid with it and is without it, or is too long with it), false when it does not,
 * undefined when a step is not reproduced here. The code read, the library selects the calling code's plan (not
 * the region's) and assigns the country by the number alone.
 */
function nationalNumberWithoutCallingCode(
  digits: string,
  national: string,
  plan: CompiledPlan,
): string | false | undefined {
  const shorter = digits.slice(plan.callingCode.length);
  const shorterNational = nationalNumberOf(shorter, plan);
  if (shorterNational === undefined) return undefined;
  const validOnlyWithout = !plan.nationalNumber.test(national) && plan.nationalNumber.test(shorterNational);
  if (!validOnlyWithout && !isTooLong(national.length, plan.possibleLengths)) return false;
  return nationalNumberOf(shorter, planOf(plan.callingCode));
}

/** `checkNumberLength(…) === 'TOO_LONG'`. */
function isTooLong(length: number, lengths: readonly number[] | undefined): boolean {
  return lengths !== undefined && (lengths[lengths.length - 1] as number) < length;
}

function reading(callingCode: string, national: string, country: string | undefined): PhoneReading | undefined {
  if (national.length < MIN_NATIONAL_LENGTH || national.length > MAX_NATIONAL_LENGTH) return undefined;
  return {
    e164: `+${callingCode}${national}`,
    countryCallingCode: callingCode,
    country,
    numberType: nationalNumberType(national, planOf(country ?? callingCode)),
  };
}

/**
 * `extractNationalNumber(number, undefined, metadata)` with `plan` selected: the national prefix taken off when the
 * plan's rules say so. Undefined when the prefix pattern captures a group (carrier codes, transform rules).
 */
function nationalNumberOf(number: string, plan: CompiledPlan): string | undefined {
  const match = plan.nationalPrefixForParsing?.exec(number);
  if (!match) return number;
  if (match.length > 1 && match[match.length - 1]) return undefined;
  const stripped = number.slice(match[0].length);
  // shouldHaveExtractedNationalPrefix
  if (plan.nationalNumber.test(number) && !plan.nationalNumber.test(stripped)) return number;
  if (plan.possibleLengths) {
    const country = countryOfNationalNumber(plan.callingCode, stripped);
    const lengths = country === undefined ? plan.possibleLengths : planOf(country).possibleLengths;
    if (!isPossibleIncompleteLength(stripped.length, lengths)) return number;
  }
  return stripped;
}

/** `checkNumberLength` is neither TOO_SHORT nor INVALID_LENGTH (TOO_LONG passes: the number may be incomplete). */
function isPossibleIncompleteLength(length: number, lengths: readonly number[] | undefined): boolean {
  return !lengths || lengths.includes(length) || length > (lengths[lengths.length - 1] as number);
}

/**
 * `getCountryByCallingCode`: the only country of the calling code, or the first of its countries whose leading
 * digits start the number or (without leading digits) whose plan gives the number a type.
 */
function countryOfNationalNumber(callingCode: string, national: string): string | undefined {
  const countries = countriesOfCallingCode(callingCode);
  if (!countries) return undefined;
  if (countries.length === 1) return countries[0];
  for (const country of countries) {
    const plan = planOf(country);
    if (plan.leadingDigits) {
      if (national.search(plan.leadingDigits) === 0) return country;
    } else if (nationalNumberType(national, plan)) return country;
  }
  return undefined;
}
