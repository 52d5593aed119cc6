/** The Lead (or Contact) a new prospect becomes: LeadSource, the search's name and where the person came from. */
import type { Prospect } from './prospect';
import type { ProspectSettings } from './prospect-settings';

export function leadFields(
  prospect: Prospect,
  settings: ProspectSettings,
  sourceId: string,
  at: Date,
): Record<string, unknown> {
  return {
    FirstName: prospect.firstName,
    LastName: prospect.lastName,
    Email: prospect.email,
    Title: prospect.title?.slice(0, 128) ?? null,
    // Company is required on a Lead; the domain stands in when the provider gave no name.
    Company: (prospect.companyName ?? prospect.companyDomain ?? 'Unknown').slice(0, 255),
    Website: prospect.companyDomain,
    LinkedIn_URL__c: prospect.linkedInUrl ? `https://www.${prospect.linkedInUrl}` : null,
    LeadSource: settings.leadSource,
    Description: `Prospect search "${settings.name}" (${settings.provider})`,
    Audience_Provenance__c: provenance(prospect, settings, sourceId, at),
  };
}

export function contactFields(
  prospect: Prospect,
  settings: ProspectSettings,
  accountId: string,
  sourceId: string,
  at: Date,
) {
  return {
    AccountId: accountId,
    FirstName: prospect.firstName,
    LastName: prospect.lastName,
    Email: prospect.email,
    Title: prospect.title?.slice(0, 128) ?? null,
    LinkedIn_URL__c: prospect.linkedInUrl ? `https://www.${prospect.linkedInUrl}` : null,
    LeadSource: settings.leadSource,
    Description: `Prospect search "${settings.name}" (${settings.provider})`,
    Audience_Provenance__c: provenance(prospect, settings, sourceId, at),
  };
}

/**
 * Audience_Provenance__c in the export's entry shape (pipeline/export/provenance.ts) — value, provider, cost, rule,
 * times — plus the source and search that found the person.
 */
function provenance(prospect: Prospect, settings: ProspectSettings, sourceId: string, at: Date): string {
  const values: Record<string, string | null> = {
    FirstName: prospect.firstName,
    LastName: prospect.lastName,
    Email: prospect.email,
    Title: prospect.title,
    LinkedIn_URL__c: prospect.linkedInUrl ? `https://www.${prospect.linkedInUrl}` : null,
  };
  const entries = Object.entries(values)
    .filter(([, value]) => value !== null)
    .map(([field, value]) => [
      field,
      {
        value,
        provider: settings.provider,
        confidence: 1,
        cost: settings.creditsPerRecord,
        fetchedAt: at.toISOString(),
        rule: 'Always',
        writtenAt: at.toISOString(),
        source: sourceId,
        search: settings.name,
        providerId: prospect.providerId,
      },
    ]);
  return JSON.stringify(Object.fromEntries(entries));
}
