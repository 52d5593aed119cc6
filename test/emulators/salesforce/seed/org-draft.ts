import type { Rng } from './prng';
import type { ContactRow, Row } from './types';

/**
 * An org being generated: the rows so far plus the facts later rows are built from (each account's true domain
 * and country, which its Website and BillingCountry may spell badly). Generators append to it in place.
 */
export interface OrgDraft {
  rng: Rng;
  accounts: Row[];
  contacts: ContactRow[];
  leads: Row[];
  /** Lower-case domain of each account, by account index. */
  accountDomains: string[];
  /** Country profile index of each account, by account index. */
  accountCountries: number[];
  /** The next `companyIdentity` index to hand out, so accounts and lead companies never repeat by accident. */
  nextCompany: number;
}

export function createOrgDraft(rng: Rng, firstCompany: number): OrgDraft {
  return {
    rng,
    accounts: [],
    contacts: [],
    leads: [],
    accountDomains: [],
    accountCountries: [],
    nextCompany: firstCompany,
  };
}
