/**
 * ISO dates and datetimes as the filter language and the record mirror carry them. Everything is UTC:
 * Salesforce stores datetimes in UTC and the integration user runs in UTC, so "a day" is a UTC day.
 */

export const MS_PER_DAY = 86_400_000;

export interface TemporalValue {
  kind: 'date' | 'datetime';
  /** Epoch ms; for a date, 00:00:00Z of that day. */
  ms: number;
  /** Days since 1970-01-01 (UTC). */
  day: number;
}

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;
// Filter values: whole seconds, Z or ±hh:mm, which is what SOQL accepts as a literal.
const FILTER_DATETIME_RE = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(Z|[+-]\d{2}:\d{2})$/;
// Record values also come as Salesforce writes them: `2024-01-31T10:00:00.000+0000`.
const RECORD_DATETIME_RE = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?(Z|[+-]\d{2}:?\d{2})$/;

/** A filter value that is an ISO date or datetime, or undefined. */
export function parseFilterTemporal(text: string): TemporalValue | undefined {
  const date = DATE_RE.exec(text);
  if (date) return dateValue(Number(date[1]), Number(date[2]), Number(date[3]));
  const dt = FILTER_DATETIME_RE.exec(text);
  if (dt) return dateTimeValue(dt, '', dt[7] ?? 'Z');
  return undefined;
}

/** A record's value for a date/datetime field: ISO text, a Date, or epoch ms (CometD sends those). */
export function parseRecordTemporal(value: unknown, numbersAreEpochMs: boolean): TemporalValue | undefined {
  if (value instanceof Date) return fromMs(value.getTime());
  if (typeof value === 'number') return numbersAreEpochMs ? fromMs(value) : undefined;
  if (typeof value !== 'string') return undefined;
  const date = DATE_RE.exec(value);
  if (date) return dateValue(Number(date[1]), Number(date[2]), Number(date[3]));
  const dt = RECORD_DATETIME_RE.exec(value);
  if (dt) return dateTimeValue(dt, dt[7] ?? '', dt[8] ?? 'Z');
  return undefined;
}

/** `YYYY-MM-DD` of a UTC day number. */
export function formatDay(day: number): string {
  return new Date(day * MS_PER_DAY).toISOString().slice(0, 10);
}

/** SOQL datetime literal (whole seconds, UTC): `2024-01-31T00:00:00Z`. */
export function formatDateTimeLiteral(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 19)}Z`;
}

/** The UTC day number of an instant. */
export function dayOf(ms: number): number {
  return Math.floor(ms / MS_PER_DAY);
}

function fromMs(ms: number): TemporalValue | undefined {
  if (!Number.isFinite(ms)) return undefined;
  return { kind: 'datetime', ms, day: dayOf(ms) };
}

function dateValue(year: number, month: number, dayOfMonth: number): TemporalValue | undefined {
  const ms = Date.UTC(year, month - 1, dayOfMonth);
  const back = new Date(ms);
  // Date.UTC rolls 2024-02-30 over to March: reject instead.
  if (back.getUTCFullYear() !== year || back.getUTCMonth() !== month - 1 || back.getUTCDate() !== dayOfMonth) {
    return undefined;
  }
  return { kind: 'date', ms, day: dayOf(ms) };
}

function dateTimeValue(match: RegExpExecArray, fraction: string, zone: string): TemporalValue | undefined {
  const date = dateValue(Number(match[1]), Number(match[2]), Number(match[3]));
  const hours = Number(match[4]);
  const minutes = Number(match[5]);
  const seconds = Number(match[6]);
  if (!date || hours > 23 || minutes > 59 || seconds > 59) return undefined;
  const offset = zoneOffsetMinutes(zone);
  if (offset === undefined) return undefined;
  const millis = fraction ? Math.floor(Number(`0${fraction}`) * 1000) : 0;
  const ms = date.ms + ((hours * 60 + minutes - offset) * 60 + seconds) * 1000 + millis;
  return { kind: 'datetime', ms, day: dayOf(ms) };
}

function zoneOffsetMinutes(zone: string): number | undefined {
  if (zone === 'Z') return 0;
  const match = /^([+-])(\d{2}):?(\d{2})$/.exec(zone);
  if (!match) return undefined;
  const hours = Number(match[2]);
  const minutes = Number(match[3]);
  if (hours > 14 || minutes > 59) return undefined;
  return (match[1] === '-' ? -1 : 1) * (hours * 60 + minutes);
}
