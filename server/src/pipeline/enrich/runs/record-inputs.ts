import type { OrgClient } from '../../../salesforce/org-client';
import { recordsByIdQuery } from '../../../salesforce/selectors/record-selectors';
import type { RecordObject } from '../../../domain/mirror-record';
import type { DescribeCache } from '../../../salesforce/schema/describe-cache';
import { flattenRecord } from '../../import/flatten-record';
import type { EnrichmentProvider, ProviderId, ProviderInput } from '../providers/provider-contract';

const ID = /^[a-zA-Z0-9]{15,18}$/;

/** The input fields the plan's providers read that exist on `object` (parent fields as `Account.<Field>`). */
export async function inputFieldsFor(
  object: RecordObject,
  providerOrder: readonly ProviderId[],
  providers: ReadonlyMap<ProviderId, EnrichmentProvider>,
  describes: DescribeCache,
): Promise<{ fields: string[]; parentFields: string[] }> {
  const wanted = new Set<string>();
  for (const id of providerOrder)
    for (const field of providers.get(id)?.descriptor.inputFields ?? []) wanted.add(field);
  const describe = await describes.describe(object);
  const account = object === 'Contact' ? await describes.describe('Account') : undefined;
  const fields: string[] = [];
  const parentFields: string[] = [];
  for (const name of wanted) {
    const [relationship, field] = name.split('.');
    if (field === undefined) {
      const found = describe.field(name);
      if (found) fields.push(found.name);
    } else if (relationship === 'Account' && account?.field(field)) {
      parentFields.push(`Account.${account.field(field)?.name ?? field}`);
    }
  }
  return { fields, parentFields };
}

/**
 * Reads the provider inputs of records straight from Salesforce (the mirror keeps only what the config maps and
 * filters need): one query per 200 ids.
 */
export async function readProviderInputs(
  org: OrgClient,
  object: RecordObject,
  ids: readonly string[],
  input: { fields: string[]; parentFields: string[] },
): Promise<Map<string, ProviderInput>> {
  const found = new Map<string, ProviderInput>();
  const safe = ids.filter((id) => ID.test(id));
  for (let i = 0; i < safe.length; i += 200) {
    const soql = recordsByIdQuery(
      { object, fields: input.fields, parentFields: input.parentFields },
      safe.slice(i, i + 200),
    );
    for (const raw of await org.query<Record<string, unknown>>(soql)) {
      found.set(String(raw.Id), flattenRecord(raw, input.parentFields));
    }
  }
  return found;
}
