import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js/max';
import { parseEmailAddress } from '../../enrich/offline/email-address';
import { isPhoneRegion } from '../../enrich/offline/phone-number';
import { coerceForField } from '../../export/field-value-coerce';
import { fieldTypeKind, hasTextLength } from '../../export/field-type-kind';
import type { DescribeField } from '../../../salesforce/schema/describe-cache';
import type { CsvRow } from './csv-row-reader';
import { clip, codePoint, findControlCharacter, listClipped } from './display-text';
import type { ImportColumn, ImportColumns } from './import-columns';
import type { RowFailureReason } from './import-row-outcome';
import { toId18 } from './salesforce-id';

export interface ValidRow {
  ok: true;
  line: number;
  /** Normalised match key: lower-cased text, or the 18-character id; duplicates in the file share it. */
  key: string;
  /** The key as it goes into the match query. */
  keyValue: string;
  /** Field API name → value to import (non-blank, normalised), the match field included. */
  values: Record<string, string>;
}

export interface InvalidRow {
  ok: false;
  line: number;
  key?: string;
  reason: RowFailureReason;
  detail: string;
}

interface Problem {
  reason: RowFailureReason;
  detail: string;
}

const newlinesIn = (text: string): number => text.split('\n').length - 1;

/** Each cell holding a control character (a byte of a binary file, a stray escape): where, as an editor counts. */
function controlCharacterProblems(row: CsvRow, header: readonly ImportColumn[]): Problem[] {
  const problems: Problem[] = [];
  let line = row.line;
  row.values.forEach((value, index) => {
    const found = findControlCharacter(value);
    if (found) {
      const name = header[index] ? ` ("${clip(header[index].header)}")` : '';
      problems.push({
        reason: 'control_character',
        detail:
          `line ${line + newlinesIn(value.slice(0, found.index))}, column ${index + 1}${name}: ` +
          `control character ${codePoint(found.char)}`,
      });
    }
    line += newlinesIn(value);
  });
  return problems;
}

/** The value to send for one field, or the problem that rules the row out. */
function checkValue(field: DescribeField, raw: string, defaultRegion: CountryCode | undefined): Problem | string {
  const name = field.name;
  let value = raw.trim();
  if (field.type === 'email') {
    const address = parseEmailAddress(value);
    if (!address) return { reason: 'bad_email', detail: `${name} "${clip(value)}" is not an email address` };
    value = `${address.localPart}@${address.domain}`;
  } else if (field.type === 'phone') {
    const phone = parsePhoneNumberFromString(value, defaultRegion ? { defaultCountry: defaultRegion } : {});
    if (!phone?.isPossible()) return { reason: 'bad_phone', detail: `${name} "${clip(value)}" is not a phone number` };
  } else if (field.type === 'id' || field.type === 'reference') {
    const id = toId18(value);
    if (!id) return { reason: 'bad_value', detail: `${name} "${clip(value)}" is not a Salesforce id` };
    value = id;
  } else if (fieldTypeKind(field.type) !== 'text' || field.type === 'url') {
    const coerced = coerceForField(value, {
      updateable: true,
      type: field.type,
      ...(typeof field.scale === 'number' && { scale: field.scale }),
    });
    if (!coerced.ok) return { reason: 'bad_value', detail: `${name}: ${coerced.detail}` };
  }
  if (field.restrictedPicklist && (field.type === 'picklist' || field.type === 'multipicklist')) {
    const allowed = new Set(field.picklistValues.filter((p) => p.active).map((p) => p.value));
    const parts = field.type === 'multipicklist' ? value.split(';').map((part) => part.trim()) : [value];
    const missing = parts.find((part) => part !== '' && !allowed.has(part));
    if (missing !== undefined) {
      return { reason: 'bad_value', detail: `${name}: "${clip(missing)}" is not a value of the picklist` };
    }
  }
  if (hasTextLength(field.type) && field.length && value.length > field.length) {
    return { reason: 'too_long', detail: `${name} has ${value.length} characters, the field holds ${field.length}` };
  }
  return value;
}

/**
 * Checks one row against the header and describe before anything is written: shape (as many values as columns), no
 * value under a column that names no field, a match key, and every value fit for its field (a real email address,
 * a possible phone number, a number / date / boolean that parses, a picklist value, not too long). All problems of
 * the row are named; the first one's reason is the row's.
 */
export function validateRow(
  row: CsvRow,
  columns: ImportColumns,
  options: { defaultRegion: string },
): ValidRow | InvalidRow {
  const problems: Problem[] = [];
  const region = isPhoneRegion(options.defaultRegion) ? options.defaultRegion : undefined;
  const width = columns.columns.length;
  const rawKey = row.values[columns.match.index]?.trim() ?? '';
  const fail = (key?: string): InvalidRow => ({
    ok: false,
    line: row.line,
    ...(key !== undefined && key !== '' && { key }),
    reason: (problems[0] as Problem).reason,
    detail: problems.map((p) => p.detail).join('; '),
  });

  problems.push(...controlCharacterProblems(row, columns.columns));
  if (row.values.length < width) {
    problems.push({ reason: 'bad_row', detail: `the row has ${row.values.length} values, the header ${width}` });
    return fail(rawKey);
  }
  row.values.slice(width).forEach((value, offset) => {
    if (value.trim() !== '') {
      problems.push({
        reason: 'unknown_column',
        detail: `value "${clip(value.trim())}" in column ${width + offset + 1}, which has no header`,
      });
    }
  });
  const unknown = columns.unknown.filter((column) => (row.values[column.index]?.trim() ?? '') !== '');
  if (unknown.length > 0) {
    const names = listClipped(
      unknown.map((column) => column.header),
      3,
    );
    const what = unknown.length === 1 ? `column ${names} is not a field` : `columns ${names} are not fields`;
    problems.push({ reason: 'unknown_column', detail: `${what} of this object` });
  }
  if (rawKey === '') problems.push({ reason: 'missing_key', detail: `no ${columns.match.field.name} to match on` });

  const values: Record<string, string> = {};
  for (const column of columns.columns) {
    if (!column.field) continue;
    const raw = row.values[column.index] ?? '';
    if (raw.trim() === '') continue;
    const checked = checkValue(column.field, raw, region);
    if (typeof checked === 'string') values[column.field.name] = checked;
    else problems.push(checked);
  }
  if (problems.length > 0) return fail(rawKey);

  const keyValue = values[columns.match.field.name] as string;
  // SOQL compares text case-insensitively, and 18-character ids may be too (the suffix carries the case).
  return { ok: true, line: row.line, key: keyValue.toLowerCase(), keyValue, values };
}
