const ID_PATTERN = /^[a-zA-Z0-9]{15}(?:[a-zA-Z0-9]{3})?$/;
const SUFFIX_CHARS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ012345';

/**
 * The 18-character form of a Salesforce id (15-character ids are case-sensitive; the 3-character suffix encodes the
 * case, so 18-character ids compare case-insensitively). Undefined when the text is not an id.
 */
export function toId18(raw: string): string | undefined {
  const id = raw.trim();
  if (!ID_PATTERN.test(id)) return undefined;
  if (id.length === 18) return id;
  let suffix = '';
  for (let block = 0; block < 3; block += 1) {
    let bits = 0;
    for (let i = 0; i < 5; i += 1) {
      const char = id.charAt(block * 5 + i);
      if (char >= 'A' && char <= 'Z') bits |= 1 << i;
    }
    suffix += SUFFIX_CHARS.charAt(bits);
  }
  return id + suffix;
}
