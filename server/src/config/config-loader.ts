import { attributeKeySchema } from '../domain/attributes';
import type { FieldMap } from '../domain/field-map';
import { mirrorsParent } from '../domain/mirrored-parents';
import type { RecordObject } from '../domain/mirror-record';
import {
  AUDIENCE,
  AUDIENCE_ACTION,
  AUDIENCE_FIELD_MAP,
  AUDIENCE_SIGNAL_RULE,
  AUDIENCE_SOURCE,
  CONFIG_OBJECTS,
  RECORD_OBJECTS,
  recordSchema,
  type ObjectSpec,
} from '../domain/records';
import type { Logger } from '../lib/logger';
import { parseFilter, validateFilterFields, type Filter, type FilterFieldCatalog } from '../pipeline/segments/filter';
import { readTogether, type BatchedReads } from '../salesforce/composite-reads';
import type { OrgClient } from '../salesforce/org-client';
import type { DescribeCache, ObjectDescribe } from '../salesforce/schema/describe-cache';
import { configRecordsQuery } from '../salesforce/selectors/config-selectors';
import type { ActionRowCheck } from './action-check';
import type { CollectionsClient } from '../salesforce/writers/collections-client';
import { shortStatusMessage as shorten, writeConfigStatuses, type ConfigStatusVerdict } from './config-status-writer';
import { fieldMapProblem } from './field-map-validation';
import { relationshipPathProblem } from './filter-relationships';
import type { LoadedAction } from '../pipeline/action/loaded-action';
import type { LoadedSignalRule } from '../signals/signal-rule';
import { checkSignalRule } from '../signals/signal-rule-check';
import type { AudienceConfig, ConfigProblem, LoopConfig, SourceConfig } from './loop-config';
import { parseProspectSettings } from '../pipeline/prospects/prospect-settings';
import {
  PROSPECT_OBJECTS,
  type ProspectObject,
  type ProspectSourceCheck,
  type ProspectSourceConfig,
} from './prospect-source';
import {
  parseWarehouseSettings,
  WAREHOUSE_TYPES,
  type WarehouseSourceCheck,
  type WarehouseSourceConfig,
  type WarehouseType,
} from './warehouse-source';

type ConfigObjectName = keyof typeof CONFIG_OBJECTS;

/** Rows read per config object at most. */
const MAX_ROWS = 100_000;

interface RawRecord {
  Id: string;
  Name?: string | null;
  Status__c?: string | null;
  Status_Message__c?: string | null;
  [field: string]: unknown;
}

function filterCatalog(
  object: RecordObject,
  describe: ObjectDescribe,
  account: ObjectDescribe | undefined,
): FilterFieldCatalog {
  return {
    fields: describe.fields,
    parentFields: (relationship) =>
      relationship === 'Account' && mirrorsParent(object, relationship) ? account?.fields : undefined,
  };
}

/**
 * Reads the config objects, checks each record (zod shape, filters against describe, field maps against
 * describe and the active sources) and writes `Status__c` / `Status_Message__c` back where they change, so an
 * admin sees on the record itself why it is not used. A bad record never stops the others.
 */
export class ConfigLoader {
  constructor(
    private readonly org: OrgClient,
    private readonly statuses: CollectionsClient,
    private readonly describes: DescribeCache,
    private readonly logger: Logger,
    /** Checks `Audience_Action__c` records (the action step's targets); without it, actions are not loaded. */
    private readonly actionCheck?: ActionRowCheck,
    /** Checks warehouse sources (connection set here, query read-only); without it, they are not loaded. */
    private readonly warehouseCheck?: WarehouseSourceCheck,
    /** Checks prospect search sources (provider configured here); without it, they are not loaded. */
    private readonly prospectCheck?: ProspectSourceCheck,
  ) {}

  async load(): Promise<LoopConfig> {
    this.describes.invalidate();
    const verdicts: ConfigStatusVerdict[] = [];
    const [sourceRows, audienceRows, mapRows, actionRows, ruleRows] = await this.readConfigObjects([
      ['Audience_Source__c', AUDIENCE_SOURCE],
      ['Audience__c', AUDIENCE],
      ['Audience_Field_Map__c', AUDIENCE_FIELD_MAP],
      ['Audience_Action__c', AUDIENCE_ACTION],
      ['Audience_Signal_Rule__c', AUDIENCE_SIGNAL_RULE],
    ]);
    const account = await this.describes.describe('Account').catch(() => undefined);

    // Only when a warehouse source is there: the PostgreSQL parser is WebAssembly with memory of its own (RSS).
    if (sourceRows.some((row) => (WAREHOUSE_TYPES as readonly unknown[]).includes(row.Type__c))) {
      await this.warehouseCheck?.ready();
    }
    const sources: SourceConfig[] = [];
    const warehouseSources: WarehouseSourceConfig[] = [];
    const prospectSources: ProspectSourceConfig[] = [];
    for (const row of sourceRows) {
      if (row.Type__c === 'Prospects') {
        const verdict = this.checkProspectSource(row);
        verdicts.push({ object: 'Audience_Source__c', record: row, problem: verdict.problem });
        if (verdict.source) prospectSources.push(verdict.source);
        continue;
      }
      if ((WAREHOUSE_TYPES as readonly unknown[]).includes(row.Type__c)) {
        const verdict = this.checkWarehouseSource(row);
        verdicts.push({ object: 'Audience_Source__c', record: row, problem: verdict.problem });
        if (verdict.source) warehouseSources.push(verdict.source);
        continue;
      }
      const verdict = await this.checkSource(row, account);
      verdicts.push({ object: 'Audience_Source__c', record: row, problem: verdict.problem });
      if (verdict.source) sources.push(verdict.source);
    }
    const sourcedObjects = new Set(sources.map((s) => s.object));

    const audiences: AudienceConfig[] = [];
    for (const row of audienceRows) {
      const verdict = await this.checkAudience(row, account, sourcedObjects);
      verdicts.push({ object: 'Audience__c', record: row, problem: verdict.problem });
      if (verdict.audience) audiences.push(verdict.audience);
    }

    const fieldMaps: FieldMap[] = [];
    for (const row of mapRows) {
      // A warehouse source writes its object's fields under their maps' rules: its maps are in use too.
      const verdict = await this.checkFieldMap(
        row,
        new Set([...sourcedObjects, ...warehouseSources.map((source) => source.object)]),
      );
      verdicts.push({ object: 'Audience_Field_Map__c', record: row, problem: verdict.problem });
      if (verdict.fieldMap) fieldMaps.push(verdict.fieldMap);
    }

    const actions: LoadedAction[] = [];
    if (this.actionCheck) {
      const audienceById = new Map(audiences.map((a) => [a.id, a]));
      for (const row of actionRows) {
        const verdict = await this.actionCheck.check(row, audienceById.get(String(row.Audience__c ?? '')));
        const problem = verdict.problem === undefined ? undefined : shorten(verdict.problem);
        verdicts.push({ object: 'Audience_Action__c', record: row, problem });
        if (verdict.action) actions.push(verdict.action);
      }
    }

    const signalRules: LoadedSignalRule[] = [];
    const ruleContext = {
      sourcedObjects,
      actionsById: new Map(actions.map((a) => [a.id, a])),
      describe: (object: RecordObject) => this.describes.describe(object).catch(() => undefined),
      takenSlugs: new Map<string, string>(),
    };
    for (const row of ruleRows) {
      const verdict = await checkSignalRule(row, ruleContext);
      const problem = verdict.problem === undefined ? undefined : shorten(verdict.problem);
      verdicts.push({ object: 'Audience_Signal_Rule__c', record: row, problem });
      if (verdict.rule) signalRules.push(verdict.rule);
    }

    await writeConfigStatuses(this.statuses, verdicts, this.logger);
    const problems: ConfigProblem[] = verdicts
      .filter((v) => v.problem !== undefined)
      .map((v) => ({
        object: v.object,
        id: v.record.Id,
        name: (v.record as RawRecord).Name ?? undefined,
        message: v.problem as string,
      }));
    for (const problem of problems) this.logger.warn(problem, 'config record not used');
    const actionAudienceIds = [...new Set(actions.map((a) => a.audienceId))];
    return {
      sources,
      warehouseSources,
      prospectSources,
      audiences,
      fieldMaps,
      actionAudienceIds,
      actions,
      signalRules,
      problems,
      loadedAt: new Date().toISOString(),
    };
  }

  /**
   * The five config objects and the record objects' describes in one Composite call (seven calls or more asked one
   * by one). A query Salesforce refused in it is asked again alone, so its error is the one it always was; a
   * Composite request that failed as a whole falls back to asking each.
   */
  private async readConfigObjects<const T extends readonly (readonly [ConfigObjectName, ObjectSpec])[]>(
    objects: T,
  ): Promise<{ [K in keyof T]: RawRecord[] }> {
    const soql = objects.map(([object, spec]) => configRecordsQuery(object, Object.keys(spec)));
    let batched: BatchedReads<RawRecord> | undefined;
    try {
      batched = await readTogether<RawRecord>(this.org, {
        queries: soql,
        describes: RECORD_OBJECTS,
        maxFetch: MAX_ROWS,
      });
    } catch (error) {
      this.logger.warn({ err: error }, 'config read in one Composite call failed; reading each on its own');
    }
    for (const [object, raw] of batched?.describes ?? []) this.describes.prime(object, raw);
    const rows = await Promise.all(
      objects.map(([object, spec], i) => {
        const answer = batched?.queries[i];
        return answer?.ok ? answer.rows : this.queryAll(object, spec);
      }),
    );
    return rows as { [K in keyof T]: RawRecord[] };
  }

  private async queryAll(object: ConfigObjectName, spec: ObjectSpec): Promise<RawRecord[]> {
    return this.org.query<RawRecord>(configRecordsQuery(object, Object.keys(spec)), { maxFetch: MAX_ROWS });
  }

  /** A Postgres / Snowflake source: Settings__c parses, the connection is set here, the query is read-only. */
  private checkWarehouseSource(row: RawRecord): { problem?: string; source?: WarehouseSourceConfig } {
    const parsed = recordSchema(AUDIENCE_SOURCE).safeParse(row);
    if (!parsed.success) return { problem: shorten(`invalid record: ${parsed.error.issues[0]?.message ?? ''}`) };
    const source = parsed.data as unknown as Record<string, unknown> & { Id: string };
    if (!source.Active__c) return {};
    const type = source.Type__c as WarehouseType;
    if (!this.warehouseCheck) return { problem: `${type} sources are not run by this process` };
    const settings = parseWarehouseSettings(source.Settings__c as string | null);
    if ('problem' in settings) return { problem: shorten(settings.problem) };
    const problem = this.warehouseCheck.problem(type, settings);
    if (problem !== undefined) return { problem: shorten(problem) };
    return {
      source: {
        id: source.Id,
        name: String(source.Name ?? source.Id),
        type,
        object: source.Object__c as RecordObject,
        settings,
        ...(typeof source.Watermark__c === 'string' && { storedWatermark: source.Watermark__c }),
      },
    };
  }

  /** A prospect search: Settings__c parses, it creates Leads or Contacts, its provider is configured here. */
  private checkProspectSource(row: RawRecord): { problem?: string; source?: ProspectSourceConfig } {
    const parsed = recordSchema(AUDIENCE_SOURCE).safeParse(row);
    if (!parsed.success) return { problem: shorten(`invalid record: ${parsed.error.issues[0]?.message ?? ''}`) };
    const source = parsed.data as unknown as Record<string, unknown> & { Id: string };
    if (!source.Active__c) return {};
    if (!this.prospectCheck) return { problem: 'Prospects sources are not run by this process' };
    const object = source.Object__c as ProspectObject;
    if (!(PROSPECT_OBJECTS as readonly string[]).includes(object))
      return { problem: `a prospect search creates Leads or Contacts, not ${String(object)}` };
    let settings;
    try {
      settings = parseProspectSettings(source.Settings__c as string | null);
    } catch (error) {
      return { problem: shorten((error as Error).message) };
    }
    const problem = this.prospectCheck.problem(settings);
    if (problem !== undefined) return { problem: shorten(problem) };
    return { source: { id: source.Id, name: String(source.Name ?? source.Id), object, settings } };
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
    object: RecordObject,
    json: string | null,
    account: ObjectDescribe | undefined,
  ): Promise<{ filter: Filter } | { problem: string }> {
    try {
      const filter = parseFilter(json && json.trim() !== '' ? json : '{"all":[]}');
      const describe = await this.describes.describe(object);
      // A parent field the mirror does not keep would read as blank on every record: refuse it, never match all.
      const relationshipProblem = relationshipPathProblem(object, filter, describe);
      if (relationshipProblem) return { problem: shorten(`filter: ${relationshipProblem}`) };
      return { filter: validateFilterFields(filter, filterCatalog(object, describe, account)) };
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
        mode: map.Mode__c === 'Preview' ? ('Preview' as const) : ('Live' as const),
      },
    };
  }
}
