import type { EmailStatus } from '../../../domain/attributes';
import { isDisposableDomain } from './disposable-domains';
import { isBlank, parseEmailAddress } from './email-address';
import { isFreeMailDomain } from './free-mail-domains';
import { isRoleLocalPart } from './role-local-parts';

/** The statuses offline checks can give; verified / risky / undeliverable need a verifier. */
export type OfflineEmailStatus = Extract<EmailStatus, 'invalid' | 'disposable' | 'role' | 'personal' | 'valid_format'>;

/**
 * `person.email_status` without a network: the first that applies of invalid > disposable > role > personal >
 * valid_format. Undefined for a blank address (nothing to classify).
 */
export function classifyEmail(raw: string | null | undefined): OfflineEmailStatus | undefined {
  const address = parseEmailAddress(raw);
  if (!address) return isBlank(raw) ? undefined : 'invalid';
  if (isDisposableDomain(address.domain)) return 'disposable';
  if (isRoleLocalPart(address.localPart)) return 'role';
  if (isFreeMailDomain(address.domain)) return 'personal';
  return 'valid_format';
}
