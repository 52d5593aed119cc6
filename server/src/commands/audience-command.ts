import { z } from 'zod';
import { AUDIENCE_COMMANDS, SALESFORCE_ID } from '../domain/records';

/** Admin commands: Audience_Admin and the config triggers may publish it (the platform enforces create access). */
export const COMMAND_EVENT = 'Audience_Command__e';
/** A rep's request about one record: Audience_User may publish it. */
export const RECORD_REQUEST_EVENT = 'Audience_Record_Request__e';

export type CommandEvent = typeof COMMAND_EVENT | typeof RECORD_REQUEST_EVENT;

const eventHeader = z.looseObject({ replayId: z.number().optional(), EventUuid: z.string().optional() }).optional();

/**
 * `CreatedById` is stamped by Salesforce on every event: it is the requester. No payload field is ever read for
 * it (the old `Requested_By__c` could name anyone), so an extra field in a payload changes nothing.
 */
const commandMessageSchema = z.looseObject({
  payload: z.looseObject({
    Command__c: z.enum(AUDIENCE_COMMANDS),
    Record_Id__c: SALESFORCE_ID.nullish(),
    Target_Id__c: SALESFORCE_ID.nullish(),
    CreatedById: SALESFORCE_ID,
  }),
  event: eventHeader,
});

const recordRequestMessageSchema = z.looseObject({
  payload: z.looseObject({
    Request__c: z.enum(AUDIENCE_COMMANDS),
    Record_Id__c: SALESFORCE_ID,
    Object__c: z.string().nullish(),
    CreatedById: SALESFORCE_ID,
  }),
  event: eventHeader,
});

export interface AudienceCommand {
  command: (typeof AUDIENCE_COMMANDS)[number];
  /** The event it arrived on, which says what the platform allowed its publisher to send. */
  source: CommandEvent;
  /** The event's CreatedById: the person who asked, or the user whose save fired a config trigger. */
  requestedBy: string;
  recordId?: string;
  /** Record requests: the object the Apex controller read from the id (checked against the id). */
  object?: string;
  targetId?: string;
  eventUuid?: string;
}

/** An `Audience_Command__e` as CometD delivers it (`data`), validated. Throws a ZodError when malformed. */
export function parseCommandEvent(data: unknown): AudienceCommand {
  const { payload, event } = commandMessageSchema.parse(data);
  return {
    command: payload.Command__c,
    source: COMMAND_EVENT,
    requestedBy: payload.CreatedById,
    recordId: payload.Record_Id__c ?? undefined,
    targetId: payload.Target_Id__c ?? undefined,
    eventUuid: event?.EventUuid,
  };
}

/** An `Audience_Record_Request__e` as CometD delivers it (`data`), validated. Throws a ZodError when malformed. */
export function parseRecordRequestEvent(data: unknown): AudienceCommand {
  const { payload, event } = recordRequestMessageSchema.parse(data);
  return {
    command: payload.Request__c,
    source: RECORD_REQUEST_EVENT,
    requestedBy: payload.CreatedById,
    recordId: payload.Record_Id__c,
    object: payload.Object__c ?? undefined,
    eventUuid: event?.EventUuid,
  };
}
