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

// Not loose either: only these keys are read, and a loose object copies the others into its output (issue 19).
export const changeEventHeaderSchema = z.object({
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
// Not loose: a loose object copies every key it does not know into its output, and the payload's keys are the whole
// body (issue 19: one echo per record written). The body is read from the event itself (parseChangeEvent).
export const changeEventDataSchema = z.object({
  schema: z.string().optional(),
  payload: z.object({ ChangeEventHeader: changeEventHeaderSchema }),
  event: z.object({ replayId: z.number().int() }),
});

/** Body fields: scalars, or one level of compound components. */
function isScalar(value: unknown): value is FieldValue {
  return value === null || typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean';
}

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
  const { event } = parsed.data;
  const header = parsed.data.payload.ChangeEventHeader;
  // Checked to be an object by the schema above, which kept only its header.
  const payload = (data as { payload: Record<string, unknown> }).payload;
  if (header.recordIds.length === 0 && header.changeType !== 'GAP_OVERFLOW') {
    throw malformed(data, `ChangeEventHeader.recordIds is empty for a ${header.changeType} event`);
  }

  // The body is checked as it is read (a scalar, or a compound field's object of scalars): the header is what zod
  // checks; a zod pass over every value copied each event's body twice (issue 19: one echo per record written).
  const values: Record<string, FieldValue> = {};
  const keepValues = !NO_VALUES.has(header.changeType);
  for (const name in payload) {
    if (name === 'ChangeEventHeader' || !Object.hasOwn(payload, name)) continue;
    const value = payload[name];
    if (isScalar(value)) {
      if (keepValues) values[name] = value;
      continue;
    }
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      throw malformed(
        data,
        `payload.${name}: a field value must be a string, number, boolean, null or an object of them`,
      );
    }
    for (const component in value) {
      if (!Object.hasOwn(value, component)) continue;
      const componentValue = (value as Record<string, unknown>)[component];
      if (!isScalar(componentValue)) {
        throw malformed(
          data,
          `payload.${name}.${component}: a component value must be a string, number, boolean or null`,
        );
      }
      if (keepValues) values[flatComponentName(name, component)] = componentValue;
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
