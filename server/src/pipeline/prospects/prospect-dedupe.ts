/**
 * Which prospects are new: not created by an earlier run (a Redis set of identity keys per source) and not already a
 * Lead or Contact in the org (email, LinkedIn URL, or first + last name at the same company domain).
 */
import type { RedisClient as Redis } from '../../state/redis';
import type { OrgClient } from '../../salesforce/org-client';
import { existingPeopleQuery } from '../../salesforce/selectors/prospect-selectors';
import { identityKeys, normalDomain, normalLinkedIn, type Prospect } from './prospect';

type PersonRow = {
  FirstName?: string | null;
  LastName?: string | null;
  Email?: string | null;
  LinkedIn_URL__c?: string | null;
  Website?: string | null;
  Account?: { Website?: string | null } | null;
};

export type DedupeVerdict = {
  prospect: Prospect;
  skip?: 'seen_in_earlier_run' | 'exists_in_salesforce' | 'duplicate_in_answer';
};

export const seenKey = (prefix: string, sourceId: string) => `${prefix}:prospects:${sourceId}:seen`;

function rowKeys(row: PersonRow): string[] {
  const keys: string[] = [];
  if (row.Email) keys.push(`email:${row.Email.toLowerCase()}`);
  const linkedIn = normalLinkedIn(row.LinkedIn_URL__c);
  if (linkedIn) keys.push(`linkedin:${linkedIn}`);
  const domain = normalDomain(row.Website ?? row.Account?.Website);
  if (domain && row.FirstName && row.LastName) {
    keys.push(`name:${row.FirstName.toLowerCase()} ${row.LastName.toLowerCase()}@${domain}`);
  }
  return keys;
}

/** How Salesforce may hold a LinkedIn URL: we ask for the usual spellings of each. */
const linkedInSpellings = (url: string) => [
  url,
  `https://${url}`,
  `https://www.${url}`,
  `http://www.${url}`,
  `www.${url}`,
];

export async function judgeProspects(
  prospects: readonly Prospect[],
  deps: { org: OrgClient; redis: Redis; prefix: string; sourceId: string },
): Promise<DedupeVerdict[]> {
  const lookup = {
    emails: [...new Set(prospects.flatMap((p) => (p.email ? [p.email] : [])))],
    linkedInUrls: [...new Set(prospects.flatMap((p) => (p.linkedInUrl ? linkedInSpellings(p.linkedInUrl) : [])))],
    lastNames: [...new Set(prospects.map((p) => p.lastName))],
  };
  const known = new Set<string>();
  for (const object of ['Lead', 'Contact'] as const) {
    const soql = existingPeopleQuery(object, lookup);
    if (!soql) continue;
    for (const row of await deps.org.query<PersonRow>(soql)) rowKeys(row).forEach((key) => known.add(key));
  }
  const allKeys = prospects.flatMap(identityKeys);
  const seenFlags =
    allKeys.length > 0 ? await deps.redis.smismember(seenKey(deps.prefix, deps.sourceId), ...allKeys) : [];
  const seen = new Set(allKeys.filter((_, index) => seenFlags[index] === 1));
  const inThisAnswer = new Set<string>();
  return prospects.map((prospect) => {
    const keys = identityKeys(prospect);
    if (keys.some((key) => seen.has(key))) return { prospect, skip: 'seen_in_earlier_run' };
    if (keys.some((key) => known.has(key))) return { prospect, skip: 'exists_in_salesforce' };
    if (keys.some((key) => inThisAnswer.has(key))) return { prospect, skip: 'duplicate_in_answer' };
    keys.forEach((key) => inThisAnswer.add(key));
    return { prospect };
  });
}

/** Remembers a created person so no later run creates them again, even if the record is deleted meanwhile. */
export async function rememberProspect(
  redis: Redis,
  prefix: string,
  sourceId: string,
  prospect: Prospect,
): Promise<void> {
  const keys = identityKeys(prospect);
  if (keys.length > 0) await redis.sadd(seenKey(prefix, sourceId), ...keys);
}
