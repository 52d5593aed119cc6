import type { DescribeField, ObjectDescribe } from '../../../salesforce/schema/describe-cache';
import { CsvImportError } from './csv-import-error';
import { clip } from './display-text';

/** One CSV column and the field it fills; `field` is undefined for a column that names no field of the object. */
export interface ImportColumn {
  index: number;
  header: string;
  field: DescribeField | undefined;
}

export interface ImportColumns {
  columns: ImportColumn[];
  /** The column holding the match key. */
  match: ImportColumn & { field: DescribeField };
  /** Columns whose header names no field: rows with a value there fail as unknown_column. */
  unknown: ImportColumn[];
}

/** Describe types whose values can be matched as text (case-insensitively, as SOQL compares text). */
const MATCHABLE_TYPES = new Set(['id', 'email', 'string', 'phone', 'url']);

/**
 * Resolves the header against describe: each column is a field API name (any case) or a `--map` alias. Throws
 * CSV_BAD_ARGUMENTS when the options do not fit the object or file (a --map column the file lacks, a match field
 * that cannot match) and CSV_BAD_HEADER when the header itself is ambiguous (a name twice, two columns for one
 * field) or lacks the match column.
 */
export function resolveImportColumns(
  header: readonly string[],
  options: { object: string; match: string; map: Record<string, string> },
  describe: ObjectDescribe,
): ImportColumns {
  const seen = new Map<string, number>();
  header.forEach((name, index) => {
    const key = name.toLowerCase();
    if (name === '') throw new CsvImportError('CSV_BAD_HEADER', `column ${index + 1} of the header has no name`);
    if (seen.has(key)) throw new CsvImportError('CSV_BAD_HEADER', `the header names "${clip(name)}" twice`);
    seen.set(key, index);
  });
  const aliases = new Map(Object.entries(options.map).map(([column, field]) => [column.toLowerCase(), field]));
  for (const column of Object.keys(options.map)) {
    if (!seen.has(column.toLowerCase())) {
      throw new CsvImportError('CSV_BAD_ARGUMENTS', `--map names column "${column}", which the file's header lacks`);
    }
  }
  const matchField = describe.field(options.match);
  if (!matchField) {
    throw new CsvImportError('CSV_BAD_ARGUMENTS', `--match: ${options.object} has no field ${options.match}`);
  }
  if (!MATCHABLE_TYPES.has(matchField.type) || !matchField.filterable) {
    throw new CsvImportError(
      'CSV_BAD_ARGUMENTS',
      `--match: ${options.object}.${matchField.name} (${matchField.type}) cannot be matched on; use Email, Id or a text field`,
    );
  }

  const byField = new Map<string, ImportColumn>();
  const columns = header.map((name, index): ImportColumn => {
    const mapped = aliases.get(name.toLowerCase());
    const field = describe.field(mapped ?? name);
    if (mapped !== undefined && !field) {
      throw new CsvImportError(
        'CSV_BAD_ARGUMENTS',
        `--map ${clip(name)}=${mapped}: ${options.object} has no field ${mapped}`,
      );
    }
    const column = { index, header: name, field };
    if (field) {
      const other = byField.get(field.name);
      if (other) {
        throw new CsvImportError(
          'CSV_BAD_HEADER',
          `columns "${clip(other.header)}" and "${clip(name)}" both fill ${options.object}.${field.name}`,
        );
      }
      byField.set(field.name, column);
    }
    return column;
  });
  const match = byField.get(matchField.name);
  if (!match) {
    throw new CsvImportError(
      'CSV_BAD_HEADER',
      `the file has no ${matchField.name} column to match on (--match ${matchField.name}); add one or use --map`,
    );
  }
  return {
    columns,
    match: match as ImportColumns['match'],
    unknown: columns.filter((column) => column.field === undefined),
  };
}
