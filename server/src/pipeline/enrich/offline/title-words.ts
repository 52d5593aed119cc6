// Abbreviations and spelling variants seen in CRM job titles, mapped to the word the classifiers look for.
// Multi-word expansions are allowed ("bizdev" → "business development").
const WORD_EXPANSIONS: ReadonlyMap<string, string> = new Map([
  ['sr', 'senior'],
  ['snr', 'senior'],
  ['jr', 'junior'],
  ['jnr', 'junior'],
  ['dir', 'director'],
  ['mgr', 'manager'],
  ['mngr', 'manager'],
  ['mgmt', 'management'],
  ['asst', 'assistant'],
  ['assoc', 'associate'],
  ['exec', 'executive'],
  ['eng', 'engineering'],
  ['engr', 'engineer'],
  ['dev', 'developer'],
  ['mktg', 'marketing'],
  ['mkt', 'marketing'],
  ['ops', 'operations'],
  ['admin', 'administrator'],
  ['sysadmin', 'systems administrator'],
  ['sys', 'systems'],
  ['tech', 'technology'],
  ['acct', 'accounting'],
  ['svcs', 'services'],
  ['cust', 'customer'],
  ['bizdev', 'business development'],
  ['biz', 'business'],
  ['hrbp', 'hr business partner'],
  ['cofounder', 'co founder'],
  ['vicepresident', 'vice president'],
  ['revops', 'revenue operations'],
  ['salesops', 'sales operations'],
]);

// Words that carry no meaning for rank or function and would only split phrases ("Head of Sales" = "Head Sales").
const FILLER_WORDS = new Set(['of', 'the', 'and', 'for', 'a', 'an', 'in']);

/**
 * A job title as lower-case words: punctuation and "&" removed, dotted acronyms joined ("C.E.O." → "ceo"),
 * abbreviations expanded ("Sr." → "senior", "Mgr" → "manager"), filler words ("of", "and") dropped, and anything after
 * " to " or " at " cut off, since it names whom or where the person works ("Assistant to the CEO", "Engineer at Acme").
 */
export function titleWords(title: string): readonly string[] {
  // A page holds few distinct titles, and each record's title is read by seniority and department (issue 19).
  const known = WORDS_OF_TITLE.get(title);
  if (known !== undefined) return known;
  if (WORDS_OF_TITLE.size >= MAX_REMEMBERED_TITLES) WORDS_OF_TITLE.clear();
  const words = Object.freeze(titleWordsUncached(title));
  WORDS_OF_TITLE.set(title, words);
  return words;
}

/** Words of recent titles (frozen: callers share them); bounded, started over when full. */
const WORDS_OF_TITLE = new Map<string, readonly string[]>();
const MAX_REMEMBERED_TITLES = 10_000;

function titleWordsUncached(title: string): string[] {
  const text = title
    .toLowerCase()
    .replace(/\b(?:[a-z]\.){2,}/g, (dotted) => dotted.replace(/\./g, '')) // c.e.o. → ceo, v.p. → vp
    .replace(/(?<!\bgo)\s+(?:to|at|@)\s+.*$/, '') // keeps "go to market"
    .replace(/\s@\s?.*$/, '')
    .replace(/&/g, ' and ')
    .replace(/[^\p{L}\p{N}]+/gu, ' ');
  return text
    .split(' ')
    .flatMap((word) => (WORD_EXPANSIONS.get(word) ?? word).split(' '))
    .filter((word) => word !== '' && !FILLER_WORDS.has(word));
}

/** Index of the first occurrence of `phrase` (consecutive words) in `words`, or -1. */
export function indexOfPhrase(words: readonly string[], phrase: readonly string[]): number {
  for (let start = 0; start + phrase.length <= words.length; start++) {
    if (phrase.every((word, offset) => words[start + offset] === word)) return start;
  }
  return -1;
}
