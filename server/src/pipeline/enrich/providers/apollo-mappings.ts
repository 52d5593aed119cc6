/**
 * Apollo's person `seniority` (owner, founder, c_suite, partner, vp, head, director, manager, senior, entry, intern)
 * and `departments` (c_suite, engineering_technical, sales, …, sometimes prefixed `master_`) read as our values.
 */
import type { Department, Seniority } from '../../../domain/attributes';

const SENIORITY: Readonly<Record<string, Seniority>> = {
  owner: 'C-Level',
  founder: 'C-Level',
  c_suite: 'C-Level',
  partner: 'C-Level',
  vp: 'VP',
  // Apollo ranks "head of" between VP and director.
  head: 'Director',
  director: 'Director',
  manager: 'Manager',
  senior: 'Senior',
  entry: 'Entry',
  intern: 'Entry',
};

export function seniorityFromApollo(seniority: string | null | undefined): Seniority | undefined {
  return seniority ? SENIORITY[seniority.toLowerCase()] : undefined;
}

const DEPARTMENT: Readonly<Record<string, Department>> = {
  c_suite: 'Executive',
  executive: 'Executive',
  founder: 'Executive',
  engineering_technical: 'Engineering',
  engineering: 'Engineering',
  sales: 'Sales',
  business_development: 'Sales',
  marketing: 'Marketing',
  product_management: 'Product',
  product: 'Product',
  finance: 'Finance',
  accounting: 'Finance',
  human_resources: 'HR',
  operations: 'Operations',
  information_technology: 'IT',
  legal: 'Legal',
  support: 'Support',
  customer_service: 'Support',
};

/** The first listed department we know; any other listed department is Other; none listed gives undefined. */
export function departmentFromApollo(departments: readonly string[] | null | undefined): Department | undefined {
  const list = (departments ?? []).map((department) => department.toLowerCase().replace(/^master_/, ''));
  if (list.length === 0) return undefined;
  for (const department of list) {
    const mapped = DEPARTMENT[department];
    if (mapped) return mapped;
  }
  return 'Other';
}
