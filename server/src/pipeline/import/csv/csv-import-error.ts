import { AppError } from '../../../lib/errors';

/**
 * Why a CSV import could not run at all (a bad row is never one of these: it becomes a failed row in the report).
 * `CSV_BAD_ARGUMENTS` is the caller's to fix (exit code 2); the others stop the import before or while it runs
 * (exit code 1).
 */
export type CsvImportErrorCode =
  | 'CSV_BAD_ARGUMENTS'
  | 'CSV_FILE_UNREADABLE'
  /** Not UTF-8 (or not the --encoding given), or UTF-16 without a byte order mark: nothing is written. */
  | 'CSV_BAD_ENCODING'
  | 'CSV_BAD_HEADER'
  | 'CSV_NO_ORG'
  | 'CSV_IMPORT_FAILED';

export class CsvImportError extends AppError {
  constructor(
    override readonly code: CsvImportErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(code, message, false, options);
  }
}
