/**
 * SOQL literal text for filter values. soql-parser-js does not escape: it wraps a STRING value in quotes
 * unless it already starts with one, so every string is escaped and quoted here first.
 */

/** `'…'` with `\` and `'` escaped (SOQL's reserved characters in a quoted string). */
export function quoteSoqlString(value: string): string {
  return `'${escapeQuoted(value)}'`;
}

/**
 * `'%…%'` / `'…%'` for LIKE: the value is matched literally, so `%` and `_` are escaped as well
 * (`\%`, `\_` are valid only inside LIKE, which is the only place this is used).
 */
export function quoteSoqlLike(value: string, mode: 'contains' | 'starts_with'): string {
  const escaped = escapeQuoted(value).replace(/[%_]/g, (char) => `\\${char}`);
  return mode === 'contains' ? `'%${escaped}%'` : `'${escaped}%'`;
}

/** A decimal literal without exponent (SOQL has no `1e21` form). */
export function formatSoqlNumber(value: number): string {
  if (!Number.isFinite(value)) throw new RangeError(`not a finite number: ${value}`);
  const plain = String(value);
  if (!/e/i.test(plain)) return plain === '-0' ? '0' : plain;
  const fixed = value.toFixed(20);
  return fixed.includes('.') ? fixed.replace(/0+$/, '').replace(/\.$/, '') : fixed;
}

function escapeQuoted(value: string): string {
  return value.replace(/[\\']/g, (char) => `\\${char}`);
}
