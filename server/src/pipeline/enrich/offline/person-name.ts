// Lower-case particles of European surnames ("van der Berg", "da Silva", "de la Cruz"). They stay lower-case only
// when a further name word follows, so a lone "De" or "Van" is still capitalised.
const NAME_PARTICLES = new Set([
  'van',
  'von',
  'der',
  'den',
  'ter',
  'ten',
  'de',
  'del',
  'della',
  'degli',
  'di',
  'da',
  'das',
  'dos',
  'do',
  'du',
  'des',
  'la',
  'le',
  'y',
  'zu',
  'bin',
  'binti',
  'bint',
]);
const ROMAN_NUMERAL_SUFFIXES = new Set(['ii', 'iii', 'iv', 'vi', 'vii', 'viii']);
const APOSTROPHES = /['’]/;

export type CasedName = {
  value: string;
  /** False when the input already looked deliberately cased and was kept as written. */
  recased: boolean;
};

/**
 * `person.first_name` / `person.last_name`: a name in proper case. All-caps or all-lower input is recased
 * ("O'BRIEN" → "O'Brien", "mcdonald" → "McDonald", "VAN DER BERG" → "van der Berg", "mary-jane" → "Mary-Jane");
 * mixed-case input that already looks deliberate ("DeVito", "MacKenzie", "van Dyke") is kept. Undefined when blank.
 */
export function properCaseName(raw: string | null | undefined): CasedName | undefined {
  const name = raw?.trim().replace(/\s+/g, ' ') ?? '';
  if (name === '' || !/\p{L}/u.test(name)) return undefined;
  if (looksDeliberatelyCased(name)) return { value: name, recased: false };
  const words = name.toLowerCase().split(' ');
  const cased = words.map((word, index) => {
    const isParticle = NAME_PARTICLES.has(word) && index < words.length - 1;
    return isParticle ? word : caseWord(word);
  });
  return { value: cased.join(' '), recased: true };
}

function looksDeliberatelyCased(name: string): boolean {
  const hasUpper = /\p{Lu}/u.test(name);
  const hasLower = /\p{Ll}/u.test(name);
  if (!hasUpper || !hasLower) return false;
  // Each word must read as intended: capitalised with some lower case ("McDonald", "O'Neil"), a lower-case particle,
  // an initial ("J."), or a roman numeral. "JOHN smith" or "jOHN" are accidents, not choices.
  return name.split(/[\s-]+/).every((word) => {
    const letters = word.replace(/[^\p{L}]/gu, '');
    if (letters === '') return true;
    if (letters.length === 1) return true;
    if (ROMAN_NUMERAL_SUFFIXES.has(letters.toLowerCase()) && letters === letters.toUpperCase()) return true;
    if (NAME_PARTICLES.has(letters)) return true;
    return /^\p{Lu}/u.test(letters) && /\p{Ll}/u.test(letters);
  });
}

function caseWord(word: string): string {
  if (ROMAN_NUMERAL_SUFFIXES.has(word)) return word.toUpperCase();
  return word
    .split('-')
    .map((part) => casePart(part))
    .join('-');
}

function casePart(part: string): string {
  // O'Brien, D'Angelo: a one-letter prefix before an apostrophe is a separate element of the name.
  const apostrophe = part.search(APOSTROPHES);
  if (apostrophe === 1 && part.length > 2) {
    return capitalise(part.slice(0, 2)) + capitalise(part.slice(2));
  }
  // McDonald, McKenzie. ("Mac" is left alone: Mack, Macy and Machado are not Mac-names.)
  if (part.startsWith('mc') && part.length > 3) return 'Mc' + capitalise(part.slice(2));
  return capitalise(part);
}

function capitalise(text: string): string {
  const firstLetter = text.search(/\p{L}/u);
  if (firstLetter < 0) return text;
  const letter = String.fromCodePoint(text.codePointAt(firstLetter) ?? 0);
  return text.slice(0, firstLetter) + letter.toUpperCase() + text.slice(firstLetter + letter.length);
}
