import { describe, expect, it } from 'vitest';
import { parseChangeEvent, readReplayId } from '../../../src/salesforce/stream/change-event';
import { flatChangedField } from '../../../src/salesforce/stream/compound-fields';
import { MalformedChangeEvent } from '../../../src/salesforce/stream/malformed-change-event';

const CHANNEL = '/data/Audience_Loop__chn';
const CONTACT = '003000000000001AAA';

function buildData(header: Record<string, unknown> = {}, body: Record<string, unknown> = {}, replayId: unknown = 42) {
  return {
    schema: 'V2MGwDA2aIP0yQS98S2L6Q',
    payload: {
      ChangeEventHeader: {
        commitNumber: 1722538057223217200,
        commitUser: '005000000000002AAA',
        sequenceNumber: 1,
        entityName: 'Contact',
        changeType: 'UPDATE',
        changedFields: ['Phone', 'LastModifiedDate'],
        changeOrigin: 'com/salesforce/api/rest/62.0;client=rep-console',
        transactionKey: '0002d8a1-5b8e-4e4d-b4bc-5c6c3c0b1f8a',
        commitTimestamp: 1_764_300_000_000,
        recordIds: [CONTACT],
        ...header,
      },
      ...body,
    },
    event: { replayId },
  };
}

function malformedFrom(data: unknown): MalformedChangeEvent {
  try {
    parseChangeEvent(CHANNEL, data);
  } catch (error) {
    if (error instanceof MalformedChangeEvent) return error;
    throw error;
  }
  throw new Error('expected a MalformedChangeEvent');
}

describe('parseChangeEvent', () => {
  it('when an UPDATE arrives, then header and values come out flat, with the channel and replay id', () => {
    const event = parseChangeEvent(
      CHANNEL,
      buildData({}, { Phone: '+1 415 555 0101', LastModifiedDate: '2026-11-28T10:00:00.000Z' }),
    );
    expect(event).toEqual({
      replayId: 42,
      channel: CHANNEL,
      changeType: 'UPDATE',
      entityName: 'Contact',
      recordIds: [CONTACT],
      changedFields: ['Phone', 'LastModifiedDate'],
      values: { Phone: '+1 415 555 0101', LastModifiedDate: '2026-11-28T10:00:00.000Z' },
      commitUser: '005000000000002AAA',
      commitTimestamp: 1_764_300_000_000,
      transactionKey: '0002d8a1-5b8e-4e4d-b4bc-5c6c3c0b1f8a',
      sequenceNumber: 1,
      changeOrigin: 'com/salesforce/api/rest/62.0;client=rep-console',
    });
  });

  it('when compound fields change, then their components get flat API names', () => {
    const event = parseChangeEvent(
      CHANNEL,
      buildData(
        {
          changedFields: [
            'MailingAddress.Street',
            'MailingAddress.City',
            'Name.FirstName',
            'BillingAddress.CountryCode',
            'Address.PostalCode',
            'Site__c.Latitude',
          ],
        },
        {
          MailingAddress: { Street: '1 Market St', City: 'San Francisco' },
          Name: { FirstName: 'Ada' },
          BillingAddress: { CountryCode: 'GB' },
          Address: { PostalCode: 'N1 9GU' },
          Site__c: { Latitude: 51.5 },
        },
      ),
    );
    expect(event.changedFields).toEqual([
      'MailingStreet',
      'MailingCity',
      'FirstName',
      'BillingCountryCode',
      'PostalCode',
      'Site__Latitude__s',
    ]);
    expect(event.values).toEqual({
      MailingStreet: '1 Market St',
      MailingCity: 'San Francisco',
      FirstName: 'Ada',
      BillingCountryCode: 'GB',
      PostalCode: 'N1 9GU',
      Site__Latitude__s: 51.5,
    });
  });

  it('when an UPDATE names a changed field the body omits, then that field was set to null', () => {
    const event = parseChangeEvent(
      CHANNEL,
      buildData({ changedFields: ['Title', 'MailingAddress.City', 'LastModifiedDate'] }, { LastModifiedDate: 'x' }),
    );
    expect(event.values).toEqual({ Title: null, MailingCity: null, LastModifiedDate: 'x' });
  });

  it('when a CREATE arrives, then every field in the body is a value and nothing is nulled', () => {
    const event = parseChangeEvent(
      CHANNEL,
      buildData({ changeType: 'CREATE', changedFields: [] }, { LastName: 'Lovelace', Name: { LastName: 'Lovelace' } }),
    );
    expect(event).toMatchObject({ changeType: 'CREATE', changedFields: [], values: { LastName: 'Lovelace' } });
  });

  it('when an Account arrives, then its plain Name stays a plain field', () => {
    const event = parseChangeEvent(
      CHANNEL,
      buildData(
        { entityName: 'Account', changedFields: ['Name'], recordIds: ['001000000000001AAA'] },
        { Name: 'Acme' },
      ),
    );
    expect(event.values).toEqual({ Name: 'Acme' });
  });

  it('when DELETE and gap events arrive, then they carry ids but no values; overflow carries neither', () => {
    expect(parseChangeEvent(CHANNEL, buildData({ changeType: 'DELETE', changedFields: [] }))).toMatchObject({
      changeType: 'DELETE',
      recordIds: [CONTACT],
      values: {},
    });
    expect(parseChangeEvent(CHANNEL, buildData({ changeType: 'GAP_UPDATE', changedFields: [] }))).toMatchObject({
      changeType: 'GAP_UPDATE',
      recordIds: [CONTACT],
      values: {},
    });
    expect(
      parseChangeEvent(CHANNEL, buildData({ changeType: 'GAP_OVERFLOW', changedFields: [], recordIds: [] })),
    ).toMatchObject({ changeType: 'GAP_OVERFLOW', entityName: 'Contact', recordIds: [], values: {} });
  });

  it('when the header is broken, then a MalformedChangeEvent carries the replay id, record ids and raw data', () => {
    const data = buildData({ changeType: 'SHUFFLE' });
    const error = malformedFrom(data);
    expect(error).toMatchObject({ code: 'CDC_MALFORMED_EVENT', replayId: 42, recordIds: [CONTACT], raw: data });
    expect(error.retryable).toBe(false);
    expect(error.message).toMatch(/changeType/);
  });

  it('when parts are missing or of the wrong type, then each is refused as malformed', () => {
    const cases: unknown[] = [
      null,
      'text',
      {},
      buildData({ recordIds: [] }),
      buildData({ commitTimestamp: 'yesterday' }),
      buildData({ entityName: '' }),
      buildData({}, { Phone: ['a', 'b'] }),
      buildData({}, { MailingAddress: { Street: { deep: true } } }),
      { ...buildData(), payload: undefined },
    ];
    for (const data of cases) expect(malformedFrom(data)).toBeInstanceOf(MalformedChangeEvent);
    expect(malformedFrom(buildData({}, {}, 'not-a-number')).replayId).toBeUndefined();
  });
});

describe('flatChangedField and readReplayId', () => {
  it('leaves plain names alone and reads only integer replay ids', () => {
    expect(flatChangedField('Phone')).toBe('Phone');
    expect(flatChangedField('OtherAddress.State')).toBe('OtherState');
    expect(readReplayId({ event: { replayId: 7 } })).toBe(7);
    expect(readReplayId({ event: { replayId: '7' } })).toBeUndefined();
    expect(readReplayId(undefined)).toBeUndefined();
  });
});
