import { readFile, stat } from 'node:fs/promises';
import { decodeCsvBytes } from './csv-decoding';
import { CsvImportError } from './csv-import-error';
import { parseCsvRecords, type UnreadableLine } from './csv-records';
import { clip, codePoint, findControlCharacter } from './display-text';

/** One data row as read: `line` is where it starts in the file (the header is line 1). */
export interface CsvRow {
  line: number;
  values: string[];
}

/** A line the parser could not read as a row (e.g. a quote never closed). */
export type UnreadableRow = UnreadableLine;

export interface CsvFile {
  header: string[];
  headerLine: number;
  rows: CsvRow[];
  unreadable: UnreadableRow[];
  /** How the bytes were decoded, e.g. "UTF-8" or "windows-1252 (--encoding windows-1252)". */
  encoding: string;
  /** File-level notes for the report: a BOM removed, UTF-16 decoded, a header too long to show. */
  notes: string[];
}

/** Beyond these the header is shown cut short: a header this long is rarely a header (or the file's only line). */
export const HEADER_MAX_CHARACTERS = 1_000;
export const HEADER_MAX_COLUMNS = 200;

/**
 * Reads a CSV file: decoded strictly (UTF-8, with or without a BOM; UTF-16 with a BOM; or `encoding`), line ends
 * made LF (so line numbers are an editor's, and multi-line values reach Salesforce with the LF it stores), then
 * parsed so that every data line is in a row or named as unreadable (`parseCsvRecords`). The first record is the
 * header. Throws CSV_FILE_UNREADABLE (cannot open, no header), CSV_BAD_ENCODING or CSV_BAD_HEADER.
 */
export async function readCsvFile(path: string, options: { encoding?: string } = {}): Promise<CsvFile> {
  let bytes: Buffer;
  try {
    const info = await stat(path);
    if (!info.isFile()) throw new Error('not a file');
    bytes = await readFile(path);
  } catch (error) {
    throw new CsvImportError('CSV_FILE_UNREADABLE', `cannot read ${path}: ${(error as Error).message}`, {
      cause: error,
    });
  }
  const decoded = decodeCsvBytes(bytes, path, options.encoding);
  const { records, unreadable } = parseCsvRecords(decoded.text.replace(/\r\n?/g, '\n'));
  const [first, ...rest] = records;
  if (first === undefined || first.values.every((name) => name.trim() === '')) {
    throw new CsvImportError('CSV_FILE_UNREADABLE', `${path} has no header row (the first line names the columns)`);
  }
  const beforeHeader = unreadable.find((line) => line.line < first.line);
  if (beforeHeader) {
    throw new CsvImportError(
      'CSV_BAD_HEADER',
      `the header of ${path} cannot be read: line ${beforeHeader.line}: ${beforeHeader.message}`,
    );
  }
  const header = first.values.map((name) => name.trim());
  checkHeaderCharacters(header, first.line);
  return {
    header,
    headerLine: first.line,
    rows: rest,
    unreadable,
    encoding: decoded.encoding,
    notes: [...decoded.notes, ...headerSizeNotes(header)],
  };
}

function checkHeaderCharacters(header: readonly string[], line: number): void {
  header.forEach((name, index) => {
    const found = findControlCharacter(name);
    if (found) {
      throw new CsvImportError(
        'CSV_BAD_HEADER',
        `the header (line ${line}, column ${index + 1}) holds the control character ${codePoint(found.char)}: ` +
          `"${clip(name)}"`,
      );
    }
  });
}

/** A header too long to be echoed: said once, shown cut short (every message clips column names too). */
function headerSizeNotes(header: readonly string[]): string[] {
  const characters = header.reduce((n, name) => n + name.length, 0) + Math.max(0, header.length - 1);
  if (characters <= HEADER_MAX_CHARACTERS && header.length <= HEADER_MAX_COLUMNS) return [];
  return [
    `the header line is ${characters} characters in ${header.length} columns; shown truncated: ` +
      `"${clip(header.join(','), 120)}"`,
  ];
}
