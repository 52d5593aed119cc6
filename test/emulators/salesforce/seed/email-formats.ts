import type { Rng } from './prng';

/**
 * Email addresses as CRMs hold them. Every address this module makes is syntactically acceptable to a Salesforce
 * Email field (`local@domain.tld`, at most 80 characters): Salesforce rejects malformed ones with
 * INVALID_EMAIL_ADDRESS, so broken addresses (`jane@`, `n/a`) only ever appear in free text (see `BROKEN_EMAILS`).
 */

export const ROLE_LOCAL_PARTS = ['info', 'sales', 'support', 'hello', 'contact', 'admin', 'office', 'no-reply', 'team'];

export const FREE_MAIL_DOMAINS = [
  'gmail.com',
  'yahoo.com',
  'outlook.com',
  'hotmail.com',
  'icloud.com',
  'aol.com',
  'protonmail.com',
  'yahoo.co.uk',
  'hotmail.co.uk',
  'gmx.de',
];

/** Domains every disposable-address list carries. */
export const DISPOSABLE_DOMAINS = [
  'mailinator.com',
  '10minutemail.com',
  'guerrillamail.com',
  'yopmail.com',
  'sharklasers.com',
  'maildrop.cc',
];

/** Malformed addresses for free-text fields only; the first six are the invalid rows of the golden email cases. */
export const BROKEN_EMAILS = [
  'tom.hill@@initech',
  'plainaddress',
  '@nodomain.com',
  'name@',
  'name@domain',
  'name@domain..com',
  'jane@',
  'n/a',
  'none',
  'john smith@acme.com',
];

/** The longest address an Email field stores. */
export const EMAIL_MAX = 80;

/** A local part built from a person's name slugs in one of the common corporate patterns. */
export function personalLocalPart(rng: Rng, first: string, last: string): string {
  if (first === '') return last;
  const roll = rng.int(100);
  if (roll < 45) return first + '.' + last;
  if (roll < 65) return first[0] + last;
  if (roll < 77) return first;
  if (roll < 85) return first + last[0];
  if (roll < 91) return first + '_' + last;
  if (roll < 95) return first + last;
  if (roll < 98) return last + '.' + first;
  return first + '.' + last + '+crm';
}

/** The domain with some letters upper-cased the way people type it (`ACME.com`, `Acme.Com`). */
export function mixedCaseDomain(rng: Rng, domain: string): string {
  const dot = domain.indexOf('.');
  const head = dot < 0 ? domain : domain.slice(0, dot);
  const tail = dot < 0 ? '' : domain.slice(dot);
  if (rng.chance(0.5)) return head.toUpperCase() + tail;
  return head.charAt(0).toUpperCase() + head.slice(1) + tail.toUpperCase();
}

/** The same address in another casing (what a duplicate record of the same person usually carries). */
export function recasedEmail(email: string): string {
  const at = email.indexOf('@');
  const local = email.slice(0, at);
  const recased = local.replace(/(^|[._-])([a-z])/g, (_match, sep: string, ch: string) => sep + ch.toUpperCase());
  if (recased !== local) return recased + email.slice(at);
  return local.toLowerCase() === local ? email.toUpperCase() : local.toLowerCase() + email.slice(at);
}
