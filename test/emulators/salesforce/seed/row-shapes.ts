import type { ContactRow, Row } from './types';

/**
 * The fields each seeded object fills, in one fixed order. Every row of an object has all of them (blank = null),
 * so rows share one object shape in the JavaScript engine and stay small.
 */

export interface AccountFields {
  Name: string;
  Website: string | null;
  Industry: string | null;
  Type: string | null;
  NumberOfEmployees: number | null;
  AnnualRevenue: number | null;
  Phone: string | null;
  BillingStreet: string | null;
  BillingCity: string | null;
  BillingState: string | null;
  BillingPostalCode: string | null;
  BillingCountry: string | null;
}

export interface ContactFields {
  FirstName: string | null;
  LastName: string;
  Email: string | null;
  Phone: string | null;
  MobilePhone: string | null;
  Title: string | null;
  Department: string | null;
  MailingCity: string | null;
  MailingCountry: string | null;
  LeadSource: string | null;
  LinkedIn_URL__c: string | null;
  Description: string | null;
}

export interface LeadFields {
  FirstName: string | null;
  LastName: string;
  Company: string;
  Email: string | null;
  Phone: string | null;
  Title: string | null;
  Website: string | null;
  Country: string | null;
  Status: string;
  LeadSource: string | null;
  Industry: string | null;
  LinkedIn_URL__c: string | null;
  Description: string | null;
}

export function accountRow(values: Pick<AccountFields, 'Name'> & Partial<AccountFields>): Row {
  return {
    Name: values.Name,
    Website: values.Website ?? null,
    Industry: values.Industry ?? null,
    Type: values.Type ?? null,
    NumberOfEmployees: values.NumberOfEmployees ?? null,
    AnnualRevenue: values.AnnualRevenue ?? null,
    Phone: values.Phone ?? null,
    BillingStreet: values.BillingStreet ?? null,
    BillingCity: values.BillingCity ?? null,
    BillingState: values.BillingState ?? null,
    BillingPostalCode: values.BillingPostalCode ?? null,
    BillingCountry: values.BillingCountry ?? null,
  };
}

/** A contact row; `accountRef` undefined makes an orphan (no `accountRef` key at all). */
export function contactRow(
  values: Pick<ContactFields, 'LastName'> & Partial<ContactFields>,
  accountRef: number | undefined,
): ContactRow {
  const row: ContactRow = {
    FirstName: values.FirstName ?? null,
    LastName: values.LastName,
    Email: values.Email ?? null,
    Phone: values.Phone ?? null,
    MobilePhone: values.MobilePhone ?? null,
    Title: values.Title ?? null,
    Department: values.Department ?? null,
    MailingCity: values.MailingCity ?? null,
    MailingCountry: values.MailingCountry ?? null,
    LeadSource: values.LeadSource ?? null,
    LinkedIn_URL__c: values.LinkedIn_URL__c ?? null,
    Description: values.Description ?? null,
  };
  if (accountRef !== undefined) row.accountRef = accountRef;
  return row;
}

export function leadRow(values: Pick<LeadFields, 'LastName' | 'Company'> & Partial<LeadFields>): Row {
  return {
    FirstName: values.FirstName ?? null,
    LastName: values.LastName,
    Company: values.Company,
    Email: values.Email ?? null,
    Phone: values.Phone ?? null,
    Title: values.Title ?? null,
    Website: values.Website ?? null,
    Country: values.Country ?? null,
    Status: values.Status ?? 'Open - Not Contacted',
    LeadSource: values.LeadSource ?? null,
    Industry: values.Industry ?? null,
    LinkedIn_URL__c: values.LinkedIn_URL__c ?? null,
    Description: values.Description ?? null,
  };
}
