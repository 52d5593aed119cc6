import type { Org } from '../org/org';
import type { Row } from '../org/store';
import type { ObjectSpec } from '../schema/field-builders';
import { objectInfo } from './object-info';
import { MASTER_RECORD_TYPE_ID, recordRepresentation } from './record-representation';

/** Compound address fields and the system Id are left off layouts, as on a generated default page layout. */
function layoutFields(org: Org, obj: ObjectSpec, userId: string): string[] {
  return obj.fields
    .filter((f) => f.name !== 'Id' && f.name !== 'IsDeleted' && f.type !== 'address' && f.type !== 'location')
    .filter((f) => org.fls.get(userId, obj.name, f.name).readable)
    .map((f) => f.name);
}

/**
 * The org has no page layouts, so every object gets one generated `Full` layout: a single two-column
 * "Information" section with each readable field, in describe order.
 */
export function generatedLayout(org: Org, obj: ObjectSpec, userId: string, mode: string): Record<string, unknown> {
  const names = layoutFields(org, obj, userId);
  const rows = [];
  for (let i = 0; i < names.length; i += 2) {
    rows.push({
      layoutItems: names.slice(i, i + 2).map((name) => {
        const field = obj.getField(name)!;
        const access = org.fls.get(userId, obj.name, name);
        return {
          editableForNew: access.editable && field.createable,
          editableForUpdate: access.editable && field.updateable,
          label: field.label,
          layoutComponents: [{ apiName: name, componentType: 'Field', label: field.label }],
          lookupIdApiName: field.type === 'reference' ? name : null,
          required: !field.nillable && field.createable && field.type !== 'boolean',
          sized: false,
        };
      }),
    });
  }
  return {
    eTag: `${obj.name}-${mode}-${names.length}`,
    id: `00h${obj.keyPrefix}000000000AAA`.slice(0, 18),
    layoutType: 'Full',
    mode,
    objectApiName: obj.name,
    recordTypeId: MASTER_RECORD_TYPE_ID,
    saveOptions: [],
    sections: [
      {
        collapsible: false,
        columns: 2,
        heading: 'Information',
        id: `01B${obj.keyPrefix}000000000AAA`.slice(0, 18),
        layoutRows: rows,
        rows: rows.length,
        tabOrder: 'TopToBottom',
        useHeading: false,
      },
    ],
  };
}

/** `record-ui/{ids}`: layouts, object infos and records (with the layout's fields) for the given records. */
export function recordUi(
  org: Org,
  records: { obj: ObjectSpec; row: Row }[],
  userId: string,
  mode: string,
): Record<string, unknown> {
  const layouts: Record<string, unknown> = {};
  const objectInfos: Record<string, unknown> = {};
  const out: Record<string, unknown> = {};
  for (const { obj, row } of records) {
    if (!objectInfos[obj.name]) {
      objectInfos[obj.name] = objectInfo(org, obj, userId);
      layouts[obj.name] = { [MASTER_RECORD_TYPE_ID]: { Full: { [mode]: generatedLayout(org, obj, userId, mode) } } };
    }
    const paths = layoutFields(org, obj, userId).map((name) => [name]);
    out[String(row.Id)] = recordRepresentation(org, obj, row, paths, userId);
  }
  return { layoutUserStates: {}, layouts, objectInfos, records: out };
}
