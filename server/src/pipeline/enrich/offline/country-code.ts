import countries from 'i18n-iso-countries';

// Names people write that are not (English) official or alias names in i18n-iso-countries. Keys are in the
// normalised form produced by `normaliseCountryName`.
const COUNTRY_ALIASES: ReadonlyMap<string, string> = new Map([
  ['uk', 'GB'],
  ['britain', 'GB'],
  ['england', 'GB'],
  ['scotland', 'GB'],
  ['wales', 'GB'],
  ['northern ireland', 'GB'],
  ['america', 'US'],
  ['holland', 'NL'],
  ['korea', 'KR'],
  ['republic of korea', 'KR'],
  ['republic of ireland', 'IE'],
  ['eire', 'IE'],
  ['macau', 'MO'],
  ['vatican', 'VA'],
  ['vatican city', 'VA'],
  ['syria', 'SY'],
  ['laos', 'LA'],
  ['moldova', 'MD'],
  ['burma', 'MM'],
  ['swaziland', 'SZ'],
  ['macedonia', 'MK'],
  ['bosnia', 'BA'],
  ['the gambia', 'GM'],
  ['the bahamas', 'BS'],
]);

const normaliseCountryName = (raw: string) =>
  raw
    .trim()
    .replace(/^(?:[A-Za-z]\.){2,}$/, (dotted) => dotted.replace(/\./g, '')) // U.S. → US, U.A.E. → UAE
    .replace(/\bSt\.?\s/gi, 'Saint ')
    .replace(/\s*&\s*/g, ' and ')
    .replace(/\s+/g, ' ')
    .toLowerCase();

const cache = new Map<string, string | undefined>();

/**
 * ISO 3166-1 alpha-2 code for a country as CRM users type it: codes ("US", "USA", "gb"), English names and aliases
 * ("United States", "U.S.", "United Kingdom", "UK", "Great Britain"), or the name in another language the library
 * knows ("Deutschland", "España"). Undefined when the value is blank or not recognised.
 */
export function countryToAlpha2(raw: string | null | undefined): string | undefined {
  if (!raw) return undefined;
  // Records repeat a few spellings: each is normalised (five regular expressions) once, not per record.
  if (BY_RAW_VALUE.has(raw)) return BY_RAW_VALUE.get(raw);
  if (BY_RAW_VALUE.size >= MAX_REMEMBERED_VALUES) BY_RAW_VALUE.clear();
  const code = raw.trim() === '' ? undefined : byName(normaliseCountryName(raw));
  BY_RAW_VALUE.set(raw, code);
  return code;
}

/** Codes of recent values as written; bounded, started over when full. */
const BY_RAW_VALUE = new Map<string, string | undefined>();
const MAX_REMEMBERED_VALUES = 10_000;

function byName(name: string): string | undefined {
  if (!cache.has(name)) cache.set(name, lookUpCountry(name));
  return cache.get(name);
}

function lookUpCountry(name: string): string | undefined {
  const alias = COUNTRY_ALIASES.get(name);
  if (alias) return alias;
  const upper = name.toUpperCase();
  if (/^[A-Z]{2}$/.test(upper)) return countries.isValid(upper) ? upper : undefined;
  if (/^[A-Z]{3}$/.test(upper) && countries.isValid(upper)) return countries.alpha3ToAlpha2(upper);
  const english = countries.getAlpha2Code(name, 'en');
  if (english) return english;
  for (const language of countries.getSupportedLanguages()) {
    const local = countries.getAlpha2Code(name, language);
    if (local) return local;
  }
  return undefined;
}
