import { z } from 'zod';
import type { OrgClient } from '../org-client';
import { selectQuery } from '../selectors/select-query';

const memberRow = z.looseObject({
  DeveloperName: z.string().nullish(),
  SelectedEntity: z.string(),
});

/**
 * The entities selected on a change channel (`Audience_Loop__chn` → `ContactChangeEvent`, …), read through the
 * Tooling API: `PlatformEventChannelMember` is not reachable through the REST query endpoint. Members are told
 * apart by their DeveloperName (`Audience_Loop_chn_<Entity>`, force-app's naming): the Tooling API returns
 * FullName only when a query yields a single row, so it cannot be used here.
 */
export async function channelMembers(org: OrgClient, channel: string): Promise<string[]> {
  const soql = selectQuery({ object: 'PlatformEventChannelMember', fields: ['Id', 'DeveloperName', 'SelectedEntity'] });
  const result = await org.connection.tooling.query<Record<string, unknown>>(soql);
  return z
    .array(memberRow)
    .parse(result.records)
    .filter((row) => (row.DeveloperName ?? '').startsWith(`${channel.replace(/__chn$/, '')}_chn_`))
    .map((row) => row.SelectedEntity)
    .sort();
}
