import type { FieldValue } from '../../domain/mirror-record';

/**
 * REST nests parent fields (`{"Account": {"attributes": …, "Website": "…"}}`, or `"Account": null`); the mirror
 * keeps them flat as `Account.Website`, the name filters and providers use.
 */
export function flattenRecord(
  raw: Record<string, unknown>,
  parentFields: readonly string[],
): Record<string, FieldValue> {
  const flat: Record<string, FieldValue> = {};
  for (const [key, value] of Object.entries(raw)) {
    if (key === 'attributes') continue;
    if (value !== null && typeof value === 'object') continue;
    flat[key] = (value ?? null) as FieldValue;
  }
  for (const path of parentFields) {
    const [relationship, field] = path.split('.') as [string, string];
    const parent = raw[relationship] as Record<string, unknown> | null | undefined;
    flat[path] = ((parent && parent[field]) ?? null) as FieldValue;
  }
  return flat;
}
