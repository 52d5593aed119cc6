// Letters, digits and underscores, starting with a letter: covers `Title`, `Seniority__c`, `ns__Field__c`.
const API_NAME_RE = /^[A-Za-z][A-Za-z0-9_]{0,79}$/;

/** Whether a name has the shape of a Salesforce object or field API name (checked before it enters any SOQL). */
export function isApiName(name: string): boolean {
  return API_NAME_RE.test(name);
}

/** A field path such as `Account.Owner.Email`: up to five API names joined by dots. */
export function isFieldPath(path: string): boolean {
  const parts = path.split('.');
  return parts.length <= 5 && parts.every(isApiName);
}

// 15- or 18-character record ids: letters and digits only, so they never need escaping inside a SOQL literal.
const RECORD_ID_RE = /^[a-zA-Z0-9]{15}(?:[a-zA-Z0-9]{3})?$/;

/** Whether a value has the shape of a Salesforce record id. */
export function isRecordId(value: string): boolean {
  return RECORD_ID_RE.test(value);
}
