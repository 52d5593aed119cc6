import { describe, expect, it } from 'vitest';
import { decodeCell, SnowflakeCellError } from '../../../../../src/pipeline/import/warehouse/snowflake/snowflake-cells';

const column = (type: string, scale = 0) => ({ name: 'C', type, scale });

describe('Snowflake cell decoding by rowType (docs/snowflake-reference.md §4)', () => {
  it('when FIXED then the scale gives decimals and a 38-digit integer stays exact text', () => {
    expect(decodeCell(column('fixed'), '42')).toBe(42);
    expect(decodeCell(column('fixed', 2), '12.50')).toBe(12.5);
    expect(decodeCell(column('fixed'), '-7')).toBe(-7);
    expect(decodeCell(column('fixed'), '12345678901234567890123')).toBe('12345678901234567890123');
  });

  it('when REAL, TEXT, BOOLEAN or VARIANT then numbers, strings and booleans', () => {
    expect(decodeCell(column('real'), '1.5e3')).toBe(1500);
    expect(decodeCell(column('real'), 'inf')).toBe(Infinity);
    expect(decodeCell(column('text'), 'Ada')).toBe('Ada');
    expect(decodeCell(column('boolean'), 'true')).toBe(true);
    expect(decodeCell(column('boolean'), 'false')).toBe(false);
    expect(decodeCell(column('variant'), '{"a":1}')).toBe('{"a":1}');
  });

  it('when DATE then days since the epoch, as YYYY-MM-DD (as the Postgres reader gives dates)', () => {
    expect(decodeCell(column('date'), '18262')).toBe('2020-01-01');
    expect(decodeCell(column('date'), '-1')).toBe('1969-12-31');
  });

  it('when TIME then seconds since midnight as HH:MM:SS.fff', () => {
    expect(decodeCell(column('time', 9), '82919.123000000')).toBe('23:01:59.123');
  });

  it('when TIMESTAMP_NTZ or _LTZ then "<seconds>.<nanoseconds>" as ISO 8601 keeping every digit (NTZ without Z)', () => {
    expect(decodeCell(column('timestamp_ntz', 9), '1616173619.000000000')).toBe('2021-03-19T17:06:59');
    expect(decodeCell(column('timestamp_ltz', 9), '1616173619.987654321')).toBe('2021-03-19T17:06:59.987654321Z');
    expect(decodeCell(column('timestamp_ltz', 9), '1616173619.120000000')).toBe('2021-03-19T17:06:59.12Z');
    expect(decodeCell(column('timestamp_ltz', 9), '-1.500000000')).toBe('1969-12-31T23:59:58.5Z');
    expect(new Date(String(decodeCell(column('timestamp_ltz', 9), '-1.500000000'))).getTime()).toBe(-1500);
  });

  it('when TIMESTAMP_TZ then the UTC instant, whatever the offset (minutes + 1440)', () => {
    const instant = '2021-03-19T17:06:59Z';
    expect(decodeCell(column('timestamp_tz', 9), '1616173619.000000000 960')).toBe(instant);
    expect(decodeCell(column('timestamp_tz', 9), '1616173619.000000000 1440')).toBe(instant);
    expect(decodeCell(column('timestamp_tz', 9), '1616173619.000000000 1770')).toBe(instant);
  });

  it('when null then null; when a cell does not fit its type then a coded error', () => {
    expect(decodeCell(column('date'), null)).toBeNull();
    expect(() => decodeCell(column('fixed'), 'abc')).toThrow(SnowflakeCellError);
    expect(() => decodeCell(column('timestamp_tz'), '1616173619.0')).toThrow(/timestamp_tz/);
  });
});
