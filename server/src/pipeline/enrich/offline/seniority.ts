import type { Seniority } from '../../../domain/attributes';
import { indexOfPhrase, titleWords } from './title-words';

export type TitleSeniority = {
  value: Seniority;
  /** True when a rank word decided it; false when 'Entry' is only the absence of one. */
  fromRankWord: boolean;
};

// Short forms of "Chief … Officer".
export const CHIEF_OFFICER_ACRONYMS = new Set([
  'ceo',
  'cto',
  'cfo',
  'cmo',
  'cro',
  'coo',
  'cio',
  'ciso',
  'cso',
  'cpo',
  'clo',
  'cdo',
  'cco',
  'cao',
  'cbo',
  'chro',
  'cpto',
  'cdao',
  'caio',
  'cxo',
]);
const VICE_PRESIDENT_ACRONYMS = new Set(['vp', 'svp', 'evp', 'avp', 'gvp', 'rvp']);
const CHAIR_WORDS = new Set(['chairman', 'chairwoman', 'chairperson']);
// "Owner" is the business owner only on its own or after these words; "Product Owner" is a product role.
const OWNER_QUALIFIERS = new Set(['co', 'business', 'sole', 'franchise']);
// "Partner" is a rank in firms ("Managing Partner"), not in "Partner Manager" or "Channel Partner".
const PARTNER_RANKS = new Set(['managing', 'founding', 'general', 'senior', 'equity']);
const MANAGER_WORDS = new Set(['manager', 'supervisor', 'superintendent']);
const SENIOR_WORDS = new Set(['senior', 'principal', 'staff', 'lead', 'leader']);

/**
 * `person.seniority` from a job title, most senior rank first: C-Level (chief officers, CxO, founders, owners,
 * presidents) > VP ("Vice President" is not a president) > Director ("Head of" included) > Manager (team leads and
 * supervisors included) > Senior (Senior/Sr./Principal/Staff/Lead) > Entry (every other title). Undefined when blank.
 */
export function classifySeniority(title: string | null | undefined): TitleSeniority | undefined {
  if (!title || title.trim() === '') return undefined;
  // A page holds few distinct titles (issue 19): each is classified once, and the frozen answer shared.
  const known = SENIORITY_OF_TITLE.get(title);
  if (known !== undefined) return known ?? undefined;
  if (SENIORITY_OF_TITLE.size >= MAX_REMEMBERED_TITLES) SENIORITY_OF_TITLE.clear();
  const seniority = classifyUncached(title);
  SENIORITY_OF_TITLE.set(title, seniority ? Object.freeze(seniority) : null);
  return seniority;
}

const SENIORITY_OF_TITLE = new Map<string, Readonly<TitleSeniority> | null>();
const MAX_REMEMBERED_TITLES = 10_000;

function classifyUncached(title: string): TitleSeniority | undefined {
  const words = titleWords(title);
  if (words.length === 0) return undefined;
  const rank = rankOf(words);
  return rank ? { value: rank, fromRankWord: true } : { value: 'Entry', fromRankWord: false };
}

/** True when the title names a C-level role (used to pick the department of a chief without a function). */
export function isChiefLevel(words: readonly string[]): boolean {
  return words.some((word, index) => {
    const previous = index > 0 ? words[index - 1] : undefined;
    if (CHIEF_OFFICER_ACRONYMS.has(word) || CHAIR_WORDS.has(word) || word === 'founder' || word === 'proprietor') {
      return true;
    }
    if (word === 'chief') return words.includes('officer') || words[index + 1] === 'executive';
    if (word === 'president') return previous !== 'vice';
    if (word === 'owner') return previous === undefined || OWNER_QUALIFIERS.has(previous);
    if (word === 'partner') return words.length === 1 || (previous !== undefined && PARTNER_RANKS.has(previous));
    return false;
  });
}

function rankOf(words: readonly string[]): Seniority | undefined {
  if (isChiefLevel(words)) return 'C-Level';
  if (words.some((word) => VICE_PRESIDENT_ACRONYMS.has(word)) || indexOfPhrase(words, ['vice', 'president']) >= 0) {
    return 'VP';
  }
  // A chief who is not a chief officer (Chief of Staff, Chief Architect) ranks with directors.
  if (words.some((word) => word === 'director' || word === 'head' || word === 'chief')) return 'Director';
  const isTeamLead = indexOfPhrase(words, ['team', 'lead']) >= 0 || indexOfPhrase(words, ['team', 'leader']) >= 0;
  if (isTeamLead || words.some((word) => MANAGER_WORDS.has(word))) return 'Manager';
  if (words.some((word) => SENIOR_WORDS.has(word))) return 'Senior';
  return undefined;
}
