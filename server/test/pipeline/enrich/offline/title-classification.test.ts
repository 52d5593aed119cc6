import { describe, expect, it } from 'vitest';
import { classifyDepartment } from '../../../../src/pipeline/enrich/offline/department';
import { classifySeniority } from '../../../../src/pipeline/enrich/offline/seniority';

// Titles that are not in the golden file: abbreviations, punctuation and word order the rules must handle in general.
describe('title classification beyond the golden file', () => {
  it.each([
    ['C.E.O.', 'C-Level', 'Executive'],
    ['Founder & CTO', 'C-Level', 'Engineering'],
    ['CISO', 'C-Level', 'IT'],
    ['CRO', 'C-Level', 'Sales'],
    ['SVP & CFO', 'C-Level', 'Finance'],
    ['Chief Customer Officer', 'C-Level', 'Executive'],
    ['Owner/Operator', 'C-Level', 'Executive'],
    ['Managing Partner', 'C-Level', 'Executive'],
    ['Vice-President, Global Sales', 'VP', 'Sales'],
    ['V.P. Marketing', 'VP', 'Marketing'],
    ['Senior Vice President, People & Culture', 'VP', 'HR'],
    ['VP, FP&A', 'VP', 'Finance'],
    ['AVP Engineering', 'VP', 'Engineering'],
    ['Vice President', 'VP', 'Executive'],
    ['Dir. of Eng.', 'Director', 'Engineering'],
    ['Sales Director, EMEA', 'Director', 'Sales'],
    ['Head, Customer Success', 'Director', 'Support'],
    ['Chief of Staff', 'Director', 'Executive'],
    ['Sr. Mgr, Mktg Ops', 'Manager', 'Operations'],
    ['Senior Product Manager', 'Manager', 'Product'],
    ['Product Marketing Manager', 'Manager', 'Marketing'],
    ['Team Leader - Customer Service', 'Manager', 'Support'],
    ['Warehouse Supervisor', 'Manager', 'Operations'],
    ['Account Manager', 'Manager', 'Sales'],
    ['Sr Software Engineer', 'Senior', 'Engineering'],
    ['Tech Lead', 'Senior', 'Engineering'],
    ['Staff Accountant', 'Senior', 'Finance'],
    ['Principal Product Designer', 'Senior', 'Product'],
    ['Lead Data Engineer', 'Senior', 'Engineering'],
    ['Jr. Developer', 'Entry', 'Engineering'],
    ['Software Engineer at Google', 'Entry', 'Engineering'],
    ['Executive Assistant to the CEO', 'Entry', 'Other'],
    ['Product Owner', 'Entry', 'Product'],
    ['Sales Engineer', 'Entry', 'Sales'],
    ['Support Engineer', 'Entry', 'Support'],
    ['IT Support Specialist', 'Entry', 'IT'],
    ['Graphic Designer', 'Entry', 'Product'],
    ['Data Protection Officer', 'Entry', 'Legal'],
    ['Marketing Operations Analyst', 'Entry', 'Operations'],
    ['Revenue Operations Specialist', 'Entry', 'Operations'],
    ['People Operations Coordinator', 'Entry', 'HR'],
    ['Business Analyst', 'Entry', 'Other'],
    ['Intern', 'Entry', 'Other'],
    ['SOFTWARE ENGINEER', 'Entry', 'Engineering'],
  ])('when the title is "%s", then seniority is %s and department is %s', (title, seniority, department) => {
    expect(classifySeniority(title)?.value).toBe(seniority);
    expect(classifyDepartment(title)?.value).toBe(department);
  });

  it('when a rank word decides the seniority, then it says so; when Entry is the default, then it does not', () => {
    expect(classifySeniority('Sales Manager')?.fromRankWord).toBe(true);
    expect(classifySeniority('Consultant')).toEqual({ value: 'Entry', fromRankWord: false });
  });

  it('when no function word is in the title, then the department is a fallback', () => {
    expect(classifyDepartment('CEO')).toEqual({ value: 'Executive', fromFunctionWord: true });
    expect(classifyDepartment('Founder')).toEqual({ value: 'Executive', fromFunctionWord: false });
    expect(classifyDepartment('Nurse')).toEqual({ value: 'Other', fromFunctionWord: false });
  });

  it.each([[''], ['   '], ['-'], [null], [undefined]])('when the title is %j, then there is no value', (title) => {
    expect(classifySeniority(title)).toBeUndefined();
    expect(classifyDepartment(title)).toBeUndefined();
  });
});
