import { disposableEmailBlocklistSet } from 'disposable-email-domains-js';
import { domainAndParents } from './domain-name';

// The package's own isDisposableEmailDomain rebuilds its Set on every call; build it once.
let blocklist: ReadonlySet<string> | undefined;

/** True when the domain, or a parent of it (throwaway services hand out sub-domains), is a known disposable domain. */
export function isDisposableDomain(domain: string): boolean {
  blocklist ??= disposableEmailBlocklistSet();
  const known = blocklist;
  return domainAndParents(domain.toLowerCase()).some((candidate) => known.has(candidate));
}
