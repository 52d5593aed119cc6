import type { AttributeKey } from './attributes';
import type { WRITE_RULES } from './records/config-objects';
import type { RecordObject } from './mirror-record';

export type WriteRule = (typeof WRITE_RULES)[number];

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
}
