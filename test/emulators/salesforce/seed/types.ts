/** One record's field values, keyed by Salesforce API field name. No `Id` or system fields: the emulator assigns them. */
export type Row = Record<string, string | number | boolean | null>;

/** A contact row plus the index of its account in `SeedData.accounts` (absent for an orphan contact). */
export type ContactRow = Row & { accountRef?: number };

/** The records of a seeded org, in insertion order. */
export interface SeedData {
  accounts: Row[];
  contacts: ContactRow[];
  leads: Row[];
}
