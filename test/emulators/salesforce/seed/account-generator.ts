import { companyIdentity } from './company-names';
import { COUNTRY_PROFILES, WEIGHTED_COUNTRY_INDEXES, countrySpelling, type CountryProfile } from './country-profiles';
import type { OrgDraft } from './org-draft';
import { phoneFor } from './phone-formats';
import { ACCOUNT_TYPES, COMMON_INDUSTRIES } from './picklists';
import type { Rng } from './prng';
import { accountRow } from './row-shapes';
import { websiteFor } from './website-formats';

const STREETS = [
  'Main St',
  'Market Street',
  'Mission St.',
  'Broadway',
  '5th Avenue',
  'High Street',
  'King St',
  'Industrial Pkwy',
  'Park Ave',
  'Commerce Dr.',
  'Station Road',
  'Harbour Way',
];

/** [min, span] buckets of NumberOfEmployees, from one-person shops to large enterprises. */
const EMPLOYEE_BUCKETS: readonly (readonly [number, number])[] = [
  [1, 10],
  [11, 40],
  [51, 150],
  [201, 300],
  [501, 500],
  [1001, 4000],
  [5001, 5000],
  [10001, 90000],
];

const SHORT_TYPES = ['Prospect', 'Prospect', 'Prospect', 'Customer - Direct', 'Customer - Direct'] as const;

function streetFor(rng: Rng): string | null {
  const roll = rng.int(100);
  if (roll < 8) return null;
  const base = String(1 + rng.int(9000)) + ' ' + rng.pick(STREETS);
  if (roll < 20) return base + ', Suite ' + (100 + rng.int(900));
  if (roll < 26) return base + '\nFloor ' + (2 + rng.int(30));
  if (roll < 29) return 'PO Box ' + (100 + rng.int(9900));
  return base;
}

/** The name as a duplicate record spells it: other casing or another legal suffix. */
export function duplicateNameOf(rng: Rng, name: string): string {
  switch (rng.int(4)) {
    case 0:
      return name.toUpperCase();
    case 1:
      return name.toLowerCase();
    case 2:
      return name.replace(/,? (Inc\.?|LLC|Ltd\.?|Corp\.?|Corporation|GmbH|Group|Co\.)$/, '') + ', Inc.';
    default:
      return name + ' (old)';
  }
}

/** Append `count` generated accounts, about 2 % of them duplicates of an earlier account. */
export function appendGeneratedAccounts(draft: OrgDraft, count: number): void {
  const { rng } = draft;
  for (let i = 0; i < count; i++) {
    let countryIndex = rng.pick(WEIGHTED_COUNTRY_INDEXES);
    const identity = companyIdentity(draft.nextCompany++, countryIndex);
    let profile = COUNTRY_PROFILES[countryIndex] as CountryProfile;
    let name = identity.baseName + rng.pick(profile.companySuffixes);
    let domain = identity.domain;
    const existing = draft.accounts.length;
    if (existing > 0 && rng.chance(0.02)) {
      const original = rng.int(existing);
      name = duplicateNameOf(rng, String(draft.accounts[original]?.Name));
      domain = draft.accountDomains[original] as string;
      countryIndex = draft.accountCountries[original] as number;
      profile = COUNTRY_PROFILES[countryIndex] as CountryProfile;
    }
    const bucket = rng.pick(EMPLOYEE_BUCKETS);
    const employees = bucket[0] + rng.int(bucket[1]);
    const city = rng.pick(profile.cities);
    const hasCity = rng.chance(0.9);
    draft.accounts.push(
      accountRow({
        Name: name,
        Website: rng.chance(0.9) ? websiteFor(rng, domain) : null,
        Industry: rng.chance(0.8) ? (rng.chance(0.7) ? identity.industry : rng.pick(COMMON_INDUSTRIES)) : null,
        Type: rng.chance(0.95) ? (rng.chance(0.6) ? rng.pick(SHORT_TYPES) : rng.pick(ACCOUNT_TYPES)) : null,
        NumberOfEmployees: rng.chance(0.85) ? employees : null,
        AnnualRevenue: rng.chance(0.7) ? employees * (50 + rng.int(350)) * 1000 : null,
        Phone: rng.chance(0.88) ? phoneFor(rng, countryIndex, false) : null,
        BillingStreet: streetFor(rng),
        BillingCity: hasCity ? city[0] : null,
        BillingState: hasCity ? city[1] : null,
        BillingPostalCode: rng.chance(0.8) ? city[2] : null,
        BillingCountry: countrySpelling(rng.next(), rng.int(64), countryIndex),
      }),
    );
    draft.accountDomains.push(domain);
    draft.accountCountries.push(countryIndex);
  }
}
