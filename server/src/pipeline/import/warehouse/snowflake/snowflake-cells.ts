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

/**
 * "1616173619.123456789" → ISO 8601 with every fractional digit kept (trailing zeros dropped, as Postgres writes
 * them), so a timestamp used as the incremental cursor compares back exactly: a Date would cut it to milliseconds.
 */
export function epochToIso(text: string, zone: 'Z' | ''): string | undefined {
  const match = /^(-?\d+)(?:\.(\d{1,9}))?$/.exec(text);
  if (!match) return undefined;
  const seconds = Number(match[1]);
  const fraction = (match[2] ?? '').replace(/0+$/, '');
  const whole = new Date(seconds * 1000).toISOString().slice(0, 19);
  // A negative epoch with a fraction lies before `seconds`: borrow one second and count the fraction back.
  if (seconds < 0 && fraction !== '') {
    const digits = (match[2] ?? '').padEnd(9, '0');
    const back = (1_000_000_000 - Number(digits)).toString().padStart(9, '0').replace(/0+$/, '');
    return `${new Date((seconds - 1) * 1000).toISOString().slice(0, 19)}.${back}${zone}`;
  }
  return `${whole}${fraction ? `.${fraction}` : ''}${zone}`;
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

function decodeTimestampTz(cell: string): string | undefined {
  // The epoch seconds are already UTC; the offset (minutes + 1440) only says which zone the value was written in.
  const match = /^(\S+) (\d{1,4})$/.exec(cell);
  if (!match || Number(match[2]) > 2880) return undefined;
  return epochToIso(match[1] ?? '', 'Z');
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
      return /^-?\d+$/.test(cell) ? new Date(Number(cell) * MS_PER_DAY).toISOString().slice(0, 10) : undefined;
    case 'time':
      return decodeTime(cell);
    case 'timestamp_ntz':
      // Wall-clock time without a zone: no Z, as Postgres writes a timestamp without time zone.
      return epochToIso(cell, '');
    case 'timestamp_ltz':
      return epochToIso(cell, 'Z');
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
