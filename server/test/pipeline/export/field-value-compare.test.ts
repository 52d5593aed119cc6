import { describe, expect, it } from 'vitest';
import { isBlankFieldValue, sameFieldValue } from '../../../src/pipeline/export/field-value-compare';
import { coerceForField } from '../../../src/pipeline/export/field-value-coerce';
import { parseInstant } from '../../../src/pipeline/export/salesforce-instant';

describe('isBlankFieldValue', () => {
  it.each([null, undefined, '', '   ', '\t\n'])('when the value is %j, then it is blank', (value) => {
    expect(isBlankFieldValue(value)).toBe(true);
  });

  it.each([0, false, 'x', ' x '])('when the value is %j, then it is not blank', (value) => {
    expect(isBlankFieldValue(value)).toBe(false);
  });
});

describe('sameFieldValue', () => {
  it.each([
    ['double', '12', 12],
    ['currency', 1200, '1200.00'],
    ['int', ' 7 ', 7],
    ['boolean', true, 'true'],
    ['boolean', 0, false],
    ['datetime', '2024-01-02T03:04:05.000+0000', '2024-01-02T03:04:05Z'],
    ['datetime', '2024-01-02T03:04:05.000+0000', '2024-01-02T05:04:05.000+0200'],
    ['datetime', '2024-01-02T03:04:05.000Z', 1704164645000],
    ['datetime', '2024-01-02', '2024-01-02T00:00:00Z'],
    ['date', '2024-01-02', '2024-01-02T23:59:59Z'],
    ['string', 'Sales  ', 'Sales'],
    ['textarea', 'line\n', 'line'],
    ['multipicklist', 'a;b', 'b; a'],
    ['email', 'jane@acme.com', 'jane@acme.com'],
    ['string', null, '  '],
  ] as const)('when a %s field compares %j with %j, then they are the same', (type, a, b) => {
    expect(sameFieldValue(a, b, type)).toBe(true);
  });

  it.each([
    ['double', '12', 12.01],
    ['double', 'n/a', 0],
    ['boolean', true, false],
    ['datetime', '2024-01-02T03:04:05.000+0000', '2024-01-02T03:04:06Z'],
    ['date', '2024-01-02', '2024-01-03'],
    ['email', 'Jane@acme.com', 'jane@acme.com'],
    ['url', 'https://a.io/X', 'https://a.io/x'],
    ['email', 'jane@acme.com ', 'jane@acme.com'],
    ['string', ' Sales', 'Sales'],
    ['string', null, 'x'],
    ['picklist', 'VP', 'vp'],
  ] as const)('when a %s field compares %j with %j, then they differ', (type, a, b) => {
    expect(sameFieldValue(a, b, type)).toBe(false);
  });
});

describe('parseInstant', () => {
  it('when a time has no zone, then it is read as UTC whatever the server time zone', () => {
    expect(parseInstant('2024-01-02T03:04:05')).toBe(Date.UTC(2024, 0, 2, 3, 4, 5));
  });

  it.each(['yesterday', '2024-13-45', '', '2024-01-02 03:04:05'])(
    'when the text is %j, then it is not an instant',
    (text) => {
      expect(parseInstant(text)).toBeNaN();
    },
  );
});

describe('coerceForField', () => {
  it.each([
    [{ updateable: true, type: 'double', scale: 2 }, '3.14159', 3.14],
    [{ updateable: true, type: 'currency' }, 1234.5678, 1234.5678],
    [{ updateable: true, type: 'int' }, '42', 42],
    [{ updateable: true, type: 'boolean' }, 'TRUE', true],
    [{ updateable: true, type: 'datetime' }, '2024-01-02T03:04:05+0000', '2024-01-02T03:04:05.000Z'],
    [{ updateable: true, type: 'date' }, '2024-01-02T03:04:05Z', '2024-01-02'],
    [{ updateable: true, type: 'string' }, 42, '42'],
    [{ updateable: true, type: 'multipicklist' }, ' a ; b ;', 'a;b'],
  ] as const)('when %j receives %j, then %j is sent', (field, value, sent) => {
    expect(coerceForField(value, { ...field })).toEqual({ ok: true, value: sent });
  });

  it.each([
    [{ updateable: true, type: 'double' }, 'twelve'],
    [{ updateable: true, type: 'int' }, 1.5],
    [{ updateable: true, type: 'boolean' }, 'yes'],
    [{ updateable: true, type: 'date' }, '02/01/2024'],
  ] as const)('when %j receives %j, then the value is refused with a reason', (field, value) => {
    const coerced = coerceForField(value, { ...field });
    expect(coerced.ok).toBe(false);
  });
});
