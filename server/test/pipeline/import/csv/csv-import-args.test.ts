import { describe, expect, it } from 'vitest';
import { parseCsvImportArgs } from '../../../../src/pipeline/import/csv/csv-import-args';

describe('parseCsvImportArgs', () => {
  it('gives the defaults: match on Email, no create, Fill_Blank for unmapped columns', () => {
    expect(parseCsvImportArgs(['people.csv', '--object', 'Lead'])).toEqual({
      help: false,
      options: { file: 'people.csv', object: 'Lead', match: 'Email', create: false, map: {}, rule: 'Fill_Blank' },
    });
  });

  it('reads --encoding', () => {
    const parsed = parseCsvImportArgs(['f.csv', '--object', 'Contact', '--encoding', 'latin1']);
    expect(parsed.help === false && parsed.options.encoding).toBe('latin1');
  });

  it('reads --map pairs, repeated or comma-separated', () => {
    const parsed = parseCsvImportArgs([
      'f.csv',
      '--object',
      'Contact',
      '--map',
      'E-mail=Email,Job=Title',
      '--map',
      'Dept=Department',
    ]);
    expect(parsed.help === false && parsed.options.map).toEqual({
      'E-mail': 'Email',
      Job: 'Title',
      Dept: 'Department',
    });
  });

  it.each([
    [['f.csv']],
    [['f.csv', '--object', 'Opportunity']],
    [['f.csv', '--object', 'Contact', '--rule', 'Never']],
    [['f.csv', '--object', 'Contact', '--map', 'nofield']],
    [['f.csv', '--object', 'Contact', '--bogus']],
    [['--object', 'Contact']],
  ])('rejects %j with CSV_BAD_ARGUMENTS', (argv) => {
    expect(() => parseCsvImportArgs(argv)).toThrow(expect.objectContaining({ code: 'CSV_BAD_ARGUMENTS' }));
  });
});
