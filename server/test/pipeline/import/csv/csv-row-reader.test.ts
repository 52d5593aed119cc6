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

  it('when a quote is never closed, then only its line is unreadable and the rows after it are read', async () => {
    const file = await readCsvFile(fileWith('open.csv', 'A,B\na,b\n"c,d\ne,f\n'));
    expect(file.rows).toEqual([
      { line: 2, values: ['a', 'b'] },
      { line: 4, values: ['e', 'f'] },
    ]);
    expect(file.unreadable).toEqual([{ line: 3, message: 'a quote opened on this line is never closed' }]);
  });

  it('when a later stray quote "closes" an open one, then neither glues lines together: each bad line is named', async () => {
    const file = await readCsvFile(fileWith('glued.csv', 'A,B\n"a,b\nc,d\n"e,f\ng,h\n'));
    expect(file.rows.map((row) => row.line)).toEqual([3, 5]);
    expect(file.unreadable.map((line) => line.line)).toEqual([2, 4]);
  });

  it('when a 30-row file has an unclosed quote on line 3, then rows + unreadable lines = 30', async () => {
    const lines = ['Email,LastName'];
    for (let i = 1; i <= 30; i += 1) lines.push(i === 2 ? `"broken${i}@x.test,Row${i}` : `row${i}@x.test,Row${i}`);
    const file = await readCsvFile(fileWith('thirty.csv', `${lines.join('\n')}\n`));
    expect(file.rows).toHaveLength(29);
    expect(file.unreadable.map((line) => line.line)).toEqual([3]);
    expect(file.rows.at(-1)).toEqual({ line: 31, values: ['row30@x.test', 'Row30'] });
  });

  it('when the file is Latin-1, then it is refused naming the line, and read right with encoding latin1', async () => {
    const path = fileWith('latin1.csv', Buffer.from('Email,LastName\na@x.test,Smith\nb@x.test,Müller\n', 'latin1'));
    await expect(readCsvFile(path)).rejects.toMatchObject({
      code: 'CSV_BAD_ENCODING',
      message: expect.stringMatching(/not valid UTF-8: line 3, column 11 holds byte 0xFC.*--encoding latin1/),
    });
    const file = await readCsvFile(path, { encoding: 'latin1' });
    expect(file.rows[1]?.values).toEqual(['b@x.test', 'Müller']);
    expect(file.notes.join(' ')).toContain('decoded as windows-1252 (--encoding latin1)');
  });

  it('when the file is UTF-16 with a byte order mark, then it is decoded and the report says so', async () => {
    const text = '\ufeffEmail,LastName\r\na@x.test,Müller\r\n';
    const file = await readCsvFile(fileWith('utf16.csv', Buffer.from(text, 'utf16le')));
    expect(file.header).toEqual(['Email', 'LastName']);
    expect(file.rows).toEqual([{ line: 2, values: ['a@x.test', 'Müller'] }]);
    expect(file.encoding).toBe('UTF-16LE (byte order mark)');
    expect(file.notes[0]).toContain('UTF-16LE');
  });

  it('when the file is UTF-16 without a byte order mark, then it is refused as UTF-16, not read as one odd column', async () => {
    const path = fileWith('utf16-nobom.csv', Buffer.from('Email,LastName\r\na@x.test,Lee\r\n', 'utf16le'));
    await expect(readCsvFile(path)).rejects.toMatchObject({
      code: 'CSV_BAD_ENCODING',
      message: expect.stringContaining('looks like UTF-16LE without a byte order mark'),
    });
  });

  it('when the header holds a control character, then the header is refused naming its line and column', async () => {
    await expect(readCsvFile(fileWith('bel.csv', 'Email,Last\u0007Name\na@x.test,Lee\n'))).rejects.toMatchObject({
      code: 'CSV_BAD_HEADER',
      message: expect.stringContaining('line 1, column 2) holds the control character U+0007: "Last<U+0007>Name"'),
    });
  });

  it('when the header line is over 1,000 characters, then a note says so and shows it truncated', async () => {
    const long = 'X'.repeat(5_000);
    const file = await readCsvFile(fileWith('wide.csv', `Email,${long}\na@x.test,1\n`));
    expect(file.notes).toHaveLength(1);
    expect(file.notes[0]).toContain('the header line is 5006 characters in 2 columns; shown truncated');
    expect(file.notes[0]?.length).toBeLessThan(300);
  });

  it('when the file does not exist, then it throws CSV_FILE_UNREADABLE', async () => {
    await expect(readCsvFile(join(dir, 'nope.csv'))).rejects.toMatchObject({ code: 'CSV_FILE_UNREADABLE' });
  });
});
