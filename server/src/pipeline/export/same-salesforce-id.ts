/**
 * Whether two Salesforce ids name the same row. An 18-character id is the 15-character (case-sensitive) id plus a
 * checksum suffix, and CDC headers and userinfo do not always agree on which form they use.
 */
export function sameSalesforceId(a: string, b: string): boolean {
  const forms = (id: string) => id.length === 15 || id.length === 18;
  return forms(a) && forms(b) ? a.slice(0, 15) === b.slice(0, 15) : a === b;
}
