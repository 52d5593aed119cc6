/**
 * The people the search fakes can find (PDL person search, Apollo people search): a fixed, generated list of
 * prospects at three companies, in a stable order (searches page through it). Separate from fake-directory.ts, whose
 * three people the enrichment tests match on.
 */
export type FakeProspect = {
  id: string;
  firstName: string;
  lastName: string;
  email: string;
  linkedInHandle: string;
  title: string;
  /** Apollo seniority names; PDL's job_title_levels use the same words for these. */
  seniority: 'vp' | 'director' | 'manager' | 'senior';
  department: 'sales' | 'marketing' | 'engineering';
  domain: string;
  company: string;
  industry: string;
  employees: number;
  country: string;
  city: string;
};

const COMPANIES = [
  { domain: 'umbrella.test', company: 'Umbrella Corp', industry: 'biotechnology', employees: 800, city: 'Boston' },
  { domain: 'initech.test', company: 'Initech', industry: 'computer software', employees: 120, city: 'Austin' },
  { domain: 'hooli.test', company: 'Hooli', industry: 'internet', employees: 5000, city: 'Palo Alto' },
] as const;
const FIRST = ['Ava', 'Ben', 'Chloe', 'Dev', 'Eli', 'Fay', 'Gus', 'Hana', 'Ivan', 'Jade', 'Kai', 'Lena'];
const LAST = [
  'Stone',
  'Reyes',
  'Okafor',
  'Lindqvist',
  'Moreau',
  'Tanaka',
  'Novak',
  'Haddad',
  'Ibsen',
  'Costa',
  'Quinn',
  'Vance',
];
const ROLES = [
  { title: 'VP Sales', seniority: 'vp', department: 'sales' },
  { title: 'Director of Marketing', seniority: 'director', department: 'marketing' },
  { title: 'Sales Manager', seniority: 'manager', department: 'sales' },
  { title: 'Senior Engineer', seniority: 'senior', department: 'engineering' },
] as const;

export const FAKE_PROSPECTS: readonly FakeProspect[] = FIRST.map((firstName, index) => {
  const company = COMPANIES[index % COMPANIES.length]!;
  const role = ROLES[index % ROLES.length]!;
  const lastName = LAST[index]!;
  return {
    id: `prospect-${String(index + 1).padStart(3, '0')}`,
    firstName,
    lastName,
    email: `${firstName}.${lastName}@${company.domain}`.toLowerCase(),
    linkedInHandle: `${firstName}-${lastName}-${index + 1}`.toLowerCase(),
    title: role.title,
    seniority: role.seniority,
    department: role.department,
    domain: company.domain,
    company: company.company,
    industry: company.industry,
    employees: company.employees,
    country: 'united states',
    city: company.city,
  };
});

/** PDL's person record for a prospect (the fields the search answer carries; lower case as PDL writes them). */
export function pdlProspectRecord(prospect: FakeProspect) {
  return {
    id: `pdl-${prospect.id}`,
    full_name: `${prospect.firstName} ${prospect.lastName}`.toLowerCase(),
    first_name: prospect.firstName.toLowerCase(),
    last_name: prospect.lastName.toLowerCase(),
    work_email: prospect.email,
    linkedin_url: `linkedin.com/in/${prospect.linkedInHandle}`,
    job_title: prospect.title.toLowerCase(),
    job_title_role: prospect.department,
    job_title_levels: [prospect.seniority],
    job_company_name: prospect.company.toLowerCase(),
    job_company_website: prospect.domain,
    job_company_industry: prospect.industry,
    job_company_size: prospect.employees > 1000 ? '1001-5000' : prospect.employees > 200 ? '501-1000' : '51-200',
    location_country: prospect.country,
    location_locality: prospect.city.toLowerCase(),
  };
}

/** Apollo's person in a people search answer. */
export function apolloProspectRecord(prospect: FakeProspect) {
  return {
    id: `apollo-${prospect.id}`,
    first_name: prospect.firstName,
    last_name: prospect.lastName,
    name: `${prospect.firstName} ${prospect.lastName}`,
    title: prospect.title,
    seniority: prospect.seniority,
    departments: [`master_${prospect.department}`],
    linkedin_url: `http://www.linkedin.com/in/${prospect.linkedInHandle}`,
    email: prospect.email,
    email_status: 'verified',
    city: prospect.city,
    country: 'United States',
    organization: {
      id: `org-${prospect.domain}`,
      name: prospect.company,
      primary_domain: prospect.domain,
      website_url: `http://www.${prospect.domain}`,
      industry: prospect.industry,
      estimated_num_employees: prospect.employees,
    },
  };
}
