import { describe, expect, it } from 'vitest';
import { parseRecordRequestEvent } from '../../../src/commands/audience-command';
import { cometdShapedPlatformEvent, platformEventName } from '../../../src/salesforce/stream/pubsub-platform-event';

describe('a Pub/Sub platform event in CometD shape', () => {
  it('when a record request arrives as Avro, then nulls are left out, CreatedDate and datetimes are ISO strings and the id is the EventUuid', () => {
    const data = cometdShapedPlatformEvent(
      {
        id: '6c1d1c9e-1f0b-4c55-9d0e-1f2b3c4d5e6f',
        schemaId: 'schema-1',
        replayId: 17,
        payload: {
          // CreatedDate is an Avro long (a number, or a BigInt as a decoder may give it): a datetime whatever describe says.
          CreatedDate: 1_796_591_358_123n,
          CreatedById: '005000000000002AAA',
          Request__c: 'ENRICH_RECORD',
          Record_Id__c: '003000000000001AAA',
          Object__c: null,
          Due__c: 1_796_591_400_000,
        },
      },
      new Map([['Due__c', 'datetime' as const]]),
    );
    expect(data).toEqual({
      schema: 'schema-1',
      payload: {
        CreatedDate: '2026-12-06T21:09:18.123Z',
        CreatedById: '005000000000002AAA',
        Request__c: 'ENRICH_RECORD',
        Record_Id__c: '003000000000001AAA',
        Due__c: '2026-12-06T21:10:00.000Z',
      },
      event: { replayId: 17, EventUuid: '6c1d1c9e-1f0b-4c55-9d0e-1f2b3c4d5e6f' },
    });
    expect(parseRecordRequestEvent(data)).toEqual({
      command: 'ENRICH_RECORD',
      source: 'Audience_Record_Request__e',
      requestedBy: '005000000000002AAA',
      recordId: '003000000000001AAA',
      object: undefined,
      eventUuid: '6c1d1c9e-1f0b-4c55-9d0e-1f2b3c4d5e6f',
    });
  });

  it('names the event type of platform event channels only', () => {
    expect(platformEventName('/event/Audience_Command__e')).toBe('Audience_Command__e');
    expect(platformEventName('/data/Audience_Loop__chn')).toBeUndefined();
    expect(platformEventName('/data/ContactChangeEvent')).toBeUndefined();
  });
});
