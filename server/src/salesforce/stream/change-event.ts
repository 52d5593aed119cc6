import { z } from 'zod';
import { flatChangedField, flatComponentName } from './compound-fields';
import { MalformedChangeEvent } from './malformed-change-event';

export const CHANGE_TYPES = [
  'CREATE',
  'UPDATE',
  'DELETE',
  'UNDELETE',
  'GAP_CREATE',
  'GAP_UPDATE',
  'GAP_DELETE',
  'GAP_UNDELETE',
  'GAP_OVERFLOW',
] as const;

export type ChangeType = (typeof CHANGE_TYPES)[number];

export type FieldValue = string | number | boolean | null;

/** One CDC event in the server's terms: flat API field names, nulls made explicit for UPDATE. */
export interface RecordChangeEvent {
  replayId: number;
  channel: string;
  changeType: ChangeType;
  entityName: string;
  /** Several records changed the same way in one transaction arrive as one event; empty for GAP_OVERFLOW. */
  recordIds: string[];
  /** Flat API names (`MailingStreet`, `FirstName`); empty for CREATE, DELETE, UNDELETE and gap events. */
  changedFields: string[];
  /** Flat values from the body; for UPDATE a changed field the body omits was set to null (CometD drops nulls). */
  values: Record<string, FieldValue>;
  commitUser: string;
  /** Epoch ms. */
  commitTimestamp: number;
  transactionKey: string;
  sequenceNumber: number;
  changeOrigin: string;
}

const scalarSchema = z.union([z.string(), z.number(), z.boolean(), z.null()]);

export const changeEventHeaderSchema = z.looseObject({
  entityName: z.string().min(1),
  recordIds: z.array(z.string().min(1)),
  changeType: z.enum(CHANGE_TYPES),
  // CometD sends it on every event; older samples omit it on CREATE.
  changedFields: z.array(z.string().min(1)).default([]),
  changeOrigin: z.string().default(''),
  transactionKey: z.string().default(''),
  sequenceNumber: z.number().int().nonnegative(),
  commitTimestamp: z.number().int().positive(),
  // Can exceed 2^53 (diagnostic only), so it is neither trusted nor returned.
  commitNumber: z.union([z.number(), z.string()]).optional(),
  commitUser: z.string(),
});

/** The CometD message `data` of a change event: `{ schema, payload: { ChangeEventHeader, ...fields }, event }`. */
export const changeEventDataSchema = z.looseObject({
  schema: z.string().optional(),
  payload: z.looseObject({ ChangeEventHeader: changeEventHeaderSchema }),
  event: z.looseObject({ replayId: z.number().int() }),
});

/** Body fields: scalars, or one level of compound components. */
const bodySchema = z.record(z.string(), z.union([scalarSchema, z.record(z.string(), scalarSchema)]));

const NO_VALUES: ReadonlySet<ChangeType> = new Set([
  'DELETE',
  'GAP_CREATE',
  'GAP_UPDATE',
  'GAP_DELETE',
  'GAP_UNDELETE',
  'GAP_OVERFLOW',
]);

/**
 * Validates and normalises the `data` of one CometD change event. Throws `MalformedChangeEvent` (with the replay
 * id and record ids when they could be read) instead of returning a half-understood event.
 */
export function parseChangeEvent(channel: string, data: unknown): RecordChangeEvent {
  const parsed = changeEventDataSchema.safeParse(data);
  if (!parsed.success) throw malformed(data, describeIssues(parsed.error));
  const { payload, event } = parsed.data;
  const header = payload.ChangeEventHeader;
  if (header.recordIds.length === 0 && header.changeType !== 'GAP_OVERFLOW') {
    throw malformed(data, `ChangeEventHeader.recordIds is empty for a ${header.changeType} event`);
  }

  const body: Record<string, unknown> = { ...payload };
  delete body.ChangeEventHeader;
  const fields = bodySchema.safeParse(body);
  if (!fields.success) throw malformed(data, describeIssues(fields.error));

  const values: Record<string, FieldValue> = {};
  if (!NO_VALUES.has(header.changeType)) {
    for (const [name, value] of Object.entries(fields.data)) {
      if (value !== null && typeof value === 'object') {
        for (const [component, componentValue] of Object.entries(value)) {
          values[flatComponentName(name, component)] = componentValue;
        }
      } else {
        values[name] = value;
      }
    }
  }
  const changedFields = [...new Set(header.changedFields.map(flatChangedField))];
  if (header.changeType === 'UPDATE') {
    for (const field of changedFields) if (!(field in values)) values[field] = null;
  }

  return {
    replayId: event.replayId,
    channel,
    changeType: header.changeType,
    entityName: header.entityName,
    recordIds: [...header.recordIds],
    changedFields,
    values,
    commitUser: header.commitUser,
    commitTimestamp: header.commitTimestamp,
    transactionKey: header.transactionKey,
    sequenceNumber: header.sequenceNumber,
    changeOrigin: header.changeOrigin,
  };
}

/** The replay id of a delivered message, when it has a usable one (even if the rest is malformed). */
export function readReplayId(data: unknown): number | undefined {
  const replayId = (data as { event?: { replayId?: unknown } } | null | undefined)?.event?.replayId;
  return typeof replayId === 'number' && Number.isSafeInteger(replayId) ? replayId : undefined;
}

/** The header's commit timestamp (epoch ms) of a delivered message, when it has one. */
export function readCommitTimestamp(data: unknown): number | undefined {
  const at = (data as { payload?: { ChangeEventHeader?: { commitTimestamp?: unknown } } } | null | undefined)?.payload
    ?.ChangeEventHeader?.commitTimestamp;
  return typeof at === 'number' && Number.isFinite(at) ? at : undefined;
}

function readRecordIds(data: unknown): string[] {
  const ids = (data as { payload?: { ChangeEventHeader?: { recordIds?: unknown } } } | null | undefined)?.payload
    ?.ChangeEventHeader?.recordIds;
  return Array.isArray(ids) ? ids.filter((id): id is string => typeof id === 'string') : [];
}

function malformed(data: unknown, detail: string): MalformedChangeEvent {
  return new MalformedChangeEvent(`malformed change event: ${detail}`, readReplayId(data), readRecordIds(data), data);
}

function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((issue) => `${issue.path.map(String).join('.') || 'data'}: ${issue.message}`)
    .join('; ');
}
