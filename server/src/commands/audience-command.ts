import { z } from 'zod';
import { AUDIENCE_COMMANDS } from '../domain/records';

/** An `Audience_Command__e` as CometD delivers it (`data`), validated: the command name is checked here too. */
export const audienceCommandMessageSchema = z.looseObject({
  payload: z.looseObject({
    Command__c: z.enum(AUDIENCE_COMMANDS),
    Record_Id__c: z.string().nullish(),
    Target_Id__c: z.string().nullish(),
    Requested_By__c: z.string().nullish(),
    CreatedById: z.string().nullish(),
  }),
  event: z.looseObject({ replayId: z.number().optional(), EventUuid: z.string().optional() }).optional(),
});

export interface AudienceCommand {
  command: (typeof AUDIENCE_COMMANDS)[number];
  recordId?: string;
  targetId?: string;
  requestedBy?: string;
}

export function parseAudienceCommand(data: unknown): AudienceCommand {
  const { payload } = audienceCommandMessageSchema.parse(data);
  return {
    command: payload.Command__c,
    recordId: payload.Record_Id__c ?? undefined,
    targetId: payload.Target_Id__c ?? undefined,
    requestedBy: payload.Requested_By__c ?? payload.CreatedById ?? undefined,
  };
}
