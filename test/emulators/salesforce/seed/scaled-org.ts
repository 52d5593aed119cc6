import { appendGeneratedAccounts } from './account-generator';
import { appendGeneratedContacts } from './contact-generator';
import { appendGeneratedLeads } from './lead-generator';
import { createOrgDraft } from './org-draft';
import { createRng } from './prng';
import type { SeedData } from './types';

const SCALED_SEED = 0x5eed_0001;

/** The sizes `generateScaledOrg(contacts)` produces: contacts/10 accounts and contacts/5 leads, rounded down. */
export function scaledCounts(contacts: number): { accounts: number; contacts: number; leads: number } {
  return { accounts: Math.floor(contacts / 10), contacts, leads: Math.floor(contacts / 5) };
}

/**
 * A generated org of `contacts` contacts (`--seed <N>`), with the same kinds of mess as the demo org at realistic
 * rates. Deterministic: the same N gives the same rows, and a larger N starts with the accounts of a smaller one.
 * Rows reuse pooled strings wherever a value repeats and every row of an object has the same shape, so 200,000
 * contacts stay compact (about 100 MB of heap for the whole org).
 */
export function generateScaledOrg(contacts: number): SeedData {
  if (!Number.isSafeInteger(contacts) || contacts < 0) {
    throw new RangeError(`generateScaledOrg needs a whole number of contacts >= 0, got ${String(contacts)}`);
  }
  const counts = scaledCounts(contacts);
  const draft = createOrgDraft(createRng(SCALED_SEED), 0);
  appendGeneratedAccounts(draft, counts.accounts);
  appendGeneratedContacts(draft, counts.contacts);
  appendGeneratedLeads(draft, counts.leads);
  return { accounts: draft.accounts, contacts: draft.contacts, leads: draft.leads };
}
