import type { FieldValue } from '../../domain/mirror-record';

/** One record update the export step wants made. */
export interface RecordUpdate {
  object: string;
  id: string;
  fields: Record<string, FieldValue>;
}

/** How a Collections request saves its rows. */
export type SaveOperation = 'create' | 'update' | { upsert: { object: string; externalIdField: string } };

/** One row to save: `id` for updates; for upserts the external id is among the fields. */
export interface SaveRow {
  object: string;
  id?: string;
  fields: Record<string, unknown>;
}

export type SaveOutcome =
  | { id: string; ok: true; created?: boolean }
  | {
      id: string;
      ok: false;
      /** Salesforce's statusCode (`UNABLE_TO_LOCK_ROW`, `FIELD_CUSTOM_VALIDATION_EXCEPTION`…) or ours. */
      code: string;
      message: string;
      fields: string[];
      /** True when trying again cannot help (validation, duplicates); false when it may (locks, 5xx, budget). */
      final: boolean;
      /** The whole request failed (network, 5xx, a refused subrequest), not this row alone. */
      wholeRequest?: boolean;
    };

/** What a record update came to (the writer's view of a save). */
export type WriteOutcome = SaveOutcome;

/** Per-record errors worth another try: the row was busy or the server had a bad moment. */
export const RETRYABLE_RECORD_ERRORS = new Set([
  'UNABLE_TO_LOCK_ROW',
  'SERVER_UNAVAILABLE',
  'REQUEST_RUNNING_TOO_LONG',
]);

/** Saves a batch of rows, one outcome per row in order: the Collections client, or the Bulk saver for large work. */
export interface RecordSaver {
  save(operation: SaveOperation, rows: readonly SaveRow[]): Promise<SaveOutcome[]>;
}
