import type { NumberType, PhoneNumber } from 'libphonenumber-js/max';
import { planOf, type CompiledPlan, type CompiledType } from './phone-numbering-plan';

/**
 * `PhoneNumber.getType()` of libphonenumber-js (1.13, `es6/helpers/getNumberType.js` with `v2`), step for step, with
 * each numbering plan's patterns compiled once. The library builds `new RegExp('^(?:' + pattern + ')$')` for every
 * pattern it tries, each call: a US number's type lookup flattened and compiled ~2 KB of pattern text, the largest
 * allocation of a record's offline attributes (issue 19). Same metadata, same order of checks, same answers
 * (`phone-number-type.test.ts` compares the two over every country's numbers).
 */
export function numberTypeOf(phone: PhoneNumber): NumberType {
  // The library returns no type for a number with neither country nor calling code.
  const countryOrCallingCode = phone.country || phone.countryCallingCode;
  if (!countryOrCallingCode) return undefined;
  return nationalNumberType(phone.nationalNumber, planOf(countryOrCallingCode));
}

/** `getNumberType({ phone: national, country }, undefined, metadata)` with the country's plan given. */
export function nationalNumberType(national: string, plan: CompiledPlan): NumberType {
  if (!plan.nationalNumber.test(national)) return undefined;
  if (matchesType(national, plan.fixedLine)) {
    if (plan.mobileMissingOrEmpty || matchesType(national, plan.mobile)) return 'FIXED_LINE_OR_MOBILE';
    return 'FIXED_LINE';
  }
  for (const type of plan.others) if (matchesType(national, type)) return type.name;
  return undefined;
}

/** `isNumberTypeEqualTo`: the type's possible lengths first, then its pattern. */
function matchesType(national: string, type: CompiledType | undefined): boolean {
  if (!type) return false;
  if (type.lengths && !type.lengths.includes(national.length)) return false;
  return type.pattern.test(national);
}
