import { describe, expect, it } from 'vitest';
import { parseBulkRowError } from '../../../src/salesforce/bulk/bulk-row-error';
import { ingestCsv, ingestCsvSlices } from '../../../src/salesforce/bulk/ingest-csv';

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

  it('streams the same CSV as slices of at most 2,000 rows, each encoded only when the upload asks for it', () => {
    const rows = Array.from({ length: 4500 }, (_, i) => ({ Id: `003${String(i).padStart(15, '0')}`, Title: `T${i}` }));
    const slices = ingestCsvSlices(['Id', 'Title'], rows);
    const first = slices.next();
    expect(first.value?.toString('utf8')).toBe('Id,Title\n');
    rows[4499] = { Id: rows[4499]!.Id, Title: 'changed before its slice was asked for' };
    const rest = [...slices];
    expect(rest.map((slice) => slice.toString('utf8').split('\n').length - 1)).toEqual([2000, 2000, 500]);
    expect(Buffer.concat([first.value!, ...rest]).toString('utf8')).toBe(
      ingestCsv(['Id', 'Title'], rows).toString('utf8'),
    );
    expect(rest[2]?.toString('utf8')).toContain('changed before its slice was asked for');
  });
});
