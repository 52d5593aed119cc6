import { isDisposableDomain } from './disposable-domains';
import { parseEmailAddress } from './email-address';
import { isDomainName } from './domain-name';
import { isFreeMailDomain } from './free-mail-domains';

// Hosts of profile pages: "facebook.com/acme" in a Website field is the company's page there, not its domain.
const PROFILE_HOSTS = new Set([
  'linkedin.com',
  'facebook.com',
  'twitter.com',
  'x.com',
  'instagram.com',
  'youtube.com',
  'github.com',
  'crunchbase.com',
  'angel.co',
  'wellfound.com',
  'medium.com',
  'sites.google.com',
]);

/**
 * `company.domain` from a Website value ("https://www.Acme.com:443/about?x=1" → "acme.com"): scheme, user info, "www",
 * port, path, query and fragment removed, lower-cased, and kept only when it looks like a public domain name.
 */
export function domainFromWebsite(raw: string | null | undefined): string | undefined {
  const text = raw?.trim() ?? '';
  if (text === '' || /\s/.test(text)) return undefined;
  const withoutScheme = text.replace(/^[a-z][a-z0-9+.-]*:\/\//i, '').replace(/^\/\//, '');
  const hostAndPort = withoutScheme.split(/[/?#]/, 1)[0] ?? '';
  const hasPath = withoutScheme.length > hostAndPort.length + 1;
  const host = hostAndPort.replace(/^.*@/, '').replace(/:\d*$/, '').replace(/\.$/, '').toLowerCase();
  const domain = host.replace(/^www\d*\./, '');
  if (!isDomainName(domain)) return undefined;
  if (hasPath && PROFILE_HOSTS.has(domain)) return undefined;
  return domain;
}

/** `company.domain` from a work email: its domain, unless it belongs to a free-mail or disposable provider. */
export function domainFromWorkEmail(raw: string | null | undefined): string | undefined {
  const address = parseEmailAddress(raw);
  if (!address || isFreeMailDomain(address.domain) || isDisposableDomain(address.domain)) return undefined;
  return address.domain;
}
