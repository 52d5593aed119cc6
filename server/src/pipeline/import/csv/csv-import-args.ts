import { parseArgs } from 'node:util';
import { CsvImportError } from './csv-import-error';
import { csvImportOptionsSchema, type CsvImportOptions } from './csv-import-options';

export const CSV_IMPORT_USAGE = `Usage: npm run import:csv -- <file.csv> --object Contact|Lead|Account [options]

Options:
  --object <Object>        Contact, Lead or Account (required)
  --match <Field>          field that matches rows to records: Email (default), Id, or another text field
  --create                 insert rows that match no record (default: report them as skipped)
  --map <col=Field,...>    columns whose header is not the field's API name (repeatable)
  --rule <Rule>            rule for columns no active field map names: Fill_Blank (default), Tracked or Always
  --report <file.json>     also write the report as JSON
  --label <text>           name for the run record and provenance (default: the file name)
  --encoding <charset>     the file's encoding when it is not UTF-8: latin1, windows-1252, utf-16le…
  --help                   this text

Salesforce credentials come from the environment, as for npm start (see docs/csv-import.md).
Exit codes: 0 every row imported, unchanged or skipped; 3 some rows failed (the report names each line);
1 the import could not run (no org, unreadable file or header, not UTF-8); 2 bad arguments.`;

/** Parses `--map a=B,c=D` (repeatable) into header → field. */
function parseMap(values: readonly string[]): Record<string, string> {
  const map: Record<string, string> = {};
  for (const part of values.flatMap((value) => value.split(','))) {
    const trimmed = part.trim();
    if (trimmed === '') continue;
    const eq = trimmed.lastIndexOf('=');
    if (eq <= 0 || eq === trimmed.length - 1) {
      throw new CsvImportError('CSV_BAD_ARGUMENTS', `--map: "${trimmed}" is not column=Field`);
    }
    const column = trimmed.slice(0, eq).trim();
    if (Object.hasOwn(map, column)) throw new CsvImportError('CSV_BAD_ARGUMENTS', `--map names "${column}" twice`);
    map[column] = trimmed.slice(eq + 1).trim();
  }
  return map;
}

/** `help: true` when --help was asked for; otherwise the validated options. Throws CSV_BAD_ARGUMENTS. */
export function parseCsvImportArgs(
  argv: readonly string[],
): { help: true } | { help: false; options: CsvImportOptions } {
  let parsed: ReturnType<typeof parseArgsStrict>;
  try {
    parsed = parseArgsStrict(argv);
  } catch (error) {
    throw new CsvImportError('CSV_BAD_ARGUMENTS', (error as Error).message, { cause: error });
  }
  const { values, positionals } = parsed;
  if (values.help) return { help: true };
  if (positionals.length !== 1) {
    throw new CsvImportError(
      'CSV_BAD_ARGUMENTS',
      positionals.length === 0 ? 'name the CSV file to import' : `one file at a time, got ${positionals.join(', ')}`,
    );
  }
  const result = csvImportOptionsSchema.safeParse({
    file: positionals[0],
    object: values.object,
    match: values.match,
    create: values.create ?? false,
    map: parseMap(values.map ?? []),
    rule: values.rule,
    report: values.report,
    label: values.label,
    encoding: values.encoding,
  });
  if (!result.success) {
    const issues = result.error.issues.map((issue) => `--${issue.path.join('.') || 'arguments'}: ${issue.message}`);
    throw new CsvImportError('CSV_BAD_ARGUMENTS', issues.join('; '));
  }
  return { help: false, options: result.data };
}

function parseArgsStrict(argv: readonly string[]) {
  return parseArgs({
    args: [...argv],
    allowPositionals: true,
    strict: true,
    options: {
      object: { type: 'string' },
      match: { type: 'string' },
      create: { type: 'boolean' },
      map: { type: 'string', multiple: true },
      rule: { type: 'string' },
      report: { type: 'string' },
      label: { type: 'string' },
      encoding: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
}
