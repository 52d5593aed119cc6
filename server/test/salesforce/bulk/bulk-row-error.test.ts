import { describe, expect, it } from 'vitest';
import { parseBulkRowError } from '../../../src/salesforce/bulk/bulk-row-error';
import { ingestCsv } from '../../../src/salesforce/bulk/ingest-csv';

describe('parseBulkRowError', () => {
  it('reads the code, a message that has colons, and the fields', () => {
    expect(parseBulkRowError('REQUIRED_FIELD_MISSING:Required fields are missing: [Name]:Name --')).toEqual({
      code: 'REQUIRED_FIELD_MISSING',
      message: 'Required fields are missing: [Name]',
      fields: ['Name'],
    });
  });

  it('reads an error that names no field, and joins several errors with the first one’s code', () => {
    expect(parseBulkRowError('UNABLE_TO_LOCK_ROW:unable to obtain exclusive access to this record:--')).toEqual({
      code: 'UNABLE_TO_LOCK_ROW',
      message: 'unable to obtain exclusive access to this record',
      fields: [],
    });
    expect(
      parseBulkRowError('STRING_TOO_LONG:Title: too long:Title --;INVALID_EMAIL_ADDRESS:Email: bad:Email --'),
    ).toEqual({
      code: 'STRING_TOO_LONG',
      message: 'Title: too long; Email: bad',
      fields: ['Title', 'Email'],
    });
  });

  it('keeps text it cannot read as the message of an UNKNOWN_ERROR', () => {
    expect(parseBulkRowError('something odd')).toMatchObject({ code: 'UNKNOWN_ERROR', message: 'something odd' });
  });
});

describe('ingestCsv', () => {
  it('writes #N/A for null and "", empty cells for fields a row does not set, and quotes only where needed', () => {
    const csv = ingestCsv(
      ['Id', 'Title', 'Score__c', 'Active__c', 'Notes__c'],
      [
        { Id: '003A', Title: null, Score__c: 12.5, Active__c: true, Notes__c: 'a, "b"\nc' },
        { Id: '003B', Title: '', Active__c: false },
      ],
    ).toString('utf8');
    expect(csv).toBe('Id,Title,Score__c,Active__c,Notes__c\n003A,#N/A,12.5,true,"a, ""b""\nc"\n003B,#N/A,,false,\n');
  });
});
