// A host name that can receive mail or serve a website: at least two labels, letters/digits/hyphens per label (no
// leading or trailing hyphen), and an alphabetic top-level label (so IP addresses and "localhost" are rejected).
// Unicode letters are allowed for internationalised names.
const LABEL = '[\\p{L}\\p{N}](?:[\\p{L}\\p{N}-]{0,61}[\\p{L}\\p{N}])?';
const TOP_LEVEL_LABEL = '(?:\\p{L}{2,63}|xn--[a-z0-9-]{1,59})';
const DOMAIN_PATTERN = new RegExp(`^(?:${LABEL}\\.)+${TOP_LEVEL_LABEL}$`, 'u');

/** True when `domain` (already lower-cased, no trailing dot) is shaped like a public domain name. */
export function isDomainName(domain: string): boolean {
  return domain.length <= 253 && DOMAIN_PATTERN.test(domain);
}
