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
// number by an import tool). Anything else cannot be read as text and counts as absent. Read by hand, not by a zod
// schema: this runs for every record of every page, on values the mirror already checked (issue 19 profile).
const ALL_INPUT_FIELDS = [...new Set(Object.values(OFFLINE_INPUT_FIELDS).flat())];

function textOf(value: unknown): string | null | undefined {
  if (typeof value === 'string' || value === null) return value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return undefined;
}

function readInput(input: OfflineInput): ReadInput {
  const record: { [K in OfflineInputField]?: string | null } = {};
  for (const field of ALL_INPUT_FIELDS) {
    const value = textOf(input[field]);
    if (value !== undefined) record[field] = value;
  }
  return record;
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

type ReadInput = { readonly [K in OfflineInputField]?: string | null };
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
  if (!isPhoneRegion(options.defaultRegion)) {
    throw new RangeError(
      `defaultRegion must be an ISO 3166-1 alpha-2 region with phone metadata, got "${options.defaultRegion}"`,
    );
  }
  const record = readInput(input);
  const fetchedAt = options.now().toISOString();
  const phone = lazy(() => firstValidPhone(record, options.defaultRegion));
  const results: AttributeValue[] = [];
  for (const key of new Set(wanted)) {
    if (!isOfflineAttributeKey(key)) continue;
    const computed = computeOne(key, record, phone);
    if (computed) results.push({ key, ...computed, provider: 'offline', fetchedAt });
  }
  return results;
}

export function isOfflineAttributeKey(key: AttributeKey): key is OfflineAttributeKey {
  return (OFFLINE_ATTRIBUTE_KEYS as readonly AttributeKey[]).includes(key);
}

function computeOne(
  key: OfflineAttributeKey,
  record: ReadInput,
  phone: () => ParsedPhone | undefined,
): Computed | undefined {
  switch (key) {
    case 'person.email_normalized':
      return withConfidence(normalizeEmail(record.Email), OFFLINE_CONFIDENCE.deterministic);
    case 'person.email_status': {
      const status = classifyEmail(record.Email);
      const bySyntax = status === 'invalid' || status === 'valid_format';
      return withConfidence(status, bySyntax ? OFFLINE_CONFIDENCE.deterministic : OFFLINE_CONFIDENCE.listLookup);
    }
    case 'person.phone_e164': {
      const parsed = phone();
      return parsed && { value: parsed.e164, confidence: phoneConfidence(parsed) };
    }
    case 'person.phone_type': {
      const parsed = phone();
      return parsed && { value: phoneType(parsed.numberType), confidence: phoneConfidence(parsed) };
    }
    case 'person.first_name':
      return casedName(record.FirstName);
    case 'person.last_name':
      return casedName(record.LastName);
    case 'person.seniority': {
      const seniority = classifySeniority(record.Title);
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
      const department = classifyDepartment(record.Title);
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
      return withConfidence(normalizeLinkedInUrl(record.LinkedIn_URL__c), OFFLINE_CONFIDENCE.deterministic);
    case 'company.domain':
      return (
        withConfidence(domainFromWebsite(record.Website), OFFLINE_CONFIDENCE.companyDomainFromWebsite) ??
        withConfidence(domainFromWebsite(record['Account.Website']), OFFLINE_CONFIDENCE.companyDomainFromWebsite) ??
        withConfidence(domainFromWorkEmail(record.Email), OFFLINE_CONFIDENCE.companyDomainFromEmail)
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

function firstValidPhone(record: ReadInput, defaultRegion: string): ParsedPhone | undefined {
  const recordRegion = COUNTRY_FIELDS.map((field) => countryToAlpha2(record[field])).find((code) => code !== undefined);
  for (const field of PHONE_FIELDS) {
    const parsed = parsePhone(record[field], recordRegion, defaultRegion);
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

// The phone is parsed at most once per record, and only when a phone attribute is wanted.
function lazy<T>(compute: () => T): () => T {
  let done = false;
  let value: T;
  return () => {
    if (!done) {
      value = compute();
      done = true;
    }
    return value;
  };
}
