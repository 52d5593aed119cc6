/**
 * CometD change events nest compound fields (`MailingAddress: { Street }`, `Name: { FirstName }`) and name their
 * components `MailingAddress.Street` in `changedFields`; the rest of the server speaks flat API names.
 */

/** `MailingAddress` + `Street` → `MailingStreet`; `Name` + `FirstName` → `FirstName`; `Loc__c` + `Latitude` → `Loc__Latitude__s`. */
export function flatComponentName(compound: string, component: string): string {
  if (compound === 'Name') return component;
  // Lead's `Address` has no prefix (`Street`, `City`…); the others do (`MailingStreet`, `BillingCountryCode`).
  if (compound.endsWith('Address')) return `${compound.slice(0, -'Address'.length)}${component}`;
  // Custom geolocation fields expose their components as `<Name>__Latitude__s`.
  if (compound.endsWith('__c')) return `${compound.slice(0, -'__c'.length)}__${component}__s`;
  return `${compound}${component}`;
}

/** A `changedFields` entry in flat form: `MailingAddress.Street` → `MailingStreet`, plain names unchanged. */
export function flatChangedField(name: string): string {
  const dot = name.indexOf('.');
  if (dot <= 0 || dot === name.length - 1) return name;
  return flatComponentName(name.slice(0, dot), name.slice(dot + 1));
}
