import type { AttributeKey } from './attributes';
import type { FIELD_MAP_MODES, WRITE_RULES } from './records/config-objects';
import type { RecordObject } from './mirror-record';

export type WriteRule = (typeof WRITE_RULES)[number];
export type FieldMapMode = (typeof FIELD_MAP_MODES)[number];

/** One active, validated `Audience_Field_Map__c`: which attribute goes to which field under which rule. */
export interface FieldMap {
  id: string;
  object: RecordObject;
  /** API name on the object, as describe spells it. */
  field: string;
  /** Blank = the field is only read (offered in filters), never written. */
  attribute?: AttributeKey;
  rule: WriteRule;
  importable: boolean;
  /** Preview maps are mirrored and planned by a dry run, never written (absent = Live). */
  mode?: FieldMapMode;
}

/** Whether the loop may write this map's field (a Preview map is only planned by a dry run). */
export function isLiveFieldMap(map: FieldMap): boolean {
  return map.mode !== 'Preview';
}
