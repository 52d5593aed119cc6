/**
 * Turns the SQL API's string cells into values by `rowType` (docs/snowflake-reference.md §4). Every cell arrives as a
 * string or null; dates are days since the epoch, timestamps seconds since the epoch with nanoseconds, TIMESTAMP_TZ
 * adds an offset in minutes plus 1440.
 */
import { AppError } from '../../../../lib/errors';

export type SnowflakeColumn = { name: string; type: string; scale?: number | null };
export type SnowflakeValue = string | number | boolean | Date | null;

const MS_PER_DAY = 86_400_000;

export class SnowflakeCellError extends AppError {
  constructor(column: string, type: string, cell: string) {
    super('SNOWFLAKE_BAD_CELL', `column ${column}: "${cell.slice(0, 40)}" is not a ${type} value`, false);
  }
}

/** "1616173619.123456789" → milliseconds, exact to the millisecond (no float rounding of the nanoseconds). */
function epochSecondsToMs(text: string): number | undefined {
  const match = /^(-?)(\d+)(?:\.(\d{1,9}))?$/.exec(text);
  if (!match) return undefined;
  const [, sign, whole, fraction = ''] = match;
  const ms = Number(whole) * 1000 + Number(fraction.padEnd(3, '0').slice(0, 3));
  return sign === '-' ? -ms : ms;
}

function decodeFixed(cell: string, scale: number): number | string | undefined {
  if (!/^-?\d+(\.\d+)?$/.test(cell)) return undefined;
  const value = Number(cell);
  // A 38-digit NUMBER does not fit a double: keep the exact text rather than a silently rounded number.
  if (scale === 0 && !Number.isSafeInteger(value)) return cell;
  return value;
}

function decodeTime(cell: string): string | undefined {
  const ms = epochSecondsToMs(cell);
  if (ms === undefined || ms < 0 || ms >= MS_PER_DAY) return undefined;
  return new Date(ms).toISOString().slice(11, 23);
}

function decodeTimestampTz(cell: string): Date | undefined {
  // The epoch seconds are already UTC; the offset (minutes + 1440) only says which zone the value was written in.
  const match = /^(\S+) (\d{1,4})$/.exec(cell);
  if (!match || Number(match[2]) > 2880) return undefined;
  const ms = epochSecondsToMs(match[1] ?? '');
  return ms === undefined ? undefined : new Date(ms);
}

function decodeKnown(column: SnowflakeColumn, cell: string): SnowflakeValue | undefined {
  switch (column.type.toLowerCase()) {
    case 'fixed':
      return decodeFixed(cell, column.scale ?? 0);
    case 'real': {
      const value = Number(cell.replace(/^inf$/i, 'Infinity').replace(/^-inf$/i, '-Infinity'));
      return Number.isNaN(value) && cell !== 'NaN' ? undefined : value;
    }
    case 'boolean':
      if (cell === 'true' || cell === '1') return true;
      if (cell === 'false' || cell === '0') return false;
      return undefined;
    case 'date':
      return /^-?\d+$/.test(cell) ? new Date(Number(cell) * MS_PER_DAY) : undefined;
    case 'time':
      return decodeTime(cell);
    case 'timestamp_ntz':
    case 'timestamp_ltz': {
      const ms = epochSecondsToMs(cell);
      return ms === undefined ? undefined : new Date(ms);
    }
    case 'timestamp_tz':
      return decodeTimestampTz(cell);
    default:
      // text, variant/object/array (JSON text), binary (hex) and types we do not interpret stay strings.
      return cell;
  }
}

export function decodeCell(column: SnowflakeColumn, cell: string | null): SnowflakeValue {
  if (cell === null) return null;
  const value = decodeKnown(column, cell);
  if (value === undefined) throw new SnowflakeCellError(column.name, column.type, cell);
  return value;
}

export function decodeRow(columns: readonly SnowflakeColumn[], cells: readonly (string | null)[]) {
  const row: Record<string, SnowflakeValue> = {};
  columns.forEach((column, index) => {
    row[column.name] = decodeCell(column, cells[index] ?? null);
  });
  return row;
}
