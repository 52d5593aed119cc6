import type { AttributeKey, AttributeValue } from '../../../domain/attributes';
import { domainFromWebsite, domainFromWorkEmail } from './company-domain';
import { countryToAlpha2 } from './country-code';
import { classifyDepartment } from './department';
import { normalizeEmail } from './email-normalized';
import { classifyEmail } from './email-status';
import { normalizeLinkedInUrl } from './linkedin-url';
import { OFFLINE_CONFIDENCE } from './offline-confidence';
import { properCaseName } from './person-name';
import { isPhoneRegion, parsePhone, type ParsedPhone } from './phone-number';
import { phoneType } from './phone-type';
import { classifySeniority } from './seniority';

/** The attributes computed without a key or a network (DESIGN.md §8, "offline" column). */
export const OFFLINE_ATTRIBUTE_KEYS = [
  'person.email_normalized',
  'person.email_status',
  'person.phone_e164',
  'person.phone_type',
  'person.first_name',
  'person.last_name',
  'person.seniority',
  'person.department',
  'person.linkedin_url',
  'company.domain',
] as const satisfies readonly AttributeKey[];
export type OfflineAttributeKey = (typeof OFFLINE_ATTRIBUTE_KEYS)[number];

/**
 * The record fields the offline attributes read, per Salesforce object, so the import step knows what to mirror.
 * A Contact takes its company website and fallback country from its Account.
 */
export const OFFLINE_INPUT_FIELDS = {
  Contact: [
    'Email',
    'Phone',
    'MobilePhone',
    'FirstName',
    'LastName',
    'Title',
    'LinkedIn_URL__c',
    'MailingCountry',
    'Account.Website',
    'Account.BillingCountry',
  ],
  Lead: ['Email', 'Phone', 'MobilePhone', 'FirstName', 'LastName', 'Title', 'LinkedIn_URL__c', 'Country', 'Website'],
  Account: ['Website', 'BillingCountry', 'Phone'],
} as const;
export type OfflineInputObject = keyof typeof OFFLINE_INPUT_FIELDS;
export type OfflineInputField = (typeof OFFLINE_INPUT_FIELDS)[OfflineInputObject][number];

const PHONE_INPUTS = [
  'Phone',
  'MobilePhone',
  'MailingCountry',
  'Country',
  'BillingCountry',
  'Account.BillingCountry',
] as const;

/** Which input fields each offline attribute reads (any object), for mirroring only what mapped attributes need. */
export const OFFLINE_ATTRIBUTE_INPUTS: { readonly [K in OfflineAttributeKey]: readonly OfflineInputField[] } = {
  'person.email_normalized': ['Email'],
  'person.email_status': ['Email'],
  'person.phone_e164': PHONE_INPUTS,
  'person.phone_type': PHONE_INPUTS,
  'person.first_name': ['FirstName'],
  'person.last_name': ['LastName'],
  'person.seniority': ['Title'],
  'person.department': ['Title'],
  'person.linkedin_url': ['LinkedIn_URL__c'],
  'company.domain': ['Website', 'Account.Website', 'Email'],
};

// Mirror values are Salesforce field values: strings, null for blank, occasionally numbers (a phone stored as a
// number by an import tool). Anything else cannot be read as text and counts as absent. Read by hand where used,
// not by a zod schema nor into a copy: this runs for every record of every page, on values the mirror already
// checked (issue 19 profile).
function textOf(value: unknown): string | null | undefined {
  if (typeof value === 'string' || value === null) return value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return undefined;
}

/** A record's field values as mirrored; fields the offline attributes do not read may be present and are ignored. */
export type OfflineInput = { readonly [K in OfflineInputField]?: string | number | null } & Readonly<
  Record<string, unknown>
>;

export type OfflineOptions = {
  /** ISO alpha-2 region for national phone numbers when the record has no usable country (DEFAULT_PHONE_REGION). */
  defaultRegion: string;
  now: () => Date;
};

type Computed = { value: string; confidence: number };

// The country fields in the order they describe the person: their own address first, then their company's.
const COUNTRY_FIELDS = ['MailingCountry', 'Country', 'BillingCountry', 'Account.BillingCountry'] as const;
const PHONE_FIELDS = ['Phone', 'MobilePhone'] as const;

/**
 * Computes the wanted offline attributes of one record. Keys offline cannot produce, and attributes whose input is
 * blank or unusable, are simply absent from the result. Every value carries provider 'offline', a confidence (see
 * OFFLINE_CONFIDENCE) and the time from `options.now`.
 */
export function computeOfflineAttributes(
  input: OfflineInput,
  wanted: readonly AttributeKey[],
  options: OfflineOptions,
): AttributeValue[] {
  checkDefaultRegion(options.defaultRegion);
  const fetchedAt = isoTextOf(options.now());
  // The phone is parsed at most once per record, and only when a phone attribute is wanted.
  const wantsPhone = wanted.includes('person.phone_e164') || wanted.includes('person.phone_type');
  const phone = wantsPhone ? firstValidPhone(input, options.defaultRegion) : undefined;
  const results: AttributeValue[] = [];
  for (let index = 0; index < wanted.length; index++) {
    const key = wanted[index] as AttributeKey;
    // Each key once, in the order first asked (no Set per record).
    if (!isOfflineAttributeKey(key) || wanted.indexOf(key) !== index) continue;
    const computed = computeOne(key, input, phone);
    if (computed) {
      results.push({ key, value: computed.value, confidence: computed.confidence, provider: 'offline', fetchedAt });
    }
  }
  return results;
}

// A page's records share one `now` and one default region: each is formatted or checked once, not per record.
let lastCheckedRegion: string | undefined;
let lastInstant: number | undefined;
let lastIsoText = '';

function checkDefaultRegion(region: string): void {
  if (region === lastCheckedRegion) return;
  if (!isPhoneRegion(region)) {
    throw new RangeError(`defaultRegion must be an ISO 3166-1 alpha-2 region with phone metadata, got "${region}"`);
  }
  lastCheckedRegion = region;
}

function isoTextOf(date: Date): string {
  const instant = date.getTime();
  if (instant !== lastInstant) {
    lastIsoText = date.toISOString();
    lastInstant = instant;
  }
  return lastIsoText;
}

export function isOfflineAttributeKey(key: AttributeKey): key is OfflineAttributeKey {
  return (OFFLINE_ATTRIBUTE_KEYS as readonly AttributeKey[]).includes(key);
}

function computeOne(
  key: OfflineAttributeKey,
  input: OfflineInput,
  phone: ParsedPhone | undefined,
): Computed | undefined {
  switch (key) {
    case 'person.email_normalized':
      return withConfidence(normalizeEmail(textOf(input.Email)), OFFLINE_CONFIDENCE.deterministic);
    case 'person.email_status': {
      const status = classifyEmail(textOf(input.Email));
      const bySyntax = status === 'invalid' || status === 'valid_format';
      return withConfidence(status, bySyntax ? OFFLINE_CONFIDENCE.deterministic : OFFLINE_CONFIDENCE.listLookup);
    }
    case 'person.phone_e164':
      return phone && { value: phone.e164, confidence: phoneConfidence(phone) };
    case 'person.phone_type':
      return phone && { value: phoneType(phone.numberType), confidence: phoneConfidence(phone) };
    case 'person.first_name':
      return casedName(textOf(input.FirstName));
    case 'person.last_name':
      return casedName(textOf(input.LastName));
    case 'person.seniority': {
      const seniority = classifySeniority(textOf(input.Title));
      return (
        seniority && {
          value: seniority.value,
          confidence: seniority.fromRankWord
            ? OFFLINE_CONFIDENCE.seniorityRankWord
            : OFFLINE_CONFIDENCE.seniorityDefault,
        }
      );
    }
    case 'person.department': {
      const department = classifyDepartment(textOf(input.Title));
      return (
        department && {
          value: department.value,
          confidence: department.fromFunctionWord
            ? OFFLINE_CONFIDENCE.departmentFunctionWord
            : OFFLINE_CONFIDENCE.departmentDefault,
        }
      );
    }
    case 'person.linkedin_url':
      return withConfidence(normalizeLinkedInUrl(textOf(input.LinkedIn_URL__c)), OFFLINE_CONFIDENCE.deterministic);
    case 'company.domain':
      return (
        withConfidence(domainFromWebsite(textOf(input.Website)), OFFLINE_CONFIDENCE.companyDomainFromWebsite) ??
        withConfidence(
          domainFromWebsite(textOf(input['Account.Website'])),
          OFFLINE_CONFIDENCE.companyDomainFromWebsite,
        ) ??
        withConfidence(domainFromWorkEmail(textOf(input.Email)), OFFLINE_CONFIDENCE.companyDomainFromEmail)
      );
  }
}

function withConfidence(value: string | undefined, confidence: number): Computed | undefined {
  return value === undefined ? undefined : { value, confidence };
}

function casedName(raw: string | null | undefined): Computed | undefined {
  const name = properCaseName(raw);
  return (
    name && {
      value: name.value,
      confidence: name.recased ? OFFLINE_CONFIDENCE.nameRecased : OFFLINE_CONFIDENCE.nameKept,
    }
  );
}

function firstValidPhone(input: OfflineInput, defaultRegion: string): ParsedPhone | undefined {
  let recordRegion: string | undefined;
  for (const field of COUNTRY_FIELDS) {
    recordRegion = countryToAlpha2(textOf(input[field]));
    if (recordRegion !== undefined) break;
  }
  for (const field of PHONE_FIELDS) {
    const parsed = parsePhone(textOf(input[field]), recordRegion, defaultRegion);
    if (parsed) return parsed;
  }
  return undefined;
}

function phoneConfidence(phone: ParsedPhone): number {
  if (phone.regionSource === 'international') return OFFLINE_CONFIDENCE.phoneInternational;
  return phone.regionSource === 'record_country'
    ? OFFLINE_CONFIDENCE.phoneRecordCountry
    : OFFLINE_CONFIDENCE.phoneDefaultRegion;
}
