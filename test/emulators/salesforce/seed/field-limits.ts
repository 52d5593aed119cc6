/**
 * Maximum lengths of the text fields the seed fills, as Salesforce declares them (describe `length`). Seed values
 * must fit so that inserting them never fails validation; the tests hold every row to these limits.
 */
export const FIELD_LIMITS: Readonly<Record<'Account' | 'Contact' | 'Lead', Readonly<Record<string, number>>>> = {
  Account: {
    Name: 255,
    Website: 255,
    Industry: 255,
    Type: 255,
    Phone: 40,
    BillingStreet: 255,
    BillingCity: 40,
    BillingState: 80,
    BillingPostalCode: 20,
    BillingCountry: 80,
  },
  Contact: {
    FirstName: 40,
    LastName: 80,
    Email: 80,
    Phone: 40,
    MobilePhone: 40,
    Title: 128,
    Department: 80,
    MailingCity: 40,
    MailingCountry: 80,
    LeadSource: 255,
    LinkedIn_URL__c: 255,
    Description: 32000,
  },
  Lead: {
    FirstName: 40,
    LastName: 80,
    Company: 255,
    Email: 80,
    Phone: 40,
    Title: 128,
    Website: 255,
    Country: 80,
    Status: 255,
    LeadSource: 255,
    Industry: 255,
    LinkedIn_URL__c: 255,
    Description: 32000,
  },
};

/** Numeric fields and their largest value: `NumberOfEmployees` is int(8), `AnnualRevenue` currency(18, 0). */
export const NUMBER_LIMITS: Readonly<Record<string, number>> = {
  NumberOfEmployees: 99_999_999,
  AnnualRevenue: 999_999_999_999_999_999,
};
