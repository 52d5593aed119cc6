import type { Connection } from 'jsforce';
import type { AttributeKey } from '../../server/src/domain/attributes';
import {
  computeOfflineAttributes,
  OFFLINE_INPUT_FIELDS,
} from '../../server/src/pipeline/enrich/offline/offline-provider';
import { BENCH_FIELD_MAPS } from './bench-config';
import type { EmulatorControl } from './emulator-control';

export interface NaiveResult {
  records: number;
  seconds: number;
  recordsPerS: number;
  apiCalls: number;
  apiCallsPer1000: number;
  failures: number;
}

/**
 * What an integrator writes without this project: one SOQL query (jsforce fetches the pages), then for every
 * record the same offline enrichment functions and one `update` call with the mapped fields. No batching, no
 * comparison with what the field holds, no mirror.
 */
export async function runNaiveBaseline(input: {
  conn: Connection;
  control: EmulatorControl;
  integrationUserId: string;
  sample: number;
}): Promise<NaiveResult> {
  const { conn } = input;
  const before = (await input.control.counters()).byUser[input.integrationUserId] ?? 0;
  const start = performance.now();
  const fields = ['Id', ...OFFLINE_INPUT_FIELDS.Contact];
  const result = await conn.query<Record<string, unknown>>(
    `SELECT ${fields.join(', ')} FROM Contact ORDER BY Id DESC LIMIT ${input.sample}`,
    { autoFetch: true, maxFetch: input.sample },
  );
  const wanted = BENCH_FIELD_MAPS.map((m) => m.Attribute__c as AttributeKey);
  let failures = 0;
  for (const raw of result.records) {
    const flat: Record<string, unknown> = { ...raw };
    const account = raw.Account as Record<string, unknown> | null | undefined;
    flat['Account.Website'] = account?.Website ?? null;
    flat['Account.BillingCountry'] = account?.BillingCountry ?? null;
    const attributes = computeOfflineAttributes(flat as never, wanted, { defaultRegion: 'US', now: () => new Date() });
    const patch: Record<string, unknown> = { Id: raw.Id, Audience_Last_Enriched_At__c: new Date().toISOString() };
    for (const map of BENCH_FIELD_MAPS) {
      const value = attributes.find((a) => a.key === map.Attribute__c)?.value;
      if (value !== undefined && value !== null) patch[map.Field__c] = value;
    }
    const saved = await conn
      .sobject('Contact')
      .update(patch as { Id: string })
      .catch(() => ({ success: false }));
    if (!saved.success) failures += 1;
  }
  const seconds = (performance.now() - start) / 1000;
  const apiCalls = ((await input.control.counters()).byUser[input.integrationUserId] ?? 0) - before;
  const records = result.records.length;
  return {
    records,
    seconds,
    recordsPerS: records / seconds,
    apiCalls,
    apiCallsPer1000: (apiCalls / records) * 1000,
    failures,
  };
}
