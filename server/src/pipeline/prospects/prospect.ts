/** A person a search provider returned, in one shape whatever the provider, with the keys we deduplicate on. */
export type Prospect = {
  /** The provider's own id for the person. */
  providerId: string;
  firstName: string;
  lastName: string;
  email: string | null;
  /** `linkedin.com/in/<handle>`: scheme, `www.` and trailing slash removed. */
  linkedInUrl: string | null;
  title: string | null;
  companyName: string | null;
  /** Bare domain, lower case: `acme.com`. */
  companyDomain: string | null;
};

export function normalLinkedIn(url: string | null | undefined): string | null {
  if (!url) return null;
  const bare = url
    .trim()
    .toLowerCase()
    .replace(/^https?:\/\//, '')
    .replace(/^www\./, '')
    .replace(/\/+$/, '');
  return /^linkedin\.com\/in\/[^/\s]+$/.test(bare) ? bare : null;
}

export function normalDomain(value: string | null | undefined): string | null {
  if (!value) return null;
  const bare =
    value
      .trim()
      .toLowerCase()
      .replace(/^https?:\/\//, '')
      .replace(/^www\./, '')
      .split('/')[0] ?? '';
  return /^[a-z0-9.-]+\.[a-z]{2,}$/.test(bare) ? bare : null;
}

const titleCase = (value: string) => value.replace(/\b\p{L}/gu, (letter) => letter.toUpperCase());

export function personName(first: string, last: string) {
  return { firstName: titleCase(first.trim()), lastName: titleCase(last.trim()) };
}

/** The identities a person is known by: any one already seen means "not new". */
export function identityKeys(prospect: Prospect): string[] {
  const keys: string[] = [];
  if (prospect.email) keys.push(`email:${prospect.email.toLowerCase()}`);
  if (prospect.linkedInUrl) keys.push(`linkedin:${prospect.linkedInUrl}`);
  if (prospect.companyDomain) {
    keys.push(`name:${prospect.firstName.toLowerCase()} ${prospect.lastName.toLowerCase()}@${prospect.companyDomain}`);
  }
  return keys;
}
