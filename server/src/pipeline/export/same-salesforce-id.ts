/**
 * Whether two Salesforce ids name the same row. An 18-character id is the 15-character (case-sensitive) id plus a
 * checksum suffix, and CDC headers and userinfo do not always agree on which form they use.
 */
export function sameSalesforceId(a: string, b: string): boolean {
  return hasIdLength(a) && hasIdLength(b) ? a.slice(0, 15) === b.slice(0, 15) : a === b;
}

// A module function, not a closure per call: this runs for every change event (issue 19 profile).
function hasIdLength(id: string): boolean {
  return id.length === 15 || id.length === 18;
}
