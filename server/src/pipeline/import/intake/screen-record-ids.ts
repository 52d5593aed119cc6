import { isRecordId } from '../../../salesforce/selectors/api-name';

/** `003*`: Salesforce's "every record of this key prefix" after a field-type conversion. */
const KEY_PREFIX_WILDCARD = /^[a-zA-Z0-9]{3}\*$/;

export interface ScreenedRecordIds {
  /** Ids with the shape of a Salesforce record id (15 or 18 letters and digits). */
  valid: string[];
  /** Entries that are neither an id nor a key-prefix wildcard: never queried. */
  invalid: string[];
  /** Some entry was `<keyPrefix>*`: the whole object changed. */
  wildcard: boolean;
}

/** Sorts a change event's `recordIds` before anything queries with them. */
export function screenRecordIds(recordIds: readonly string[]): ScreenedRecordIds {
  const screened: ScreenedRecordIds = { valid: [], invalid: [], wildcard: false };
  for (const id of recordIds) {
    if (isRecordId(id)) screened.valid.push(id);
    else if (KEY_PREFIX_WILDCARD.test(id)) screened.wildcard = true;
    else screened.invalid.push(id);
  }
  return screened;
}
