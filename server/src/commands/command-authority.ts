import { objectOfRecordId } from '../domain/record-key-prefix';
import { RECORD_REQUESTS } from '../domain/records';
import { RECORD_REQUEST_EVENT, type AudienceCommand } from './audience-command';
import type { RecordRequestLimit } from './record-request-limit';

/** Why a command was not run: each refusal is logged with its requester and counted in /metrics. */
export const COMMAND_REFUSALS = {
  admin_command_on_record_request: 'admin commands come only on Audience_Command__e, which only admins may publish',
  unsupported_record: 'the record is not a Contact, Lead or Account',
  object_mismatch: "Object__c does not name the record id's object",
  record_request_limit: 'the requester made as many record requests as an hour allows',
} as const;

export type CommandRefusal = keyof typeof COMMAND_REFUSALS;

const isRecordRequest = (command: AudienceCommand['command']) =>
  (RECORD_REQUESTS as readonly string[]).includes(command);

/**
 * Whether a command may run, and if not why. Who may publish which event is the platform's decision (create
 * permission, DESIGN §4); this holds each event to its purpose. A record request carries only ENRICH_RECORD, for
 * a Contact, Lead or Account, within its requester's hourly limit (checked last, so a refused request costs
 * nothing). An ENRICH_RECORD on Audience_Command__e still runs, without a limit: only admins can publish there.
 */
export async function refusalOf(
  command: AudienceCommand,
  limit: RecordRequestLimit,
): Promise<CommandRefusal | undefined> {
  if (command.source !== RECORD_REQUEST_EVENT) return undefined;
  if (!isRecordRequest(command.command)) return 'admin_command_on_record_request';
  const object = command.recordId ? objectOfRecordId(command.recordId) : undefined;
  if (!object) return 'unsupported_record';
  if (command.object && command.object !== object) return 'object_mismatch';
  if (!(await limit.take(command.requestedBy, command.eventUuid))) return 'record_request_limit';
  return undefined;
}
