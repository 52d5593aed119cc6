import type { WhereClause } from 'soql-parser-js';
import { isApiName } from './api-name';
import { selectQuery } from './select-query';
import { textIn } from './where';

/** `<field> != null`: no value goes in. */
function notNull(field: string): WhereClause {
  if (!isApiName(field)) throw new RangeError(`"${field}" is not a field API name`);
  return { left: { field, operator: '!=', value: 'null', literalType: 'NULL' } } as WhereClause;
}

/** Accounts whose job board a Hiring_Surge detector reads. */
export function accountsWithJobBoardQuery(): string {
  return selectQuery({
    object: 'Account',
    fields: ['Id', 'Name', 'Website', 'Job_Board_Url__c', 'Open_Roles__c'],
    where: notNull('Job_Board_Url__c'),
    orderBy: { field: 'Id' },
  });
}

/**
 * The ways a Website names a domain as people type it (`acme.com`, `www.acme.com`, `https://www.acme.com/`…):
 * SOQL cannot normalise a URL, so the Funding_Round detector asks for these spellings, each an escaped literal.
 */
export function websiteSpellings(domain: string): string[] {
  const hosts = [domain, `www.${domain}`];
  const prefixes = ['', 'http://', 'https://'];
  return hosts.flatMap((host) => prefixes.flatMap((prefix) => [`${prefix}${host}`, `${prefix}${host}/`]));
}

/** Accounts whose Website is one of the spellings of these domains (the caller normalises and compares again). */
export function accountsByWebsiteQuery(domains: readonly string[]): string {
  return selectQuery({
    object: 'Account',
    fields: ['Id', 'Name', 'Website'],
    where: textIn('Website', domains.flatMap(websiteSpellings)),
    orderBy: { field: 'Id' },
  });
}

/** The people a Job_Change detector asks about: a work email to look them up by, and what we believe is current. */
export function jobChangePeopleQuery(object: 'Contact' | 'Lead'): string {
  const fields =
    object === 'Contact'
      ? ['Id', 'Email', 'FirstName', 'LastName', 'Title', 'LinkedIn_URL__c', 'Account.Name', 'Account.Website']
      : ['Id', 'Email', 'FirstName', 'LastName', 'Title', 'LinkedIn_URL__c', 'Company', 'Website'];
  return selectQuery({ object, fields, where: notNull('Email'), orderBy: { field: 'Id' } });
}
