/**
 * Queries that find people already in the org for a page of prospects: Leads and Contacts by email, LinkedIn URL or
 * last name (the name + company domain check is finished in code, against Website / Account.Website). Values go in
 * as escaped SOQL literals through `textIn`, never pasted.
 */
import type { WhereClause } from 'soql-parser-js';
import { selectQuery } from './select-query';
import { textIn } from './where';

export type PeopleLookup = { emails: string[]; linkedInUrls: string[]; lastNames: string[] };

function or(clauses: WhereClause[]): WhereClause | undefined {
  const [first, ...rest] = clauses;
  if (!first) return undefined;
  if (rest.length === 0) return first;
  return { left: first.left, operator: 'OR', right: or(rest) } as WhereClause;
}

const PERSON_FIELDS = ['Id', 'FirstName', 'LastName', 'Email', 'LinkedIn_URL__c'] as const;

/** `SELECT … FROM Lead|Contact WHERE Email IN (…) OR LinkedIn_URL__c IN (…) OR LastName IN (…)`; undefined if empty. */
export function existingPeopleQuery(object: 'Lead' | 'Contact', lookup: PeopleLookup): string | undefined {
  const clauses: WhereClause[] = [];
  if (lookup.emails.length > 0) clauses.push(textIn('Email', lookup.emails));
  if (lookup.linkedInUrls.length > 0) clauses.push(textIn('LinkedIn_URL__c', lookup.linkedInUrls));
  if (lookup.lastNames.length > 0) clauses.push(textIn('LastName', lookup.lastNames));
  const where = or(clauses);
  if (!where) return undefined;
  const fields = [...PERSON_FIELDS, object === 'Lead' ? 'Website' : 'Account.Website'];
  return selectQuery({ object, fields, where });
}

/** Accounts whose Website is one of these (written as the admin may have: bare, www., http(s)://). */
export function accountsByWebsiteQuery(domains: readonly string[]): string | undefined {
  if (domains.length === 0) return undefined;
  const variants = domains.flatMap((domain) =>
    ['', 'www.', 'http://', 'https://', 'http://www.', 'https://www.'].map((prefix) => `${prefix}${domain}`),
  );
  return selectQuery({ object: 'Account', fields: ['Id', 'Name', 'Website'], where: textIn('Website', variants) });
}
