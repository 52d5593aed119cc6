import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import { Writable } from 'node:stream';
import { parse, type Info } from 'csv-parse';
import { CsvImportError } from './csv-import-error';
import { createLineEndingNormalizer } from './line-ending-normalizer';

/** One data row as read: `line` is where it starts in the file (the header is line 1). */
export interface CsvRow {
  line: number;
  values: string[];
}

/** A stretch of the file the parser could not read as a row (e.g. a quote never closed). */
export interface UnreadableRow {
  line: number;
  message: string;
}

export interface CsvFile {
  header: string[];
  headerLine: number;
  rows: CsvRow[];
  unreadable: UnreadableRow[];
}

const newlines = (text: string): number => {
  let count = 0;
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) count += 1;
  return count;
};

/**
 * Streams a CSV file through csv-parse: UTF-8 with or without a BOM, quoted fields (doubled quotes, commas and line
 * breaks inside), CRLF, LF or CR line ends, blank lines skipped. The first record is the header. A record the parser
 * cannot read is kept as unreadable with its line, never dropped. Throws CSV_FILE_UNREADABLE when the file cannot be
 * opened or holds no header.
 */
export async function readCsvFile(path: string): Promise<CsvFile> {
  try {
    const info = await stat(path);
    if (!info.isFile()) throw new Error('not a file');
  } catch (error) {
    throw new CsvImportError('CSV_FILE_UNREADABLE', `cannot read ${path}: ${(error as Error).message}`, {
      cause: error,
    });
  }
  let header: string[] | undefined;
  let headerLine = 0;
  const rows: CsvRow[] = [];
  const unreadable: UnreadableRow[] = [];
  let lastEndLine = 0;
  const take = (record: string[], endLine: number): void => {
    const line = endLine - record.reduce((n, value) => n + newlines(value), 0);
    lastEndLine = endLine;
    if (header === undefined) {
      header = record.map((name) => name.trim());
      headerLine = line;
    } else {
      rows.push({ line, values: record });
    }
  };
  // Records are taken in on_record, which runs in parse order together with the skip events, so an unreadable
  // stretch is placed right after the last row read before it.
  const parser = parse({
    bom: true,
    relax_column_count: true,
    relax_quotes: true,
    skip_empty_lines: true,
    skip_records_with_error: true,
    on_record: (record: string[], context: Info) => {
      take(record, context.lines);
      return null;
    },
  });
  parser.on('skip', (error: Error & { lines?: number }) => {
    unreadable.push({ line: lastEndLine + 1, message: error.message });
    lastEndLine = error.lines ?? lastEndLine;
  });
  const sink = new Writable({
    objectMode: true,
    write(_item: unknown, _encoding, callback) {
      callback();
    },
  });
  try {
    await pipeline(createReadStream(path), createLineEndingNormalizer(), parser, sink);
  } catch (error) {
    throw new CsvImportError('CSV_FILE_UNREADABLE', `cannot read ${path}: ${(error as Error).message}`, {
      cause: error,
    });
  }
  if (header === undefined || header.every((name) => name === '')) {
    throw new CsvImportError('CSV_FILE_UNREADABLE', `${path} has no header row (the first line names the columns)`);
  }
  return { header, headerLine, rows, unreadable };
}
