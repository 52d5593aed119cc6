import { describe, expect, it } from 'vitest';
import type { CommittedTransaction } from '../org-contract';
import { buildChangeEvents } from './events/change-event-builder';
import { buildFakeSchema } from './testing/fake-schema';

const schema = buildFakeSchema();
const LMD = '2026-11-28T10:00:00.000Z';

function tx(changes: CommittedTransaction['changes']): CommittedTransaction {
  return {
    transactionKey: '0001ae4b-7024-a64a-87f0-f2c8cebdca76',
    commitTimestamp: 1_712_694_387_000,
    commitNumber: 1_082_990_428_293,
    commitUserId: '005000000000002AAA',
    changeOrigin: 'com/salesforce/api/rest/62.0;client=audience-loop',
    changes,
  };
}

describe('buildChangeEvents', () => {
  it('when one record is updated, then the header is accurate and the body holds only the changed fields', () => {
    const [event] = buildChangeEvents(
      tx([
        {
          changeType: 'UPDATE',
          entityName: 'Contact',
          recordId: '003000000000001AAA',
          changedFields: ['Phone', 'LastModifiedDate'],
          values: { Phone: '+44 20 7946 0000', LastModifiedDate: LMD },
        },
      ]),
      schema,
    );
    expect(event?.payload).toEqual({
      ChangeEventHeader: {
        commitNumber: 1_082_990_428_293,
        commitUser: '005000000000002AAA',
        sequenceNumber: 1,
        entityName: 'Contact',
        changeType: 'UPDATE',
        changedFields: ['Phone', 'LastModifiedDate'],
        changeOrigin: 'com/salesforce/api/rest/62.0;client=audience-loop',
        transactionKey: '0001ae4b-7024-a64a-87f0-f2c8cebdca76',
        commitTimestamp: 1_712_694_387_000,
        recordIds: ['003000000000001AAA'],
      },
      Phone: '+44 20 7946 0000',
      LastModifiedDate: LMD,
    });
  });

  it('when compound components change, then they are nested with short address names and Name names kept', () => {
    const [event] = buildChangeEvents(
      tx([
        {
          changeType: 'UPDATE',
          entityName: 'Contact',
          recordId: '003000000000001AAA',
          changedFields: ['FirstName', 'MailingStreet', 'MailingCountryCode', 'MailingCity', 'LastModifiedDate'],
          values: {
            FirstName: 'Ada',
            MailingStreet: '1 Main St',
            MailingCountryCode: 'GB',
            MailingCity: null,
            LastModifiedDate: LMD,
          },
        },
      ]),
      schema,
    );
    const header = event?.payload.ChangeEventHeader as { changedFields: string[] };
    expect(header.changedFields).toEqual([
      'Name.FirstName',
      'MailingAddress.Street',
      'MailingAddress.CountryCode',
      'MailingAddress.City',
      'LastModifiedDate',
    ]);
    // A cleared field is named in changedFields but, in CometD, absent from the body.
    expect(event?.payload).toMatchObject({
      Name: { FirstName: 'Ada' },
      MailingAddress: { Street: '1 Main St', CountryCode: 'GB' },
      LastModifiedDate: LMD,
    });
    expect(event?.payload).not.toHaveProperty('MailingStreet');
    expect((event?.payload.MailingAddress as Record<string, unknown>).City).toBeUndefined();
  });

  it('when several records change the same way in one transaction, then one event carries all their ids', () => {
    const same = (id: string) => ({
      changeType: 'UPDATE' as const,
      entityName: 'Account',
      recordId: id,
      changedFields: ['Industry', 'LastModifiedDate'],
      values: { Industry: 'Banking', LastModifiedDate: LMD },
    });
    const events = buildChangeEvents(
      tx([
        same('001000000000001AAA'),
        same('001000000000002AAA'),
        // A later millisecond on the audit field alone does not make the change different.
        {
          ...same('001000000000004AAA'),
          values: { Industry: 'Banking', LastModifiedDate: '2026-11-28T10:00:00.001Z' },
        },
        { ...same('001000000000003AAA'), values: { Industry: 'Energy', LastModifiedDate: LMD } },
        { changeType: 'DELETE', entityName: 'Lead', recordId: '00Q000000000001AAA', changedFields: [], values: {} },
        { changeType: 'DELETE', entityName: 'Lead', recordId: '00Q000000000002AAA', changedFields: [], values: {} },
      ]),
      schema,
    );
    const headers = events.map((e) => e.payload.ChangeEventHeader as Record<string, unknown>);
    expect(headers.map((h) => [h.sequenceNumber, h.changeType, h.recordIds])).toEqual([
      [1, 'UPDATE', ['001000000000001AAA', '001000000000002AAA', '001000000000004AAA']],
      [2, 'UPDATE', ['001000000000003AAA']],
      [3, 'DELETE', ['00Q000000000001AAA', '00Q000000000002AAA']],
    ]);
    expect(new Set(headers.map((h) => h.transactionKey)).size).toBe(1);
    // DELETE is header-only.
    expect(Object.keys(events[2]?.payload ?? {})).toEqual(['ChangeEventHeader']);
  });

  it('when a record is created, then changedFields is empty and excluded fields stay out of the body', () => {
    const [event] = buildChangeEvents(
      tx([
        {
          changeType: 'CREATE',
          entityName: 'Account',
          recordId: '001000000000009AAA',
          changedFields: [],
          values: {
            Id: '001000000000009AAA',
            Name: 'Acme',
            BillingCity: 'Leeds',
            IsDeleted: false,
            SystemModstamp: LMD,
            CreatedDate: LMD,
            LastModifiedDate: LMD,
          },
        },
      ]),
      schema,
    );
    expect(event?.payload).toEqual({
      ChangeEventHeader: expect.objectContaining({
        changeType: 'CREATE',
        changedFields: [],
        recordIds: ['001000000000009AAA'],
      }),
      Name: 'Acme',
      BillingAddress: { City: 'Leeds' },
      CreatedDate: LMD,
      LastModifiedDate: LMD,
    });
  });
});
