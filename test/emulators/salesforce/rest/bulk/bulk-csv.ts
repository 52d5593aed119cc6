/** CSV as Bulk API 2.0 reads and writes it: named column delimiters, LF/CRLF, every value quoted on output. */
import { parse } from 'csv-parse/sync';
import { SfError } from '../../errors';

export const COLUMN_DELIMITERS = {
  COMMA: ',',
  TAB: '\t',
  PIPE: '|',
  SEMICOLON: ';',
  CARET: '^',
  BACKQUOTE: '`',
} as const;

export type ColumnDelimiter = keyof typeof COLUMN_DELIMITERS;
export type LineEnding = 'LF' | 'CRLF';

export interface CsvFormat {
  columnDelimiter: ColumnDelimiter;
  lineEnding: LineEnding;
}

/** Header and rows of an uploaded CSV; throws `400 INVALIDJOB`-style errors on malformed text. */
export function parseCsv(text: string, format: CsvFormat): { header: string[]; rows: string[][] } {
  let records: string[][];
  try {
    records = parse(text, {
      delimiter: COLUMN_DELIMITERS[format.columnDelimiter],
      relax_column_count: false,
      skip_empty_lines: true,
      bom: true,
    }) as string[][];
  } catch (err) {
    throw new SfError(400, 'INVALIDJOB', `Unable to parse CSV: ${(err as Error).message}`);
  }
  const [header, ...rows] = records;
  return { header: (header ?? []).map((h) => h.trim()), rows };
}

function quote(v: string): string {
  return `"${v.replace(/"/g, '""')}"`;
}

/** One CSV line (no line ending); null/undefined become an empty quoted value. */
export function csvLine(values: (string | null | undefined)[], format: CsvFormat): string {
  return values.map((v) => quote(v ?? '')).join(COLUMN_DELIMITERS[format.columnDelimiter]);
}

export function lineBreak(format: CsvFormat): string {
  return format.lineEnding === 'CRLF' ? '\r\n' : '\n';
}

/** Header plus lines, each ended by the job's line ending. */
export function csvText(header: string[], lines: string[], format: CsvFormat): string {
  const nl = lineBreak(format);
  let out = csvLine(header, format) + nl;
  for (const l of lines) out += l + nl;
  return out;
}
