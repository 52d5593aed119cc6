import type { FieldValue } from '../../domain/mirror-record';
import { fieldTypeKind } from './field-type-kind';
import { parseDateOnly, parseInstant } from './salesforce-instant';
import type { FieldWritability } from './write-plan';

export type CoercedValue = { ok: true; value: FieldValue } | { ok: false; detail: string };

function coerceNumber(value: string | number, field: FieldWritability): CoercedValue {
  const text = typeof value === 'string' ? value.trim() : '';
  const number = typeof value === 'number' ? value : text === '' ? Number.NaN : Number(text);
  if (!Number.isFinite(number)) return { ok: false, detail: `"${value}" is not a number` };
  const type = field.type.toLowerCase();
  if ((type === 'int' || type === 'long') && !Number.isInteger(number)) {
    return { ok: false, detail: `${number} is not a whole number` };
  }
  // Salesforce rounds to the field's scale on save; sending the rounded value keeps the next plan a no-op.
  const scale = field.scale;
  if (scale !== undefined && scale >= 0 && scale <= 100) return { ok: true, value: Number(number.toFixed(scale)) };
  return { ok: true, value: number };
}

function coerceBoolean(value: string | number): CoercedValue {
  const text = String(value).trim().toLowerCase();
  if (text === 'true' || text === '1') return { ok: true, value: true };
  if (text === 'false' || text === '0') return { ok: true, value: false };
  return { ok: false, detail: `"${value}" is not true or false` };
}

/**
 * The value to send for an attribute, in the shape REST expects for the field's type. Values are normalised the way
 * Salesforce stores them (trimmed text, canonical date-times) so that what comes back compares equal to what we sent.
 */
export function coerceForField(value: string | number, field: FieldWritability): CoercedValue {
  switch (fieldTypeKind(field.type)) {
    case 'number':
      return coerceNumber(value, field);
    case 'boolean':
      return coerceBoolean(value);
    case 'date': {
      const date = parseDateOnly(value);
      return date === undefined ? { ok: false, detail: `"${value}" is not a date` } : { ok: true, value: date };
    }
    case 'datetime': {
      const instant = parseInstant(value);
      return Number.isNaN(instant)
        ? { ok: false, detail: `"${value}" is not a date-time` }
        : { ok: true, value: new Date(instant).toISOString() };
    }
    case 'multipicklist':
      return {
        ok: true,
        value: String(value)
          .split(';')
          .map((part) => part.trim())
          .filter((part) => part !== '')
          .join(';'),
      };
    case 'exact':
    case 'text':
      return { ok: true, value: String(value).trim() };
  }
}
