import type { FieldValue } from '../../domain/mirror-record';
import type { ObjectDescribe } from '../../salesforce/schema/describe-cache';

const NUMBER_TYPES = new Set(['double', 'int', 'currency', 'percent', 'long']);

/**
 * Bulk API 2.0 returns CSV: every value is text and an empty cell is null. This restores the JSON types REST
 * would have given (numbers, booleans), so a record reads the same whichever way it was imported.
 */
export function typeBulkRow(
  row: Record<string, unknown>,
  describe: ObjectDescribe,
  parentDescribe: ObjectDescribe | undefined,
): Record<string, FieldValue> {
  const typed: Record<string, FieldValue> = {};
  for (const [column, raw] of Object.entries(row)) {
    const text = raw === null || raw === undefined ? '' : String(raw);
    const field = column.startsWith('Account.')
      ? parentDescribe?.field(column.slice('Account.'.length))
      : describe.field(column);
    if (text === '') {
      typed[column] = null;
    } else if (field && NUMBER_TYPES.has(field.type)) {
      const n = Number(text);
      typed[column] = Number.isFinite(n) ? n : text;
    } else if (field?.type === 'boolean') {
      typed[column] = text.toLowerCase() === 'true';
    } else {
      typed[column] = text;
    }
  }
  return typed;
}
