import { isDomainName } from './domain-name';

export type EmailAddress = {
  /** As written (case kept: the local part is case-sensitive in principle). */
  localPart: string;
  /** Lower-cased. */
  domain: string;
};

// Dot-atom local part (RFC 5322) with Unicode letters allowed (RFC 6531); quoted local parts are rare enough in CRM
// data that we treat them as invalid rather than risk accepting junk.
const LOCAL_PART_PATTERN = /^[\p{L}\p{N}!#$%&'*+/=?^_`{|}~-]+(?:\.[\p{L}\p{N}!#$%&'*+/=?^_`{|}~-]+)*$/u;
const MAX_LOCAL_PART_LENGTH = 64;
const MAX_ADDRESS_LENGTH = 254;

/** Splits a syntactically valid address into its parts; undefined when blank or malformed. Surrounding spaces are ignored. */
export function parseEmailAddress(raw: string | null | undefined): Readonly<EmailAddress> | undefined {
  // A record's address is read by its status, its normalised form and its company domain in turn.
  if (raw === lastRaw) return lastAddress;
  lastAddress = parseUncached(raw);
  lastRaw = raw;
  return lastAddress;
}

// Starts as the answer for undefined.
let lastRaw: string | null | undefined;
let lastAddress: Readonly<EmailAddress> | undefined;

function parseUncached(raw: string | null | undefined): Readonly<EmailAddress> | undefined {
  const trimmed = raw?.trim() ?? '';
  if (trimmed === '' || trimmed.length > MAX_ADDRESS_LENGTH) return undefined;
  const at = trimmed.indexOf('@');
  if (at <= 0 || at !== trimmed.lastIndexOf('@')) return undefined;
  const localPart = trimmed.slice(0, at);
  const domain = trimmed.slice(at + 1).toLowerCase();
  if (localPart.length > MAX_LOCAL_PART_LENGTH || !LOCAL_PART_PATTERN.test(localPart)) return undefined;
  if (!isDomainName(domain)) return undefined;
  return Object.freeze({ localPart, domain });
}

/** True when the value is blank (nothing to classify), as opposed to present but malformed. */
export function isBlank(raw: string | null | undefined): boolean {
  return (raw?.trim() ?? '') === '';
}
