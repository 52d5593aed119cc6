import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readCsvFile } from '../../../../src/pipeline/import/csv/csv-row-reader';

const dir = mkdtempSync(join(tmpdir(), 'csv-reader-'));
const fileWith = (name: string, text: string | Buffer) => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};

describe('readCsvFile', () => {
  it('when lines end in LF and a blank line sits between rows, then each row keeps its own line number', async () => {
    const file = await readCsvFile(fileWith('lf.csv', 'A,B\na,b\n\nc,d'));
    expect(file.header).toEqual(['A', 'B']);
    expect(file.rows).toEqual([
      { line: 2, values: ['a', 'b'] },
      { line: 4, values: ['c', 'd'] },
    ]);
  });

  it('when the file has a BOM, CRLF and quoted multi-line values, then values are exact and lines count as an editor does', async () => {
    const text = '\ufeffEmail,Note\r\n"a@x.test","one\r\ntwo, ""three"""\r\nb@x.test,plain\r\n';
    const file = await readCsvFile(fileWith('crlf.csv', Buffer.from(text, 'utf8')));
    expect(file.header).toEqual(['Email', 'Note']);
    expect(file.rows).toEqual([
      { line: 2, values: ['a@x.test', 'one\ntwo, "three"'] },
      { line: 4, values: ['b@x.test', 'plain'] },
    ]);
  });

  it('when a quote is never closed, then the stretch is kept as unreadable with its line', async () => {
    const file = await readCsvFile(fileWith('open.csv', 'A,B\na,b\n"c,d\ne,f\n'));
    expect(file.rows).toEqual([{ line: 2, values: ['a', 'b'] }]);
    expect(file.unreadable).toHaveLength(1);
    expect(file.unreadable[0]?.line).toBe(3);
  });

  it('when the file does not exist, then it throws CSV_FILE_UNREADABLE', async () => {
    await expect(readCsvFile(join(dir, 'nope.csv'))).rejects.toMatchObject({ code: 'CSV_FILE_UNREADABLE' });
  });
});
