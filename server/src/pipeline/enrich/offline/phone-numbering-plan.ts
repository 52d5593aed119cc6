import { Metadata, type NumberType } from 'libphonenumber-js/max';

/**
 * A numbering plan of libphonenumber-js's full metadata (1.13) with every pattern the parse and the type lookup
 * read compiled once. The library builds `new RegExp(…)` from the metadata's pattern text each time it tries one
 * (issue 19: the largest allocation of a record's offline attributes); the same texts compiled the same way give
 * the same answers.
 */
export interface CompiledPlan {
  callingCode: string;
  /** `matchesEntirely(…, nationalNumberPattern())`. */
  nationalNumber: RegExp;
  /** The plan's general possible lengths (undefined when the metadata has none). */
  possibleLengths: readonly number[] | undefined;
  /** `new RegExp('^(?:' + nationalPrefixForParsing() + ')')`; undefined when the plan has none. */
  nationalPrefixForParsing: RegExp | undefined;
  /** `new RegExp(IDDPrefix())`; undefined when the plan has none. */
  iddPrefix: RegExp | undefined;
  /** `new RegExp(leadingDigits())`, used as `search(…) === 0`; undefined when the plan has none. */
  leadingDigits: RegExp | undefined;
  fixedLine: CompiledType | undefined;
  mobile: CompiledType | undefined;
  /** No MOBILE type, or one whose pattern is '' (left out as a duplicate of FIXED_LINE): a fixed line is either. */
  mobileMissingOrEmpty: boolean;
  /** The types tried after fixed line, in the library's order, without those it could never match. */
  others: CompiledType[];
}

export interface CompiledType {
  name: NonNullable<NumberType>;
  pattern: RegExp;
  /** The type's possible lengths, else the plan's (undefined: any length). */
  lengths: readonly number[] | undefined;
}

/** The plan of a country (ISO alpha-2) or of a calling code (its main country, or a non-geographic entity). */
export function planOf(countryOrCallingCode: string): CompiledPlan {
  let plan = PLANS.get(countryOrCallingCode);
  if (!plan) PLANS.set(countryOrCallingCode, (plan = compile(countryOrCallingCode)));
  return plan;
}

/** `Metadata.getCountryCodesForCallingCode`: the countries sharing a calling code, main one first. */
export function countriesOfCallingCode(callingCode: string): readonly string[] | undefined {
  if (!COUNTRIES_OF_CALLING_CODE.has(callingCode)) {
    COUNTRIES_OF_CALLING_CODE.set(callingCode, METADATA.getCountryCodesForCallingCode(callingCode));
  }
  return COUNTRIES_OF_CALLING_CODE.get(callingCode);
}

/** `Metadata.hasCallingCode`: a country's or a non-geographic entity's calling code. */
export function isCallingCode(digits: string): boolean {
  let known = IS_CALLING_CODE.get(digits);
  if (known === undefined) IS_CALLING_CODE.set(digits, (known = METADATA.hasCallingCode(digits)));
  return known;
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

/** The parts of the library's metadata classes read here (its typings declare only the constructor). */
interface TypeView {
  pattern(): string;
  possibleLengths(): number[] | undefined;
}
interface MetadataView {
  selectNumberingPlan(countryOrCallingCode: string): void;
  numberingPlan: { callingCode(): string };
  nationalNumberPattern(): string;
  possibleLengths(): number[] | undefined;
  nationalPrefixForParsing(): string | undefined;
  IDDPrefix(): string | undefined;
  leadingDigits(): string | undefined;
  type(type: string): TypeView | undefined;
  getCountryCodesForCallingCode(callingCode: string): string[] | undefined;
  hasCallingCode(callingCode: string): boolean;
}

const METADATA = new Metadata() as unknown as MetadataView;
/** At most one per numbering plan of the metadata (~250), by country and by calling code. */
const PLANS = new Map<string, CompiledPlan>();
const COUNTRIES_OF_CALLING_CODE = new Map<string, readonly string[] | undefined>();
/** Keyed by the 1–3 leading digits tried as a calling code: at most 1,110 entries. */
const IS_CALLING_CODE = new Map<string, boolean>();

/** Throws where the library's lookup would (an unknown country or calling code), so nothing is remembered then. */
function compile(countryOrCallingCode: string): CompiledPlan {
  const metadata = new Metadata() as unknown as MetadataView;
  metadata.selectNumberingPlan(countryOrCallingCode);
  const mobile = metadata.type('MOBILE');
  const nationalPrefixForParsing = metadata.nationalPrefixForParsing();
  const iddPrefix = metadata.IDDPrefix();
  const leadingDigits = metadata.leadingDigits();
  return {
    callingCode: metadata.numberingPlan.callingCode(),
    nationalNumber: whole(metadata.nationalNumberPattern()),
    possibleLengths: metadata.possibleLengths(),
    nationalPrefixForParsing: nationalPrefixForParsing ? new RegExp(`^(?:${nationalPrefixForParsing})`) : undefined,
    iddPrefix: iddPrefix ? new RegExp(iddPrefix) : undefined,
    leadingDigits: leadingDigits ? new RegExp(leadingDigits) : undefined,
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
