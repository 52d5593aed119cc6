import { parseEmailAddress } from './email-address';

/** `person.email_normalized`: trimmed, domain lower-cased, local part kept; undefined for a blank or invalid address. */
export function normalizeEmail(raw: string | null | undefined): string | undefined {
  const address = parseEmailAddress(raw);
  return address ? `${address.localPart}@${address.domain}` : undefined;
}
