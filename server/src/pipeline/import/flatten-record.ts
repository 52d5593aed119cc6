import type { FieldValue } from '../../domain/mirror-record';

/** `Account.Website` → `['Account', 'Website']`, split once per path rather than once per record. */
const PATH_PARTS = new Map<string, readonly [string, string]>();

function pathParts(path: string): readonly [string, string] {
  let parts = PATH_PARTS.get(path);
  if (!parts) PATH_PARTS.set(path, (parts = path.split('.') as [string, string]));
  return parts;
}

/**
 * REST nests parent fields (`{"Account": {"attributes": …, "Website": "…"}}`, or `"Account": null`); the mirror
 * keeps them flat as `Account.Website`, the name filters and providers use.
 */
export function flattenRecord(
  raw: Record<string, unknown>,
  parentFields: readonly string[],
): Record<string, FieldValue> {
  const flat: Record<string, FieldValue> = {};
  // for…in over a parsed JSON object: its own fields, without the array Object.entries builds per record.
  for (const key in raw) {
    if (key === 'attributes') continue;
    const value = raw[key];
    if (value !== null && typeof value === 'object') continue;
    flat[key] = (value ?? null) as FieldValue;
  }
  for (const path of parentFields) {
    const [relationship, field] = pathParts(path);
    const parent = raw[relationship] as Record<string, unknown> | null | undefined;
    flat[path] = ((parent && parent[field]) ?? null) as FieldValue;
  }
  return flat;
}
