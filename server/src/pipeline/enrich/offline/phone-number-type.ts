import { Metadata, type NumberType, type PhoneNumber } from 'libphonenumber-js/max';

/**
 * `PhoneNumber.getType()` of libphonenumber-js (1.13, `es6/helpers/getNumberType.js` with `v2`), step for step, with
 * each numbering plan's patterns compiled once. The library builds `new RegExp('^(?:' + pattern + ')$')` for every
 * pattern it tries, each call: a US number's type lookup flattened and compiled ~2 KB of pattern text, the largest
 * allocation of a record's offline attributes (issue 19). Same metadata, same order of checks, same answers
 * (`phone-number-type.test.ts` compares the two over every country's numbers).
 */
export function numberTypeOf(phone: PhoneNumber): NumberType {
  const plan = planOf(phone.country || phone.countryCallingCode);
  if (!plan) return undefined;
  const national = phone.nationalNumber;
  if (!plan.nationalNumber.test(national)) return undefined;
  if (matchesType(national, plan.fixedLine)) {
    if (plan.mobileMissingOrEmpty || matchesType(national, plan.mobile)) return 'FIXED_LINE_OR_MOBILE';
    return 'FIXED_LINE';
  }
  for (const type of plan.others) if (matchesType(national, type)) return type.name;
  return undefined;
}

/** The types the library tries after fixed line, in its order. */
const NON_FIXED_LINE_TYPES = [
  'MOBILE',
  'PREMIUM_RATE',
  'TOLL_FREE',
  'SHARED_COST',
  'VOIP',
  'PERSONAL_NUMBER',
  'PAGER',
  'UAN',
  'VOICEMAIL',
] as const;

interface CompiledType {
  name: NonNullable<NumberType>;
  pattern: RegExp;
  /** Undefined: any length the general description allows. */
  lengths: readonly number[] | undefined;
}

interface CompiledPlan {
  nationalNumber: RegExp;
  fixedLine: CompiledType | undefined;
  mobile: CompiledType | undefined;
  /** No MOBILE type, or one whose pattern is '' (left out as a duplicate of FIXED_LINE): a fixed line is either. */
  mobileMissingOrEmpty: boolean;
  others: CompiledType[];
}

/** The parts of the library's metadata classes read here (its typings declare only the constructor). */
interface TypeView {
  pattern(): string;
  possibleLengths(): number[] | undefined;
}
interface MetadataView {
  selectNumberingPlan(countryOrCallingCode: string): void;
  nationalNumberPattern(): string;
  type(type: string): TypeView | undefined;
}

/** Compiled plans by country or calling code: at most one per numbering plan of the metadata (~250). */
const PLANS = new Map<string, CompiledPlan>();

function planOf(countryOrCallingCode: string): CompiledPlan | undefined {
  // The library returns no type for a number with neither country nor calling code.
  if (!countryOrCallingCode) return undefined;
  let plan = PLANS.get(countryOrCallingCode);
  if (!plan) PLANS.set(countryOrCallingCode, (plan = compile(countryOrCallingCode)));
  return plan;
}

/** Throws where the library's lookup would (an unknown country or calling code), so nothing is remembered then. */
function compile(countryOrCallingCode: string): CompiledPlan {
  const metadata = new Metadata() as unknown as MetadataView;
  metadata.selectNumberingPlan(countryOrCallingCode);
  const mobile = metadata.type('MOBILE');
  return {
    nationalNumber: whole(metadata.nationalNumberPattern()),
    fixedLine: compileType(metadata, 'FIXED_LINE'),
    mobile: compileType(metadata, 'MOBILE'),
    mobileMissingOrEmpty: !mobile || mobile.pattern() === '',
    others: NON_FIXED_LINE_TYPES.map((name) => compileType(metadata, name)).filter(
      (type): type is CompiledType => type !== undefined,
    ),
  };
}

/** A type the library would never match (no definition, or an empty pattern) is left out. */
function compileType(metadata: MetadataView, name: NonNullable<NumberType>): CompiledType | undefined {
  const type = metadata.type(name);
  const pattern = type?.pattern();
  if (!type || !pattern) return undefined;
  return { name, pattern: whole(pattern), lengths: type.possibleLengths() };
}

/** `matchesEntirely`'s regular expression. */
function whole(pattern: string): RegExp {
  return new RegExp(`^(?:${pattern})$`);
}

/** `isNumberTypeEqualTo`: the type's possible lengths first, then its pattern. */
function matchesType(national: string, type: CompiledType | undefined): boolean {
  if (!type) return false;
  if (type.lengths && !type.lengths.includes(national.length)) return false;
  return type.pattern.test(national);
}
