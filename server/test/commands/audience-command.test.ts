import { describe, expect, it } from 'vitest';
import { ZodError } from 'zod';
import { parseCommandEvent, parseRecordRequestEvent } from '../../src/commands/audience-command';

const REP = '005Hs0000000003IAA';
const INTEGRATION = '005Hs0000000002IAA';

/** An event as CometD delivers it (`data`). */
const delivered = (payload: Record<string, unknown>) => ({
  schema: 'x',
  payload: { CreatedDate: '2026-11-20T12:00:00.000Z', ...payload },
  event: { replayId: 7, EventUuid: '2ec0e371-0000-4000-8000-000000000001' },
});

describe('commands as the server reads them', () => {
  it('when a payload names another requester, then the requester is still the CreatedById Salesforce set', () => {
    // A rep once sent RELOAD_CONFIG with Requested_By__c = the integration user, and the server skipped it as its own.
    const command = parseCommandEvent(
      delivered({
        Command__c: 'RELOAD_CONFIG',
        Target_Id__c: 'a01Hs0000000001IAA',
        Requested_By__c: INTEGRATION,
        CreatedById: REP,
      }),
    );
    expect(command).toEqual({
      command: 'RELOAD_CONFIG',
      source: 'Audience_Command__e',
      requestedBy: REP,
      recordId: undefined,
      targetId: 'a01Hs0000000001IAA',
      eventUuid: '2ec0e371-0000-4000-8000-000000000001',
    });
  });

  it('when an event has no CreatedById, then it is malformed: there is no other place to take the requester from', () => {
    expect(() => parseCommandEvent(delivered({ Command__c: 'RUN_IMPORT', Requested_By__c: REP }))).toThrow(ZodError);
    expect(() =>
      parseRecordRequestEvent(delivered({ Request__c: 'ENRICH_RECORD', Record_Id__c: '00QHs0000000001IAA' })),
    ).toThrow(ZodError);
  });

  it('when a record request arrives, then it names its record, object and requester, and needs a valid record id', () => {
    expect(
      parseRecordRequestEvent(
        delivered({
          Request__c: 'ENRICH_RECORD',
          Record_Id__c: '00QHs0000000001IAA',
          Object__c: 'Lead',
          CreatedById: REP,
        }),
      ),
    ).toMatchObject({
      command: 'ENRICH_RECORD',
      source: 'Audience_Record_Request__e',
      recordId: '00QHs0000000001IAA',
      object: 'Lead',
      requestedBy: REP,
    });
    expect(() =>
      parseRecordRequestEvent(
        delivered({ Request__c: 'ENRICH_RECORD', Record_Id__c: "' OR Id != null", CreatedById: REP }),
      ),
    ).toThrow(ZodError);
    expect(() =>
      parseRecordRequestEvent(
        delivered({ Request__c: 'DROP_TABLES', Record_Id__c: '00QHs0000000001IAA', CreatedById: REP }),
      ),
    ).toThrow(ZodError);
  });
});
