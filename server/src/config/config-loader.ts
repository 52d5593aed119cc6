import type { Connection } from 'jsforce';
import { composeQuery } from '../pipeline/segments/filter/soql-parser';
import { attributeKeySchema } from '../domain/attributes';
import type { FieldMap } from '../domain/field-map';
import {
  AUDIENCE,
  AUDIENCE_FIELD_MAP,
  AUDIENCE_SOURCE,
  CONFIG_OBJECTS,
  recordSchema,
  type ObjectSpec,
} from '../domain/records';
import type { Logger } from '../lib/logger';
import { parseFilter, validateFilterFields, type Filter, type FilterFieldCatalog } from '../pipeline/segments/filter';
import type { DescribeCache, ObjectDescribe } from '../salesforce/schema/describe-cache';
import { fieldMapProblem } from './field-map-validation';
import type { AudienceConfig, ConfigProblem, LoopConfig, SourceConfig } from './loop-config';

type ConfigObjectName = keyof typeof CONFIG_OBJECTS;

interface RawRecord {
  Id: string;
  Name?: string | null;
  Status__c?: string | null;
  Status_Message__c?: string | null;
  [field: string]: unknown;
}

/** The status a config record should show, and the record as it is now. */
interface StatusVerdict {
  object: ConfigObjectName;
  record: RawRecord;
  message: string | undefined;
}

function selectAll(object: ConfigObjectName, spec: ObjectSpec): string {
  const fields = ['Id', ...Object.keys(spec).filter((f) => f !== 'Id')];
  return composeQuery({ fields: fields.map((field) => ({ type: 'Field' as const, field })), sObject: object });
}

function shorten(message: string): string {
  return message.length <= 255 ? message : `${message.slice(0, 252)}...`;
}

function filterCatalog(describe: ObjectDescribe, account: ObjectDescribe | undefined): FilterFieldCatalog {
  return {
    fields: describe.fields,
    parentFields: (relationship) =>
      relationship === 'Account' && describe.name !== 'Account' ? account?.fields : undefined,
  };
}

/**
 * Reads the config objects, checks each record (zod shape, filters against describe, field maps against
 * describe and the active sources) and writes `Status__c` / `Status_Message__c` back where they change, so an
 * admin sees on the record itself why it is not used. A bad record never stops the others.
 */
export class ConfigLoader {
  constructor(
    private readonly conn: Connection,
    private readonly describes: DescribeCache,
    private readonly logger: Logger,
  ) {}

  async load(): Promise<LoopConfig> {
    this.describes.invalidate();
    const verdicts: StatusVerdict[] = [];
    const [sourceRows, audienceRows, mapRows] = await Promise.all([
      this.queryAll('Audience_Source__c', AUDIENCE_SOURCE),
      this.queryAll('Audience__c', AUDIENCE),
      this.queryAll('Audience_Field_Map__c', AUDIENCE_FIELD_MAP),
    ]);
    const account = await this.describes.describe('Account').catch(() => undefined);

    const sources: SourceConfig[] = [];
    for (const row of sourceRows) {
      const verdict = await this.checkSource(row, account);
      verdicts.push({ object: 'Audience_Source__c', record: row, message: verdict.problem });
      if (verdict.source) sources.push(verdict.source);
    }
    const sourcedObjects = new Set(sources.map((s) => s.object));

    const audiences: AudienceConfig[] = [];
    for (const row of audienceRows) {
      const verdict = await this.checkAudience(row, account, sourcedObjects);
      verdicts.push({ object: 'Audience__c', record: row, message: verdict.problem });
      if (verdict.audience) audiences.push(verdict.audience);
    }

    const fieldMaps: FieldMap[] = [];
    for (const row of mapRows) {
      const verdict = await this.checkFieldMap(row, sourcedObjects);
      verdicts.push({ object: 'Audience_Field_Map__c', record: row, message: verdict.problem });
      if (verdict.fieldMap) fieldMaps.push(verdict.fieldMap);
    }

    await this.writeStatuses(verdicts);
    const problems: ConfigProblem[] = verdicts
      .filter((v) => v.message !== undefined)
      .map((v) => ({
        object: v.object,
        id: v.record.Id,
        name: v.record.Name ?? undefined,
        message: v.message as string,
      }));
    for (const problem of problems) this.logger.warn(problem, 'config record not used');
    return { sources, audiences, fieldMaps, problems, loadedAt: new Date().toISOString() };
  }

  private async queryAll(object: ConfigObjectName, spec: ObjectSpec): Promise<RawRecord[]> {
    const result = await this.conn.query<RawRecord>(selectAll(object, spec), { autoFetch: true, maxFetch: 100_000 });
    return result.records;
  }

  private async checkSource(row: RawRecord, account: ObjectDescribe | undefined) {
    const parsed = recordSchema(AUDIENCE_SOURCE).safeParse(row);
    if (!parsed.success) return { problem: shorten(`invalid record: ${parsed.error.issues[0]?.message ?? ''}`) };
    const source = parsed.data as unknown as Record<string, unknown> & { Id: string };
    if (!source.Active__c) return { problem: undefined };
    if (source.Type__c !== 'Salesforce') {
      return {
        problem:
          source.Type__c === 'CSV'
            ? undefined // CSV files come in through `npm run import:csv`; nothing to follow continuously.
            : `source type ${String(source.Type__c)} is not supported yet; use Salesforce or CSV`,
      };
    }
    const object = source.Object__c as SourceConfig['object'];
    const filter = await this.checkFilter(object, source.Inclusion_Filter__c as string | null, account);
    if ('problem' in filter) return { problem: filter.problem };
    return {
      problem: undefined,
      source: {
        id: source.Id,
        name: String(source.Name ?? source.Id),
        object,
        filter: filter.filter,
        lastFullSyncAt: (source.Last_Full_Sync_At__c as string | null) ?? undefined,
      },
    };
  }

  private async checkAudience(row: RawRecord, account: ObjectDescribe | undefined, sourced: Set<string>) {
    const parsed = recordSchema(AUDIENCE).safeParse(row);
    if (!parsed.success) return { problem: shorten(`invalid record: ${parsed.error.issues[0]?.message ?? ''}`) };
    const audience = parsed.data as unknown as Record<string, unknown> & { Id: string };
    if (!audience.Active__c) return { problem: undefined };
    const object = audience.Object__c as AudienceConfig['object'];
    if (!sourced.has(object)) return { problem: `no active Salesforce source imports ${object}; add or activate one` };
    const filter = await this.checkFilter(object, audience.Filter__c as string | null, account);
    if ('problem' in filter) return { problem: filter.problem };
    return {
      problem: undefined,
      audience: {
        id: audience.Id,
        name: String(audience.Name ?? audience.Id),
        object,
        filter: filter.filter,
        memberCount: (audience.Member_Count__c as number | null) ?? undefined,
      },
    };
  }

  private async checkFilter(
    object: string,
    json: string | null,
    account: ObjectDescribe | undefined,
  ): Promise<{ filter: Filter } | { problem: string }> {
    try {
      const filter = parseFilter(json && json.trim() !== '' ? json : '{"all":[]}');
      const describe = await this.describes.describe(object);
      return { filter: validateFilterFields(filter, filterCatalog(describe, account)) };
    } catch (error) {
      return { problem: shorten(`filter: ${(error as Error).message}`) };
    }
  }

  private async checkFieldMap(row: RawRecord, sourced: Set<string>) {
    const parsed = recordSchema(AUDIENCE_FIELD_MAP).safeParse(row);
    if (!parsed.success) return { problem: shorten(`invalid record: ${parsed.error.issues[0]?.message ?? ''}`) };
    const map = parsed.data as unknown as Record<string, unknown> & { Id: string };
    if (!map.Active__c) return { problem: undefined };
    const rawAttribute = typeof map.Attribute__c === 'string' ? map.Attribute__c.trim() : '';
    const attribute = rawAttribute === '' ? undefined : attributeKeySchema.safeParse(rawAttribute);
    if (attribute && !attribute.success) return { problem: shorten(`unknown attribute ${rawAttribute}`) };
    const object = map.Object__c as FieldMap['object'];
    const describe = await this.describes.describe(object).catch(() => undefined);
    const describeField = describe?.field(String(map.Field__c));
    const problem = fieldMapProblem({
      object,
      field: String(map.Field__c),
      attribute: attribute?.data,
      rule: String(map.Write_Rule__c),
      describeField,
      objectHasActiveSource: sourced.has(object),
    });
    if (problem) return { problem: shorten(problem) };
    return {
      problem: undefined,
      fieldMap: {
        id: map.Id,
        object,
        field: (describeField?.name ?? String(map.Field__c)) as string,
        attribute: attribute?.data,
        rule: map.Write_Rule__c as FieldMap['rule'],
        importable: Boolean(map.Import__c),
      },
    };
  }

  /** Writes only the statuses that change, so a reload caused by our own status write ends there. */
  private async writeStatuses(verdicts: StatusVerdict[]): Promise<void> {
    const byObject = new Map<string, { Id: string; Status__c: string; Status_Message__c: string | null }[]>();
    for (const { object, record, message } of verdicts) {
      const status = message === undefined ? 'OK' : 'Error';
      const statusMessage = message ?? null;
      if (record.Status__c === status && (record.Status_Message__c ?? null) === statusMessage) continue;
      const list = byObject.get(object) ?? [];
      list.push({ Id: record.Id, Status__c: status, Status_Message__c: statusMessage });
      byObject.set(object, list);
    }
    for (const [object, updates] of byObject) {
      for (let i = 0; i < updates.length; i += 200) {
        const results = await this.conn.sobject(object).update(updates.slice(i, i + 200), { allOrNone: false });
        for (const result of results) {
          if (!result.success) this.logger.error({ object, result }, 'could not write a config status');
        }
      }
    }
  }
}
