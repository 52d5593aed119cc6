/**
 * The estimate before a prospect run (ESTIMATE_RUN on the source): the people the run may take — its own ceiling, or
 * what is left of the month's — times the provider's credits per person, written to `Estimated_Credits__c`. No
 * provider call (a PDL search is charged per record, so asking for a count would cost credits).
 */
import type { OrgClient } from '../../salesforce/org-client';
import type { CreditLedger } from '../enrich/waterfall/credit-ledger';
import type { ProspectSettings } from './prospect-settings';

export async function estimateProspectRun(
  source: { id: string; settings: ProspectSettings },
  deps: { org: OrgClient; ledger: CreditLedger },
): Promise<number> {
  const { settings } = source;
  const monthUsed = (await deps.ledger.monthUsage(source.id)).total;
  const monthLeft = Math.max(0, settings.maxPerMonth * settings.creditsPerRecord - monthUsed);
  const estimate = Math.min(settings.maxPerRun * settings.creditsPerRecord, monthLeft);
  await deps.org.update('Audience_Source__c', source.id, { Estimated_Credits__c: estimate });
  return estimate;
}
