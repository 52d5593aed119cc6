import { appendGeneratedAccounts } from './account-generator';
import { appendGeneratedContacts } from './contact-generator';
import { DEMO_ACCOUNTS, DEMO_CONTACTS, DEMO_LEADS } from './demo-records';
import { appendGeneratedLeads } from './lead-generator';
import { createOrgDraft } from './org-draft';
import { createRng } from './prng';
import { DEPARTMENT_SPELLINGS, TITLE_POOL } from './title-pools';
import type { SeedData } from './types';

/** The fixed size of the demo org. */
export const DEMO_COUNTS = { accounts: 40, contacts: 300, leads: 80 } as const;

const DEMO_SEED = 0x5eed_de70;

/**
 * The demo org (`--seed demo`, the default): the hand-shaped records of `demo-records.ts` followed by generated ones,
 * identical on every call and every machine. Every title of the title pool (golden cases and variants) is given to
 * one generated contact, so the demo shows each style at least once. Each call returns fresh row objects.
 */
export function generateDemoOrg(): SeedData {
  const draft = createOrgDraft(createRng(DEMO_SEED), 0);
  for (const account of DEMO_ACCOUNTS) {
    draft.accounts.push({ ...account.row });
    draft.accountDomains.push(account.domain);
    draft.accountCountries.push(account.countryIndex);
  }
  appendGeneratedAccounts(draft, DEMO_COUNTS.accounts - DEMO_ACCOUNTS.length);
  for (const contact of DEMO_CONTACTS) draft.contacts.push({ ...contact });
  appendGeneratedContacts(draft, DEMO_COUNTS.contacts - DEMO_CONTACTS.length);
  TITLE_POOL.forEach(([title, fn], offset) => {
    const row = draft.contacts[DEMO_CONTACTS.length + offset];
    if (!row) return;
    row.Title = title;
    if (row.Department !== null) row.Department = DEPARTMENT_SPELLINGS[fn][0] ?? null;
  });
  for (const lead of DEMO_LEADS) draft.leads.push({ ...lead });
  appendGeneratedLeads(draft, DEMO_COUNTS.leads - DEMO_LEADS.length);
  return { accounts: draft.accounts, contacts: draft.contacts, leads: draft.leads };
}
