import { describe, expect, it } from 'vitest';
import { parseChangeEvent } from '../../../src/salesforce/stream/change-event';
import { cometdShapedChangeEvent, undecodableEvent } from '../../../src/salesforce/stream/pubsub-change-event';
import { MalformedChangeEvent } from '../../../src/salesforce/stream/malformed-change-event';

const header = (changeType: string, changedFields: string[] = [], nulledFields: string[] = []) => ({
  entityName: 'Contact',
  recordIds: ['003000000000001AAA'],
  changeType,
  changeOrigin: 'com/salesforce/api/rest/62.0',
  transactionKey: 'tx',
  sequenceNumber: 1,
  commitTimestamp: 1_796_591_358_000,
  // Beyond 2^53: avro longs of that size arrive as BigInt.
  commitNumber: 2n ** 60n,
  commitUser: '005000000000001AAA',
  changedFields,
  nulledFields,
  diffFields: [],
});
const temporal = new Map([
  ['LastModifiedDate', 'datetime' as const],
  ['Birthdate', 'date' as const],
]);

describe('a Pub/Sub change event in CometD shape', () => {
  it('when an UPDATE carries every field, then only the changed ones count, nulled ones are null, longs and days are ISO strings', () => {
    const data = cometdShapedChangeEvent(
      {
        replayId: 42,
        payload: {
          ChangeEventHeader: header(
            'UPDATE',
            ['Title', 'Birthdate', 'LastModifiedDate', 'MailingAddress.City', 'Email'],
            ['Email'],
          ),
          Title: 'VP',
          Department: 'not changed, yet not null',
          Email: null,
          Birthdate: 20_000,
          LastModifiedDate: 1_796_591_358_123n,
          MailingAddress: { Street: null, City: 'Paris', Country: null },
          Name: { FirstName: null, LastName: null },
        },
      },
      temporal,
    );
    const event = parseChangeEvent('/data/Audience_Loop__chn', data);
    expect(event.replayId).toBe(42);
    expect(event.values).toEqual({
      Title: 'VP',
      Email: null,
      Birthdate: '2024-10-04',
      LastModifiedDate: '2026-12-06T21:09:18.123Z',
      MailingCity: 'Paris',
    });
    expect(event.changedFields).toEqual(['Title', 'Birthdate', 'LastModifiedDate', 'MailingCity', 'Email']);
  });

  it('when a CREATE carries nulls, then they are left out as CometD leaves them out', () => {
    const data = cometdShapedChangeEvent(
      { replayId: 7, payload: { ChangeEventHeader: header('CREATE'), LastName: 'Byron', Title: null, Name: null } },
      temporal,
    );
    expect(parseChangeEvent('/data/Audience_Loop__chn', data).values).toEqual({ LastName: 'Byron' });
  });

  it('when the client could not decode an event, then the parser rejects it as malformed with its replay id', () => {
    expect(() => parseChangeEvent('/data/Audience_Loop__chn', undecodableEvent(9, 'bad avro'))).toThrow(
      MalformedChangeEvent,
    );
    try {
      parseChangeEvent('/data/Audience_Loop__chn', undecodableEvent(9, 'bad avro'));
    } catch (error) {
      expect((error as MalformedChangeEvent).replayId).toBe(9);
    }
  });
});
