import { describe, expect, it } from 'vitest';
import { departmentFromPdlRole, seniorityFromPdlLevels } from '../../../../src/pipeline/enrich/providers/pdl-mappings';

describe('seniorityFromPdlLevels', () => {
  it.each([
    [['cxo'], 'C-Level'],
    [['owner'], 'C-Level'],
    [['manager', 'director'], 'Director'],
    [['senior'], 'Senior'],
    [['training'], 'Entry'],
    [[], undefined],
    [null, undefined],
  ])('when PDL levels are %j, then the seniority is %s', (levels, expected) => {
    expect(seniorityFromPdlLevels(levels)).toBe(expected);
  });
});

describe('departmentFromPdlRole', () => {
  it.each([
    ['engineering', 'information_technology', [], 'IT'],
    ['engineering', null, [], 'Engineering'],
    ['human_resources', null, [], 'HR'],
    ['customer_service', null, [], 'Support'],
    ['education', null, [], 'Other'],
    [null, null, ['cxo'], 'Executive'],
    [null, null, ['manager'], undefined],
  ])('when role %s / sub-role %s / levels %j, then the department is %s', (role, subRole, levels, expected) => {
    expect(departmentFromPdlRole(role, subRole, levels)).toBe(expected);
  });
});
