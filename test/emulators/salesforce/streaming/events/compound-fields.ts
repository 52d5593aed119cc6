import type { ObjectDef } from '../../org-contract';

/**
 * CometD nests compound fields: address components under their short names (`MailingStreet` →
 * `MailingAddress.Street`), Name components under their own names (`FirstName` → `Name.FirstName`).
 */
export function componentPath(
  object: ObjectDef | undefined,
  field: string,
): { compound: string; component: string } | undefined {
  const compound = object?.getField(field)?.compoundFieldName;
  if (!compound) return undefined;
  if (compound === 'Name') return { compound, component: field };
  // Custom geolocation components are `Loc__Latitude__s` under `Loc__c`.
  const geo = /__(Latitude|Longitude)__s$/.exec(field)?.[1];
  if (geo) return { compound, component: geo };
  const prefix = compound.endsWith('Address') ? compound.slice(0, -'Address'.length) : compound;
  return { compound, component: field.startsWith(prefix) ? field.slice(prefix.length) : field };
}

/** `MailingStreet` → `MailingAddress.Street`; plain fields unchanged. */
export function changedFieldName(object: ObjectDef | undefined, field: string): string {
  const path = componentPath(object, field);
  return path ? `${path.compound}.${path.component}` : field;
}

/** Builds a CometD body: nulls dropped (CometD omits them), compound components nested. */
export function nestCompoundFields(
  object: ObjectDef | undefined,
  values: Record<string, unknown>,
): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  for (const [field, value] of Object.entries(values)) {
    if (value === null || value === undefined) continue;
    const path = componentPath(object, field);
    if (!path) {
      body[field] = value;
      continue;
    }
    const existing = body[path.compound];
    const nested = typeof existing === 'object' && existing !== null ? (existing as Record<string, unknown>) : {};
    nested[path.component] = value;
    body[path.compound] = nested;
  }
  return body;
}
