import { createHash } from 'node:crypto';
import type { AttributeKey } from '../../../domain/attributes';
import { domainFromWebsite, domainFromWorkEmail } from '../offline/company-domain';
import { normalizeLinkedInUrl } from '../offline/linkedin-url';
import type { ProviderInput } from '../providers/provider-contract';

/**
 * Who a lookup is about, independent of provider, plan and audience: the same person or company asked for the same
 * attribute gets the same identity, so a value bought once is found again by every plan (DESIGN §8 cache).
 */
export interface LookupIdentity {
  /** Which inputs identified the subject; part of the hash so an email never collides with a name. */
  basis: 'email' | 'linkedin' | 'name_domain' | 'domain';
  /** sha256 (hex, 32 chars) of the basis and its normalised inputs. */
  hash: string;
}

function text(input: ProviderInput, field: string): string | undefined {
  const value = input[field];
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (typeof value !== 'string') return undefined;
  const trimmed = value.trim();
  return trimmed === '' ? undefined : trimmed;
}

function identity(basis: LookupIdentity['basis'], parts: readonly string[]): LookupIdentity {
  const hash = createHash('sha256')
    .update(JSON.stringify([basis, ...parts]))
    .digest('hex')
    .slice(0, 32);
  return { basis, hash };
}

function emailOf(input: ProviderInput): string | undefined {
  const email = text(input, 'Email')?.toLowerCase();
  // Only something shaped like an address identifies a person; junk would make every junk record one person.
  return email && /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email) ? email : undefined;
}

function companyDomainOf(input: ProviderInput): string | undefined {
  return (
    domainFromWebsite(text(input, 'Website')) ??
    domainFromWebsite(text(input, 'Account.Website')) ??
    domainFromWorkEmail(text(input, 'Email'))
  );
}

function personIdentity(input: ProviderInput): LookupIdentity | undefined {
  const email = emailOf(input);
  if (email) return identity('email', [email]);
  const linkedin = normalizeLinkedInUrl(text(input, 'LinkedIn_URL__c'));
  if (linkedin) return identity('linkedin', [linkedin.toLowerCase()]);
  const first = text(input, 'FirstName')?.toLowerCase();
  const last = text(input, 'LastName')?.toLowerCase();
  const domain = companyDomainOf(input);
  if (first && last && domain) return identity('name_domain', [first, last, domain]);
  return undefined;
}

/**
 * The identity of looking up `attribute` for a record, or undefined when the record says too little to be sure who
 * it is (such lookups are never cached: two different people must never share a cached value).
 */
export function lookupIdentity(attribute: AttributeKey, input: ProviderInput): LookupIdentity | undefined {
  if (attribute === 'person.email_status') {
    // A verdict is about one address, not about the person.
    const email = emailOf(input);
    return email ? identity('email', [email]) : undefined;
  }
  if (attribute.startsWith('company.')) {
    const domain = companyDomainOf(input);
    return domain ? identity('domain', [domain]) : undefined;
  }
  return personIdentity(input);
}
