import { AppError } from '../../../lib/errors';

/** Codes a filter can fail with; stable, so callers and the setup tab can switch on them. */
export const FILTER_ERROR_CODES = [
  'FILTER_INVALID_JSON',
  'FILTER_INVALID',
  'FILTER_UNKNOWN_FIELD',
  'FILTER_TYPE_MISMATCH',
  'FILTER_NOT_FILTERABLE',
] as const;

export type FilterErrorCode = (typeof FILTER_ERROR_CODES)[number];

/** Salesforce's Status_Message__c is text(255): messages are cut to fit. */
export const FILTER_MESSAGE_MAX_CHARS = 255;

/**
 * A filter that cannot be used; never retryable (a person must fix the config record). `message` is
 * `<path>: <what is wrong>` and fits Status_Message__c, so the admin sees which node to fix.
 */
export class FilterError extends AppError {
  declare readonly code: FilterErrorCode;
  /** Where in the filter, e.g. `all[1].value`; `filter` for the whole thing. */
  readonly path: string;
  /** The problem without the path. */
  readonly detail: string;

  constructor(code: FilterErrorCode, path: string, detail: string) {
    super(code, truncate(`${path}: ${detail}`, FILTER_MESSAGE_MAX_CHARS), false);
    this.path = path;
    this.detail = detail;
  }
}

export function isFilterError(error: unknown): error is FilterError {
  return error instanceof FilterError;
}

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
