import type { LoopConfig } from '../../config/loop-config';
import { mirrorsParent } from '../../domain/mirrored-parents';
import type { RecordObject } from '../../domain/mirror-record';
import {
  isOfflineAttributeKey,
  OFFLINE_ATTRIBUTE_INPUTS,
  OFFLINE_INPUT_FIELDS,
} from '../enrich/offline/offline-provider';
import { LAST_ENRICHED_FIELD, PROVENANCE_FIELD } from '../export';
import { fieldsOfFilter } from '../segments/filter';
import { thresholdFieldsFor } from '../../signals/field-threshold-watcher';
import type { ObjectDescribe } from '../../salesforce/schema/describe-cache';

/** Always mirrored: identity, the change clock reconciliation reads, and who changed the record last. */
const SYSTEM_FIELDS = ['Id', 'SystemModstamp', 'LastModifiedDate', 'LastModifiedById'];

export interface MirrorFieldSet {
  object: RecordObject;
  /** Fields of the object itself, as describe spells them. */
  fields: string[];
  /** `Account.<Field>` values a Contact needs (filters, provider inputs). */
  parentFields: string[];
  /** Asked for but absent from describe (e.g. a field the integration user cannot read): left out, and reported. */
  missing: string[];
}

/**
 * The fields DESIGN §5 says the mirror holds for one object: every field an active field map names (whatever its
 * rule), every field an active filter names, every input an offline attribute of an active map reads, every field
 * an active action needs, every field a Field_Threshold rule watches, the loop's own fields and the system fields. Only fields describe shows are queried, so one unreadable field never
 * breaks the whole import.
 */
export function mirrorFieldsFor(
  object: RecordObject,
  config: LoopConfig,
  describe: ObjectDescribe,
  accountDescribe: ObjectDescribe | undefined,
): MirrorFieldSet {
  const wanted = new Set<string>(SYSTEM_FIELDS);
  const maps = config.fieldMaps.filter((m) => m.object === object);
  for (const map of maps) wanted.add(map.field);
  if (maps.some((m) => m.attribute)) {
    wanted.add(PROVENANCE_FIELD);
    wanted.add(LAST_ENRICHED_FIELD);
  }
  const inputs = new Set<string>(OFFLINE_INPUT_FIELDS[object]);
  for (const map of maps) {
    if (map.attribute && isOfflineAttributeKey(map.attribute)) {
      for (const input of OFFLINE_ATTRIBUTE_INPUTS[map.attribute]) if (inputs.has(input)) wanted.add(input);
    }
  }
  for (const item of [...config.sources, ...config.audiences]) {
    if (item.object === object) for (const field of fieldsOfFilter(item.filter)) wanted.add(field);
  }
  // Fields an active action reads (owner, opt-outs, template names): mirrored while the action is active.
  for (const action of config.actions) if (action.object === object) for (const f of action.mirrorFields) wanted.add(f);
  // Fields a Field_Threshold rule watches: the mirror's value is the previous one the next change is compared with.
  for (const field of thresholdFieldsFor(config, object)) wanted.add(field);
  if (object === 'Contact') wanted.add('AccountId');

  const fields: string[] = [];
  const parentFields: string[] = [];
  const missing: string[] = [];
  for (const name of wanted) {
    if (name.startsWith('Account.')) {
      const parentField = accountDescribe?.field(name.slice('Account.'.length));
      if (mirrorsParent(object, 'Account') && parentField) parentFields.push(`Account.${parentField.name}`);
      else missing.push(name);
      continue;
    }
    const field = describe.field(name);
    if (field) fields.push(field.name);
    else missing.push(name);
  }
  return { object, fields: [...new Set(fields)], parentFields: [...new Set(parentFields)], missing };
}
