import type { FieldValue } from '../../domain/mirror-record';

/** One record update the export step wants made. */
export interface RecordUpdate {
  object: string;
  id: string;
  fields: Record<string, FieldValue>;
}

export type WriteOutcome =
  | { id: string; ok: true }
  | {
      id: string;
      ok: false;
      /** Salesforce's statusCode (`UNABLE_TO_LOCK_ROW`, `FIELD_CUSTOM_VALIDATION_EXCEPTION`…) or ours. */
      code: string;
      message: string;
      fields: string[];
      /** True when trying again cannot help (validation, duplicates); false when it may (locks, 5xx, budget). */
      final: boolean;
    };

/** Per-record errors worth another try: the row was busy or the server had a bad moment. */
export const RETRYABLE_RECORD_ERRORS = new Set([
  'UNABLE_TO_LOCK_ROW',
  'SERVER_UNAVAILABLE',
  'REQUEST_RUNNING_TOO_LONG',
]);
