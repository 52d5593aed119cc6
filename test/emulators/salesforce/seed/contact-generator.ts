import { linkedinUrlFor } from './linkedin-formats';
import { WEIGHTED_COUNTRY_INDEXES, COUNTRY_PROFILES, countrySpelling, type CountryProfile } from './country-profiles';
import { recasedEmail } from './email-formats';
import type { OrgDraft } from './org-draft';
import { FIRST_NAME_POOL, LAST_NAME_POOL } from './name-pools';
import { departmentFor, emailFor, notesFor, pickTitle, typedName, typedTitle } from './person-fields';
import { phoneFor } from './phone-formats';
import { LEAD_SOURCES } from './picklists';
import { contactRow } from './row-shapes';
import type { ContactRow } from './types';

/**
 * Append `count` generated contacts spread over the draft's accounts (about 3 % orphans), with the messy classes
 * at realistic rates: missing, role, free-mail, disposable and mixed-case emails, every phone format, blank titles,
 * country variants, and duplicates (the same person again with the email re-cased, or two people sharing an address).
 */
export function appendGeneratedContacts(draft: OrgDraft, count: number): void {
  const { rng, contacts } = draft;
  const accountCount = draft.accounts.length;
  for (let i = 0; i < count; i++) {
    const previous: ContactRow | undefined = contacts[contacts.length - 1];
    const duplicateRoll = rng.int(1000);
    if (previous && duplicateRoll < 10 && typeof previous.Email === 'string') {
      contacts.push(duplicateOf(draft, previous));
      continue;
    }
    const orphan = accountCount === 0 || rng.chance(0.03);
    const accountRef = orphan ? undefined : rng.int(accountCount);
    const countryIndex =
      accountRef !== undefined && rng.chance(0.85)
        ? (draft.accountCountries[accountRef] as number)
        : rng.pick(WEIGHTED_COUNTRY_INDEXES);
    const profile = COUNTRY_PROFILES[countryIndex] as CountryProfile;
    const first = rng.chance(0.985) ? rng.pick(FIRST_NAME_POOL) : null;
    const last = rng.pick(LAST_NAME_POOL);
    const title = pickTitle(rng);
    const domain = accountRef === undefined ? null : (draft.accountDomains[accountRef] as string);
    const sharedEmail = duplicateRoll < 15 && typeof previous?.Email === 'string' ? previous.Email : null;
    // One literal in the field order of `contactRow` (row-shapes.ts), so every contact row shares one shape.
    const row: ContactRow = {
      FirstName: first === null ? null : typedName(rng, first.name),
      LastName: typedName(rng, last.name),
      Email: sharedEmail ?? emailFor(rng, first?.slug ?? '', last.slug, domain),
      Phone: rng.chance(0.8) ? phoneFor(rng, countryIndex, false) : null,
      MobilePhone: rng.chance(0.35) ? phoneFor(rng, countryIndex, true) : null,
      Title: typedTitle(rng, title),
      Department: departmentFor(rng, title),
      MailingCity: rng.chance(0.7) ? rng.pick(profile.cities)[0] : null,
      MailingCountry: countrySpelling(rng.next(), rng.int(64), countryIndex),
      LeadSource: rng.chance(0.7) ? rng.pick(LEAD_SOURCES) : null,
      LinkedIn_URL__c: rng.chance(0.3) ? linkedinUrlFor(rng, first?.slug ?? '', last.slug, contacts.length) : null,
      Description: notesFor(rng),
    };
    if (accountRef !== undefined) row.accountRef = accountRef;
    contacts.push(row);
  }
}

/** The same person entered again: same names and account, the email in another casing, other fields re-typed. */
function duplicateOf(draft: OrgDraft, original: ContactRow): ContactRow {
  const { rng } = draft;
  return contactRow(
    {
      FirstName: original.FirstName as string | null,
      LastName: String(original.LastName),
      Email: recasedEmail(String(original.Email)),
      Phone: rng.chance(0.5) ? (original.Phone as string | null) : null,
      MobilePhone: null,
      Title: original.Title as string | null,
      Department: null,
      MailingCity: original.MailingCity as string | null,
      MailingCountry: original.MailingCountry as string | null,
      LeadSource: rng.pick(LEAD_SOURCES),
      LinkedIn_URL__c: null,
      Description: null,
    },
    original.accountRef,
  );
}
