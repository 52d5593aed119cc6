import { companyIdentity } from './company-names';
import { COUNTRY_PROFILES, WEIGHTED_COUNTRY_INDEXES, countrySpelling, type CountryProfile } from './country-profiles';
import { recasedEmail } from './email-formats';
import { linkedinUrlFor } from './linkedin-formats';
import type { OrgDraft } from './org-draft';
import { emailFor, notesFor, pickName, pickTitle, typedName, typedTitle } from './person-fields';
import { phoneFor } from './phone-formats';
import { COMMON_INDUSTRIES, LEAD_SOURCES, LEAD_STATUSES } from './picklists';
import type { Rng } from './prng';
import { leadRow } from './row-shapes';
import { websiteFor } from './website-formats';
import type { Row } from './types';

/** What web forms and list imports put in the required Company field when the person gave none. */
const PLACEHOLDER_COMPANIES = ['[not provided]', 'Self-employed', 'n/a', 'Unknown', 'none', 'Individual'];

function statusFor(rng: Rng): string {
  const roll = rng.int(100);
  if (roll < 45) return LEAD_STATUSES[0];
  if (roll < 80) return LEAD_STATUSES[1];
  if (roll < 95) return LEAD_STATUSES[3];
  return LEAD_STATUSES[2];
}

function sourceFor(rng: Rng): string | null {
  const roll = rng.int(100);
  if (roll < 40) return 'Web';
  if (roll < 85) return rng.pick(LEAD_SOURCES);
  return null;
}

/**
 * Append `count` generated leads: a quarter at companies that are already accounts (matching and conversion
 * cases), placeholder companies, people who are also contacts, and the same person submitted twice.
 */
export function appendGeneratedLeads(draft: OrgDraft, count: number): void {
  const { rng, leads, accounts, contacts } = draft;
  for (let i = 0; i < count; i++) {
    const previous: Row | undefined = leads[leads.length - 1];
    const duplicateRoll = rng.int(100);
    if (previous && duplicateRoll < 2 && typeof previous.Email === 'string') {
      leads.push(
        leadRow({
          FirstName: previous.FirstName as string | null,
          LastName: String(previous.LastName),
          Company: String(previous.Company),
          Email: recasedEmail(previous.Email),
          Phone: previous.Phone as string | null,
          Title: previous.Title as string | null,
          Country: previous.Country as string | null,
          Status: LEAD_STATUSES[0],
          LeadSource: 'Web',
        }),
      );
      continue;
    }
    const name = pickName(rng);
    let countryIndex = rng.pick(WEIGHTED_COUNTRY_INDEXES);
    let company: string;
    let domain: string | null;
    let industry: string | null = null;
    const companyRoll = rng.int(100);
    if (accounts.length > 0 && companyRoll < 25) {
      const accountIndex = rng.int(accounts.length);
      company = typedName(rng, String(accounts[accountIndex]?.Name));
      domain = draft.accountDomains[accountIndex] as string;
      countryIndex = draft.accountCountries[accountIndex] as number;
      industry = (accounts[accountIndex]?.Industry as string | null | undefined) ?? null;
    } else if (companyRoll < 30) {
      company = rng.pick(PLACEHOLDER_COMPANIES);
      domain = null;
    } else {
      const identity = companyIdentity(draft.nextCompany++, countryIndex);
      company = identity.baseName + rng.pick((COUNTRY_PROFILES[countryIndex] as CountryProfile).companySuffixes);
      domain = identity.domain;
      industry = rng.chance(0.6) ? identity.industry : rng.chance(0.5) ? rng.pick(COMMON_INDUSTRIES) : null;
    }
    let email = emailFor(rng, name.first?.slug ?? '', name.last.slug, domain);
    let firstName = name.first === null ? null : typedName(rng, name.first.name);
    let lastName = typedName(rng, name.last.name);
    const alsoContact = contacts.length > 0 && duplicateRoll < 4 ? contacts[rng.int(contacts.length)] : undefined;
    if (alsoContact && typeof alsoContact.Email === 'string') {
      firstName = alsoContact.FirstName as string | null;
      lastName = String(alsoContact.LastName);
      email = alsoContact.Email;
    }
    const title = pickTitle(rng);
    leads.push(
      leadRow({
        FirstName: firstName,
        LastName: lastName,
        Company: company,
        Email: email,
        Phone: rng.chance(0.75) ? phoneFor(rng, countryIndex, rng.chance(0.3)) : null,
        Title: typedTitle(rng, title),
        Website: domain !== null && rng.chance(0.55) ? websiteFor(rng, domain) : null,
        Country: countrySpelling(rng.next(), rng.int(64), countryIndex),
        Status: statusFor(rng),
        LeadSource: sourceFor(rng),
        Industry: industry,
        LinkedIn_URL__c: rng.chance(0.2)
          ? linkedinUrlFor(rng, name.first?.slug ?? '', name.last.slug, leads.length)
          : null,
        Description: notesFor(rng),
      }),
    );
  }
}
