import {
  BROKEN_EMAILS,
  DISPOSABLE_DOMAINS,
  EMAIL_MAX,
  FREE_MAIL_DOMAINS,
  ROLE_LOCAL_PARTS,
  mixedCaseDomain,
  personalLocalPart,
} from './email-formats';
import { FIRST_NAME_POOL, LAST_NAME_POOL, type PooledName } from './name-pools';
import type { Rng } from './prng';
import { DEPARTMENT_SPELLINGS, GOLDEN_TITLES, TITLE_POOL, type PooledTitle } from './title-pools';

/** Field values shared by generated contacts and leads: names, emails, titles, notes. */

export interface PersonName {
  first: PooledName | null;
  last: PooledName;
}

export function pickName(rng: Rng): PersonName {
  return { first: rng.chance(0.985) ? rng.pick(FIRST_NAME_POOL) : null, last: rng.pick(LAST_NAME_POOL) };
}

/** The name as typed: mostly as pooled, sometimes SHOUTED or all lower case. */
export function typedName(rng: Rng, name: string): string {
  const roll = rng.int(100);
  if (roll < 4) return name.toUpperCase();
  if (roll < 7) return name.toLowerCase();
  return name;
}

/**
 * An email for a person (name slugs, first may be '') at `domain` (null: no known company domain), in one of the
 * messy classes.
 */
export function emailFor(rng: Rng, first: string, last: string, domain: string | null): string | null {
  const roll = rng.int(100);
  let email: string | null;
  if (domain === null) {
    if (roll < 15) return null;
    if (roll < 18) email = rng.pick(ROLE_LOCAL_PARTS) + '@' + rng.pick(FREE_MAIL_DOMAINS);
    else if (roll < 23) email = personalLocalPart(rng, first, last) + '@' + rng.pick(DISPOSABLE_DOMAINS);
    else email = personalLocalPart(rng, first, last) + String(rng.int(90) + 10) + '@' + rng.pick(FREE_MAIL_DOMAINS);
  } else if (roll < 8) {
    return null;
  } else if (roll < 13) {
    email = rng.pick(ROLE_LOCAL_PARTS) + '@' + domain;
  } else if (roll < 23) {
    email = personalLocalPart(rng, first, last) + '@' + rng.pick(FREE_MAIL_DOMAINS);
  } else if (roll < 25) {
    email = personalLocalPart(rng, first, last) + '@' + rng.pick(DISPOSABLE_DOMAINS);
  } else if (roll < 29) {
    email = personalLocalPart(rng, first, last) + '@' + mixedCaseDomain(rng, domain);
  } else {
    email = personalLocalPart(rng, first, last) + '@' + domain;
  }
  return email.length <= EMAIL_MAX ? email : last.slice(0, 20) + '@' + (domain ?? 'gmail.com');
}

/** A title from the whole pool (golden titles weighted up), blank for about 8 % of people. */
export function pickTitle(rng: Rng): PooledTitle | null {
  const roll = rng.int(100);
  if (roll < 8) return null;
  return roll < 50 ? rng.pick(GOLDEN_TITLES) : rng.pick(TITLE_POOL);
}

/** The title as typed: occasionally lower-cased. */
export function typedTitle(rng: Rng, title: PooledTitle | null): string | null {
  if (title === null) return null;
  return rng.chance(0.03) ? title[0].toLowerCase() : title[0];
}

/** A Department value for the title's function, filled for about a third of people. */
export function departmentFor(rng: Rng, title: PooledTitle | null): string | null {
  if (title === null || !rng.chance(0.35)) return null;
  return rng.pick(DEPARTMENT_SPELLINGS[title[1]]);
}

const NOTES = ['Met at Dreamforce', 'Prefers email', 'Do not call before 10am', 'Referred by a customer'];

/** Free-text notes; the only place malformed email addresses are kept (an Email field would reject them). */
export function notesFor(rng: Rng): string | null {
  const roll = rng.int(1000);
  if (roll < 15) return 'Email on business card: ' + rng.pick(BROKEN_EMAILS);
  if (roll < 40) return rng.pick(NOTES);
  return null;
}
