import { z } from 'zod';
import type { RecordObject } from '../domain/mirror-record';
import { cronSchema, timeZoneSchema } from './schedule-fields';

/** Warehouse kinds an `Audience_Source__c` may be; each has a reader behind the same seam. */
export const WAREHOUSE_TYPES = ['Postgres', 'Snowflake'] as const;
export type WarehouseType = (typeof WAREHOUSE_TYPES)[number];

const apiName = z.string().regex(/^[A-Za-z][A-Za-z0-9_]*$/, 'must be a field API name such as Email or Id');
const columnName = z.string().trim().min(1).max(128);

/**
 * `Audience_Source__c.Settings__c` of a warehouse source (JSON). Secrets are not here: `connection` names an
 * environment variable set (`POSTGRES_URL_<NAME>`) on the server.
 */
export const warehouseSettingsSchema = z
  .strictObject({
    connection: z
      .string()
      .trim()
      .regex(/^[A-Za-z][A-Za-z0-9_]*$/, 'must be a name such as DEMO (the server reads POSTGRES_URL_DEMO)')
      .transform((name) => name.toUpperCase()),
    query: z.string().trim().min(1, 'give the SELECT whose column aliases name the fields to fill'),
    /** Field rows are matched on: Email, an external id / unique text field, or Id. */
    match: apiName.default('Email'),
    /** Whether a row that matches no record creates one. */
    create: z.boolean().default(false),
    /** A column that grows with every change (e.g. updated_at): runs after the first read only newer rows. */
    cursor: columnName.optional(),
    /** A unique column ordering rows that share one cursor value (e.g. id). */
    key: columnName.optional(),
    /** Five-field cron; unset: the source runs on RUN_IMPORT only. */
    schedule: cronSchema.optional(),
    timeZone: timeZoneSchema,
    /** Rows fetched per page (and matched per chunk of writes). */
    pageSize: z.number().int().min(1).max(2000).default(200),
  })
  .refine((settings) => (settings.cursor === undefined) === (settings.key === undefined), {
    message: 'give both "cursor" and "key" for incremental runs, or neither',
  });

export type WarehouseSettings = z.infer<typeof warehouseSettingsSchema>;

/** An active warehouse `Audience_Source__c` whose settings parsed and whose query passed the read-only check. */
export type WarehouseSourceConfig = {
  id: string;
  name: string;
  type: WarehouseType;
  object: RecordObject;
  settings: WarehouseSettings;
  /** Watermark__c as loaded (JSON), used when Redis has no watermark for the source. */
  storedWatermark?: string;
};

/** What the config loader asks of this server about a warehouse source: the problem with it here, if any. */
export type WarehouseSourceCheck = {
  /** Resolves once `problem` can run (e.g. a SQL parser is loaded). */
  ready(): Promise<void>;
  problem(type: WarehouseType, settings: WarehouseSettings): string | undefined;
};

/** Settings__c text → settings, or the problem in words that fit the source's Status_Message__c. */
export function parseWarehouseSettings(text: string | null | undefined): WarehouseSettings | { problem: string } {
  if (!text || text.trim() === '') return { problem: 'Settings__c is empty; see docs/warehouse-sources.md' };
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    return { problem: `Settings__c is not JSON: ${(error as Error).message}` };
  }
  const parsed = warehouseSettingsSchema.safeParse(json);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const where = issue?.path.length ? `"${issue.path.join('.')}" ` : '';
  return { problem: `Settings__c ${where}${issue?.message ?? 'is invalid'}` };
}
