import type { AttributeKey } from '../../../domain/attributes';
/**
 * Reads the record fields providers send: text only (a number becomes text, booleans and blanks count as absent),
 * and the company domain from the website fields or, failing those, a work email.
 */
import { domainFromWebsite, domainFromWorkEmail } from '../offline/company-domain';
import { normalizeLinkedInUrl } from '../offline/linkedin-url';
import type { ProviderInput } from './provider-contract';

export function text(input: ProviderInput, field: string): string | undefined {
  const value = input[field];
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (typeof value !== 'string') return undefined;
  const trimmed = value.trim();
  return trimmed === '' ? undefined : trimmed;
}

export function companyDomain(input: ProviderInput): string | undefined {
  return (
    domainFromWebsite(text(input, 'Website')) ??
    domainFromWebsite(text(input, 'Account.Website')) ??
    domainFromWorkEmail(text(input, 'Email'))
  );
}

export function companyName(input: ProviderInput): string | undefined {
  return text(input, 'Company') ?? text(input, 'Account.Name');
}

export function linkedInUrl(input: ProviderInput): string | undefined {
  return normalizeLinkedInUrl(text(input, 'LinkedIn_URL__c'));
}

/** The input fields every person provider can read; the mirror keeps those its plan needs. */
export const PERSON_INPUT_FIELDS = [
  'Email',
  'FirstName',
  'LastName',
  'LinkedIn_URL__c',
  'Company',
  'Website',
  'Account.Name',
  'Account.Website',
] as const;

/**
 * What a person-and-company enrichment API (PDL, Apollo) can look a record up by: an email, a LinkedIn profile, a
 * name with a company, or a company alone (for the company attributes).
 */
export const PERSON_OR_COMPANY_LOOKUPS: readonly (readonly string[])[] = [
  ['Email'],
  ['LinkedIn_URL__c'],
  ['FirstName', 'LastName', 'Company'],
  ['FirstName', 'LastName', 'Website'],
  ['FirstName', 'LastName', 'Account.Name'],
  ['FirstName', 'LastName', 'Account.Website'],
  ['Website'],
  ['Account.Website'],
];

/** What a person-and-company enrichment API (PDL, Apollo) produces. */
export const PERSON_KEYS = [
  'person.work_email',
  'person.title',
  'person.seniority',
  'person.department',
  'person.linkedin_url',
  'person.mobile_phone',
  'person.direct_phone',
  'person.current_company_domain',
] as const satisfies readonly AttributeKey[];
export const COMPANY_KEYS = ['company.industry', 'company.employee_count'] as const satisfies readonly AttributeKey[];
