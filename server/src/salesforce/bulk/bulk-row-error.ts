/** A failed row as `failedResults` reports it. */
export interface BulkRowError {
  code: string;
  message: string;
  fields: string[];
}

/**
 * Reads `sf__Error`: `STATUS_CODE:message:Field1,Field2 --`, or `:--` when no field is named; several errors are
 * joined by `;`. The first error's code decides retry or give up, as the first error does in a Collections result.
 */
export function parseBulkRowError(text: string): BulkRowError {
  const errors = text
    .split(/;(?=[A-Z_]+:)/)
    .map((part) => part.trim())
    .filter((part) => part.length > 0)
    .map((part) => {
      const match = /^([A-Z_]+):([\s\S]*?)(?::([^:]*?))?\s*--\s*$/.exec(part);
      if (!match) return { code: 'UNKNOWN_ERROR', message: part, fields: [] as string[] };
      const fields = (match[3] ?? '')
        .split(',')
        .map((f) => f.trim())
        .filter((f) => f.length > 0);
      return { code: match[1] as string, message: (match[2] ?? '').trim(), fields };
    });
  const first = errors[0];
  if (!first) return { code: 'UNKNOWN_ERROR', message: text, fields: [] };
  return {
    code: first.code,
    message: errors.map((e) => e.message).join('; '),
    fields: errors.flatMap((e) => e.fields),
  };
}
