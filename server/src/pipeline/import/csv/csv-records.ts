import { parse, type Info } from 'csv-parse/sync';

/** One record as parsed: `line` is where it starts (1-based), `values` its cells. */
export interface ParsedRecord {
  line: number;
  values: string[];
}

/** A line the parser could not read as part of any record (e.g. a quote opened there is never closed). */
export interface UnreadableLine {
  line: number;
  message: string;
}

export interface ParsedCsv {
  records: ParsedRecord[];
  unreadable: UnreadableLine[];
}

// Lenient on what spreadsheets write (a stray quote inside an unquoted cell, rows of other widths): those rows are
// checked one by one later. Blank lines are not rows.
const LENIENT = {
  relax_column_count: true,
  relax_quotes: true,
  skip_empty_lines: true,
  skip_records_with_error: true,
  info: true,
} as const;

const newlines = (text: string): number => {
  let count = 0;
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) count += 1;
  return count;
};

/** True when `raw` (the lines of one multi-line record) is exactly one well-formed CSV record. */
function isCleanRecord(raw: string): boolean {
  try {
    return parse(raw, { relax_column_count: true }).length === 1;
  } catch {
    return false;
  }
}

/**
 * Parses CSV text whose line ends are LF, so that every data line ends up in exactly one record or one unreadable
 * line — the totals of an import always equal the file's rows.
 *
 * Why the restarts: csv-parse reads a quote that is never closed to the end of the input and then reports a single
 * error, so one stray quote on line 3 would swallow every row after it; with `relax_quotes` a later stray quote can
 * also "close" it and glue several lines into one record. So a record spanning several lines is kept only when its
 * lines are one well-formed quoted record on their own; otherwise, and when a quote is never closed, the record's
 * first line is reported as unreadable and parsing starts again on the next line. Each restart re-reads the rest of
 * the text, which costs time only for files with many such lines.
 */
export function parseCsvRecords(text: string): ParsedCsv {
  const lineStarts = [0];
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) lineStarts.push(i + 1);
  const lineText = (line: number) =>
    text.slice(lineStarts[line - 1] ?? text.length, (lineStarts[line] ?? text.length + 1) - 1);
  const records: ParsedRecord[] = [];
  const unreadable: UnreadableLine[] = [];
  let fromLine = 1;

  while (fromLine <= lineStarts.length) {
    const offset = fromLine - 1;
    const skips: (Error & { code?: string; lines?: number })[] = [];
    const parsed = parse(text.slice(lineStarts[offset]), {
      ...LENIENT,
      on_skip: (error) => {
        if (error) skips.push(error);
      },
    }) as unknown as { record: string[]; info: Info }[];
    let restartAt: number | undefined;
    let lastEnd = offset;
    for (const { record, info } of parsed) {
      const end = info.lines + offset;
      const start = end - record.reduce((n, value) => n + newlines(value), 0);
      if (end > start && !isCleanRecord(text.slice(lineStarts[start - 1], lineStarts[end] ?? text.length))) {
        unreadable.push({ line: start, message: 'a quoted value starts here and is not closed where the row ends' });
        restartAt = start + 1;
        break;
      }
      records.push({ line: start, values: record });
      lastEnd = end;
    }
    if (restartAt === undefined) {
      const open = skips.find((error) => error.code === 'CSV_QUOTE_NOT_CLOSED');
      for (const error of skips.filter((skip) => skip !== open)) {
        unreadable.push({ line: (error.lines ?? 0) + offset, message: error.message });
      }
      if (!open) break;
      // The unclosed quote opened on the first non-blank line after the last record read.
      let start = lastEnd + 1;
      while (start < lineStarts.length && lineText(start).trim() === '') start += 1;
      unreadable.push({ line: start, message: 'a quote opened on this line is never closed' });
      restartAt = start + 1;
    }
    fromLine = restartAt;
  }
  unreadable.sort((a, b) => a.line - b.line);
  return { records, unreadable };
}
