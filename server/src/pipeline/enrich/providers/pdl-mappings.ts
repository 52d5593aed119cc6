/**
 * People Data Labs' canonical job fields read as our seniority and department values (DESIGN §8). PDL gives
 * `job_title_levels` (cxo, owner, partner, vp, director, manager, senior, entry, training, unpaid) and
 * `job_title_role` / `job_title_sub_role` from its canonical role list (older and newer releases both covered).
 */
import type { Department, Seniority } from '../../../domain/attributes';

const LEVEL_SENIORITY: Readonly<Record<string, Seniority>> = {
  cxo: 'C-Level',
  owner: 'C-Level',
  partner: 'C-Level',
  vp: 'VP',
  director: 'Director',
  manager: 'Manager',
  senior: 'Senior',
  entry: 'Entry',
  training: 'Entry',
  unpaid: 'Entry',
};

const SENIORITY_RANK: readonly Seniority[] = ['C-Level', 'VP', 'Director', 'Manager', 'Senior', 'Entry'];

/** The most senior of the listed levels; undefined when none is known. */
export function seniorityFromPdlLevels(levels: readonly string[] | null | undefined): Seniority | undefined {
  const known = (levels ?? [])
    .map((level) => LEVEL_SENIORITY[level.toLowerCase()])
    .filter((seniority): seniority is Seniority => seniority !== undefined);
  if (known.length === 0) return undefined;
  return known.reduce((best, next) => (SENIORITY_RANK.indexOf(next) < SENIORITY_RANK.indexOf(best) ? next : best));
}

const ROLE_DEPARTMENT: Readonly<Record<string, Department>> = {
  engineering: 'Engineering',
  sales: 'Sales',
  sales_engineering: 'Sales',
  partnerships: 'Sales',
  marketing: 'Marketing',
  public_relations: 'Marketing',
  media: 'Marketing',
  product: 'Product',
  finance: 'Finance',
  human_resources: 'HR',
  operations: 'Operations',
  fulfillment: 'Operations',
  manufacturing: 'Operations',
  legal: 'Legal',
  support: 'Support',
  customer_service: 'Support',
};

const SUB_ROLE_DEPARTMENT: Readonly<Record<string, Department>> = {
  information_technology: 'IT',
  product_management: 'Product',
  product_design: 'Product',
  customer_success: 'Support',
  customer_support: 'Support',
};

/**
 * Department from the sub-role (more specific), then the role; a C-level person with no role is Executive. Roles
 * outside our list (education, health, research, …) are Other; no role at all gives undefined.
 */
export function departmentFromPdlRole(
  role: string | null | undefined,
  subRole: string | null | undefined,
  levels: readonly string[] | null | undefined,
): Department | undefined {
  const bySubRole = subRole ? SUB_ROLE_DEPARTMENT[subRole.toLowerCase()] : undefined;
  if (bySubRole) return bySubRole;
  if (role) return ROLE_DEPARTMENT[role.toLowerCase()] ?? 'Other';
  return seniorityFromPdlLevels(levels) === 'C-Level' ? 'Executive' : undefined;
}
