/**
 * DRY_RUN_EXPORT then RUN_EXPORT over the sandbox demo org (the demo seed and the sandbox's sources and field maps),
 * with two of the maps saved as Preview. The dry run writes no record field, records a `Dry_Run` run with
 * `Skips_By_Reason__c` and attaches a CSV of every planned write and skip; a rep's own values on a Preview Tracked
 * field are reported as `not_ours`. RUN_EXPORT then makes the maps Live and backfills them: the org is compared
 * before and after through jsforce, and the fields that changed are exactly the dry run's planned writes.
 */
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_FIELD_MAPS, DEMO_SOURCES } from '../../server/src/sandbox/demo-config';
import { API_VERSION, LoopHarness, type FieldMapSpec } from './support/loop-harness';

type Row = Record<string, unknown> & { Id: string };
interface CsvRow {
  record: string;
  object: string;
  field: string;
  current: string;
  new: string;
  rule: string;
  mode: string;
  reason: string;
  detail: string;
}

/** Seniority__c (Tracked) and LinkedIn_URL__c (Tracked) on Contact are previewed; the other demo maps are Live. */
const PREVIEWED = new Set(['Seniority__c', 'LinkedIn_URL__c']);
const FIELD_MAPS = DEMO_FIELD_MAPS.map(({ Name: _name, ...map }) => ({
  ...map,
  Mode__c: map.Object__c === 'Contact' && PREVIEWED.has(map.Field__c) ? 'Preview' : 'Live',
})) as unknown as FieldMapSpec[];
/** Every field a demo map names, per object: the fields compared before and after RUN_EXPORT. */
const MAPPED = (object: string) => [
  ...new Set(DEMO_FIELD_MAPS.filter((m) => m.Object__c === object).map((m) => m.Field__c)),
];

let h: LoopHarness;
const repEdited: string[] = [];

async function snapshot(object: 'Contact' | 'Lead'): Promise<Map<string, Row>> {
  const rows = await h.query<Row>(`SELECT Id, ${MAPPED(object).join(', ')} FROM ${object}`);
  return new Map(rows.map((r) => [r.Id, r]));
}

/** `record.field=value` for every mapped field whose value differs between two snapshots. */
function changes(object: 'Contact' | 'Lead', before: Map<string, Row>, after: Map<string, Row>): string[] {
  const out: string[] = [];
  for (const [id, row] of after) {
    for (const field of MAPPED(object)) {
      const was = before.get(id)?.[field] ?? null;
      const now = row[field] ?? null;
      if (was !== now) out.push(`${id}.${field}=${String(now)}`);
    }
  }
  return out.sort();
}

async function download(contentVersionId: string): Promise<string> {
  const response = await fetch(
    `${h.emulator.instanceUrl}/services/data/v${API_VERSION}/sobjects/ContentVersion/${contentVersionId}/VersionData`,
    { headers: { authorization: `Bearer ${h.admin.accessToken}` } },
  );
  expect(response.status).toBe(200);
  return response.text();
}

beforeAll(async () => {
  h = await LoopHarness.create({
    seed: 'demo',
    sources: DEMO_SOURCES.map(({ Name, Object__c, Inclusion_Filter__c }) => ({
      Name,
      Object__c: Object__c as 'Contact' | 'Lead',
      Inclusion_Filter__c,
    })),
    fieldMaps: FIELD_MAPS,
  });
  // A rep types their own Seniority on three reachable contacts after the import: never written by us.
  const reachable = await h.query<Row>(
    'SELECT Id FROM Contact WHERE Email != null AND Seniority__c = null ORDER BY Id LIMIT 3',
  );
  repEdited.push(...reachable.map((r) => r.Id));
  await h.updateRecords(
    'Contact',
    repEdited.map((Id) => ({ Id, Seniority__c: 'Entry' })),
    h.repConn(),
  );
  await h.settle();
}, 180_000);

afterAll(async () => {
  await h?.stop();
});

describe('dry run, then run export', { timeout: 180_000 }, () => {
  it('lists exactly the writes RUN_EXPORT then makes, and the rep-changed fields as not_ours', async () => {
    const beforeDry = { Contact: await snapshot('Contact'), Lead: await snapshot('Lead') };
    await h.resetCounters();
    await h.loop.handleCommand({
      command: 'DRY_RUN_EXPORT',
      source: 'Audience_Command__e',
      requestedBy: h.userIds.admin,
    });
    // Not one record field was written by the dry run.
    const afterDry = { Contact: await snapshot('Contact'), Lead: await snapshot('Lead') };
    expect(changes('Contact', beforeDry.Contact, afterDry.Contact)).toEqual([]);
    expect(changes('Lead', beforeDry.Lead, afterDry.Lead)).toEqual([]);

    const [run] = await h.query<Row>(
      "SELECT Id, Status__c, Total__c, Succeeded__c, Skipped__c, Skips_By_Reason__c FROM Audience_Run__c WHERE Type__c = 'Dry_Run'",
    );
    expect(run?.Status__c).toBe('Succeeded');
    const links = await h.query<Row & { ContentDocumentId: string }>(
      `SELECT Id, ContentDocumentId FROM ContentDocumentLink WHERE LinkedEntityId = '${run!.Id}'`,
    );
    expect(links).toHaveLength(1);
    const [version] = await h.query<Row>(
      `SELECT Id FROM ContentVersion WHERE ContentDocumentId = '${links[0]!.ContentDocumentId}' AND IsLatest = true`,
    );
    const csv = parse(await download(version!.Id), { columns: true }) as CsvRow[];
    const writes = csv.filter((r) => r.reason === 'write');
    const skips = csv.filter((r) => r.reason !== 'write');
    expect(writes.length).toBeGreaterThan(0);
    expect(run?.Succeeded__c).toBe(writes.length);
    expect(run?.Skipped__c).toBe(skips.length);
    const byReason: Record<string, number> = {};
    for (const skip of skips) byReason[skip.reason] = (byReason[skip.reason] ?? 0) + 1;
    expect(JSON.parse(String(run?.Skips_By_Reason__c))).toEqual(byReason);
    // The Live maps have nothing pending in a continuous loop: every planned write is a Preview map's.
    expect(new Set(writes.map((w) => w.mode))).toEqual(new Set(['Preview']));
    // The rep's own values are not ours, with the reason a real run gives.
    for (const id of repEdited) {
      const row = csv.find((r) => r.record === id && r.field === 'Seniority__c');
      expect(row).toMatchObject({ reason: 'not_ours', current: 'Entry', mode: 'Preview', rule: 'Tracked' });
    }
    expect(byReason.not_ours).toBeGreaterThanOrEqual(repEdited.length);

    await h.loop.handleCommand({ command: 'RUN_EXPORT', source: 'Audience_Command__e', requestedBy: h.userIds.admin });
    await h.settle();
    const maps = await h.query<Row>(
      "SELECT Id, Field__c, Mode__c FROM Audience_Field_Map__c WHERE Object__c = 'Contact'",
    );
    expect(maps.filter((m) => m.Mode__c !== 'Live')).toEqual([]);

    const afterExport = { Contact: await snapshot('Contact'), Lead: await snapshot('Lead') };
    const planned = writes.map((w) => `${w.record}.${w.field}=${w.new}`).sort();
    expect(changes('Contact', afterDry.Contact, afterExport.Contact)).toEqual(planned);
    expect(changes('Lead', afterDry.Lead, afterExport.Lead)).toEqual([]);
    for (const id of repEdited) expect(afterExport.Contact.get(id)?.Seniority__c).toBe('Entry');
  });
});
