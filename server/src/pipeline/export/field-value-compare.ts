import type { FieldValue } from '../../domain/mirror-record';
import { fieldTypeKind } from './field-type-kind';
import { parseDateOnly, parseInstant } from './salesforce-instant';

/** Salesforce treats null, '' and whitespace alike: none of them is a value a person chose. */
export function isBlankFieldValue(value: FieldValue | undefined): boolean {
  return value === null || value === undefined || (typeof value === 'string' && value.trim() === '');
}

function asNumber(value: FieldValue): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'string' && value.trim() !== '') return Number(value.trim());
  return Number.NaN;
}

function asBoolean(value: FieldValue): boolean | undefined {
  if (typeof value === 'boolean') return value;
  const text = String(value).trim().toLowerCase();
  if (text === 'true' || text === '1') return true;
  if (text === 'false' || text === '0') return false;
  return undefined;
}

function multipicklistSet(value: FieldValue): string {
  return String(value)
    .split(';')
    .map((part) => part.trim())
    .filter((part) => part !== '')
    .sort()
    .join(';');
}

function sameText(a: FieldValue, b: FieldValue): boolean {
  return String(a).trimEnd() === String(b).trimEnd();
}

/**
 * Whether writing `b` over `a` would change nothing, judged the way Salesforce stores the field's type: "12" and 12
 * are one number, two spellings of one instant are one date-time. Falls back to text when a side does not parse, so
 * an odd value is rewritten rather than mistaken for ours.
 */
export function sameFieldValue(a: FieldValue | undefined, b: FieldValue | undefined, type: string): boolean {
  const aBlank = isBlankFieldValue(a);
  const bBlank = isBlankFieldValue(b);
  if (aBlank || bBlank) return aBlank && bBlank;
  const left = a as FieldValue;
  const right = b as FieldValue;
  switch (fieldTypeKind(type)) {
    case 'number': {
      const x = asNumber(left);
      const y = asNumber(right);
      return Number.isFinite(x) && Number.isFinite(y) ? x === y : sameText(left, right);
    }
    case 'boolean': {
      const x = asBoolean(left);
      const y = asBoolean(right);
      return x !== undefined && y !== undefined ? x === y : sameText(left, right);
    }
    case 'date': {
      const x = parseDateOnly(left);
      const y = parseDateOnly(right);
      return x !== undefined && y !== undefined ? x === y : sameText(left, right);
    }
    case 'datetime': {
      const x = parseInstant(left);
      const y = parseInstant(right);
      return !Number.isNaN(x) && !Number.isNaN(y) ? x === y : sameText(left, right);
    }
    case 'multipicklist':
      return multipicklistSet(left) === multipicklistSet(right);
    case 'exact':
      return String(left) === String(right);
    case 'text':
      return sameText(left, right);
  }
}
