/**
 * The small, fixed world the provider fakes know: who exists, at which company, with what the vendors would return.
 * Tests match (or miss) on these entries.
 */
export interface FakePerson {
  firstName: string;
  lastName: string;
  domain: string;
  email: string;
  title: string;
  linkedInHandle: string | null;
  mobile: string | null;
  directPhone: string | null;
  /** Hunter's finder score, 0–100. */
  hunterScore: number;
  /** Hunter verifier `status` for this email. */
  hunterStatus: 'valid' | 'invalid' | 'accept_all' | 'webmail' | 'disposable' | 'unknown';
  /** PDL likelihood (1–10), job_title_levels, job_title_role. */
  pdl: { likelihood: number; levels: string[]; role: string | null; subRole: string | null; hideEmail?: boolean };
  /** Apollo seniority, departments, email_status; `locked` gives Apollo's email_not_unlocked placeholder. */
  apollo: { seniority: string; departments: string[]; emailStatus: string | null; locked?: boolean };
}

export interface FakeCompany {
  domain: string;
  name: string;
  industry: string;
  employees: number;
}

export const FAKE_COMPANIES: readonly FakeCompany[] = [
  { domain: 'acme.com', name: 'Acme Inc', industry: 'computer software', employees: 250 },
  { domain: 'globex.com', name: 'Globex', industry: 'machinery', employees: 1200 },
];

export const FAKE_PEOPLE: readonly FakePerson[] = [
  {
    firstName: 'Olivia',
    lastName: 'Martin',
    domain: 'acme.com',
    email: 'olivia.martin@acme.com',
    title: 'Head of Sales',
    linkedInHandle: 'olivia-martin',
    mobile: '+14155550101',
    directPhone: '+14155550111',
    hunterScore: 96,
    hunterStatus: 'valid',
    pdl: { likelihood: 9, levels: ['director'], role: 'sales', subRole: null },
    apollo: { seniority: 'head', departments: ['master_sales'], emailStatus: 'verified' },
  },
  {
    firstName: 'Lucas',
    lastName: 'Bernard',
    domain: 'acme.com',
    email: 'lucas.bernard@acme.com',
    title: 'VP Sales',
    linkedInHandle: null,
    mobile: null,
    directPhone: null,
    hunterScore: 72,
    hunterStatus: 'accept_all',
    pdl: { likelihood: 7, levels: ['vp'], role: 'sales', subRole: null, hideEmail: true },
    apollo: { seniority: 'vp', departments: ['sales'], emailStatus: null, locked: true },
  },
  {
    firstName: 'Emma',
    lastName: 'Dubois',
    domain: 'globex.com',
    email: 'emma.dubois@globex.com',
    title: 'Engineering Manager',
    linkedInHandle: 'emma-dubois',
    mobile: null,
    directPhone: null,
    hunterScore: 88,
    hunterStatus: 'invalid',
    // Below a sensible min_likelihood: PDL answers 404 when asked for more.
    pdl: { likelihood: 4, levels: ['manager'], role: 'engineering', subRole: null },
    apollo: { seniority: 'manager', departments: ['engineering_technical'], emailStatus: 'guessed' },
  },
];

export function companyByDomain(domain: string | undefined): FakeCompany | undefined {
  const wanted = domain?.toLowerCase().replace(/^www\./, '');
  return FAKE_COMPANIES.find((company) => company.domain === wanted);
}

export function companyByName(name: string | undefined): FakeCompany | undefined {
  const wanted = name?.toLowerCase();
  return FAKE_COMPANIES.find((company) => company.name.toLowerCase() === wanted);
}

/** Finds a person the way the vendors do: by email, LinkedIn handle, or name at a company (domain or name). */
export function findPerson(query: {
  email?: string;
  linkedIn?: string;
  firstName?: string;
  lastName?: string;
  company?: string;
}): FakePerson | undefined {
  const email = query.email?.toLowerCase();
  if (email) {
    const byEmail = FAKE_PEOPLE.find((person) => person.email === email);
    if (byEmail) return byEmail;
  }
  const handle = query.linkedIn?.toLowerCase().match(/linkedin\.com\/in\/([^/?#]+)/)?.[1];
  if (handle) {
    const byProfile = FAKE_PEOPLE.find((person) => person.linkedInHandle === handle);
    if (byProfile) return byProfile;
  }
  if (query.firstName && query.lastName && query.company) {
    const company = companyByDomain(query.company) ?? companyByName(query.company);
    return FAKE_PEOPLE.find(
      (person) =>
        person.firstName.toLowerCase() === query.firstName?.toLowerCase() &&
        person.lastName.toLowerCase() === query.lastName?.toLowerCase() &&
        person.domain === company?.domain,
    );
  }
  return undefined;
}
