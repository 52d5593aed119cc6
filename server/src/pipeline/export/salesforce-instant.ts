const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2})?$/;

/**
 * Epoch milliseconds of a date or date-time in any shape Salesforce hands us: REST's `2024-01-02T03:04:05.000+0000`,
 * CometD's `…Z`, Pub/Sub's epoch-ms numbers, plain ISO dates (midnight UTC). A time without a zone is UTC, never the
 * server's local time. NaN when the value is not a date.
 */
export function parseInstant(value: unknown): number {
  if (typeof value === 'number') return Number.isFinite(value) ? value : Number.NaN;
  if (typeof value !== 'string') return Number.NaN;
  const text = value.trim();
  if (DATE_ONLY.test(text)) return Date.parse(`${text}T00:00:00Z`);
  if (!DATE_TIME.test(text)) return Number.NaN;
  const withColon = text.replace(/([+-]\d{2})(\d{2})$/, '$1:$2');
  const zoned = /(?:Z|[+-]\d{2}:\d{2})$/.test(withColon) ? withColon : `${withColon}Z`;
  return Date.parse(zoned);
}

/** The calendar date (YYYY-MM-DD, UTC) of a date or date-time, or undefined when the value is not one. */
export function parseDateOnly(value: unknown): string | undefined {
  if (typeof value === 'string' && DATE_ONLY.test(value.trim())) {
    const text = value.trim();
    return Number.isNaN(Date.parse(`${text}T00:00:00Z`)) ? undefined : text;
  }
  const instant = parseInstant(value);
  return Number.isNaN(instant) ? undefined : new Date(instant).toISOString().slice(0, 10);
}
