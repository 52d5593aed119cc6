/** What the config loader makes of an `Audience_Source__c` of type Prospects (pipeline/prospects runs it). */
import type { ProspectSettings } from '../pipeline/prospects/prospect-settings';

/** Prospect searches create Leads, or Contacts under the Account of the person's company domain. */
export const PROSPECT_OBJECTS = ['Lead', 'Contact'] as const;
export type ProspectObject = (typeof PROSPECT_OBJECTS)[number];

/** An active prospect search source whose settings parsed and whose provider is configured on this server. */
export type ProspectSourceConfig = {
  id: string;
  name: string;
  object: ProspectObject;
  settings: ProspectSettings;
};

/** What the config loader asks of this server about a prospect source: the problem with it here, if any. */
export type ProspectSourceCheck = {
  problem(settings: ProspectSettings): string | undefined;
};
