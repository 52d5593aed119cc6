import { disposableEmailBlocklistSet } from 'disposable-email-domains-js';

// The package's own isDisposableEmailDomain rebuilds its Set on every call; build it once.
let blocklist: ReadonlySet<string> | undefined;

/** True when the domain, or a parent of it (throwaway services hand out sub-domains), is a known disposable domain. */
export function isDisposableDomain(domain: string): boolean {
  blocklist ??= disposableEmailBlocklistSet();
  const lowerCase = domain.toLowerCase();
  // The domain and each parent with two labels or more: the text after each dot that another dot follows.
  for (let start = 0; lowerCase.indexOf('.', start) >= 0; start = lowerCase.indexOf('.', start) + 1) {
    if (blocklist.has(start === 0 ? lowerCase : lowerCase.slice(start))) return true;
  }
  return false;
}
