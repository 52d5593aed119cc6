import type { Department } from '../../../domain/attributes';
import { classifySeniority, isChiefLevel } from './seniority';
import { titleWords } from './title-words';

// Function words and phrases of job titles. At each position the longest phrase wins, so "sales operations" beats
// "sales" and "business development" beats "development"; across positions the first function named wins ("Sales
// Engineer" is Sales, "IT Support" is IT, "Support Engineer" is Support).
const DEPARTMENT_PHRASES: ReadonlyArray<readonly [string, Department]> = [
  // Executive
  ['chief executive', 'Executive'],
  ['ceo', 'Executive'],
  ['cxo', 'Executive'],
  ['chief staff', 'Executive'],
  ['managing director', 'Executive'],
  ['general manager', 'Executive'],
  ['general management', 'Executive'],
  ['managing partner', 'Executive'],
  // Operations, including the operations teams of sales, revenue and marketing
  ['sales operations', 'Operations'],
  ['revenue operations', 'Operations'],
  ['marketing operations', 'Operations'],
  ['business operations', 'Operations'],
  ['operations', 'Operations'],
  ['operating', 'Operations'],
  ['operational', 'Operations'],
  ['coo', 'Operations'],
  ['logistics', 'Operations'],
  ['supply chain', 'Operations'],
  ['procurement', 'Operations'],
  ['purchasing', 'Operations'],
  ['facilities', 'Operations'],
  ['warehouse', 'Operations'],
  ['fulfillment', 'Operations'],
  ['fulfilment', 'Operations'],
  ['manufacturing', 'Operations'],
  ['production', 'Operations'],
  ['inventory', 'Operations'],
  ['distribution', 'Operations'],
  ['shipping', 'Operations'],
  // Sales
  ['sales', 'Sales'],
  ['revenue', 'Sales'],
  ['cro', 'Sales'],
  ['commercial', 'Sales'],
  ['account executive', 'Sales'],
  ['account manager', 'Sales'],
  ['account management', 'Sales'],
  ['account director', 'Sales'],
  ['account representative', 'Sales'],
  ['key account', 'Sales'],
  ['key accounts', 'Sales'],
  ['business development', 'Sales'],
  ['business developer', 'Sales'],
  ['sales development', 'Sales'],
  ['bdr', 'Sales'],
  ['sdr', 'Sales'],
  ['presales', 'Sales'],
  ['pre sales', 'Sales'],
  ['partnerships', 'Sales'],
  ['channel', 'Sales'],
  ['partner', 'Sales'],
  ['go to market', 'Sales'],
  ['solutions engineer', 'Sales'],
  ['solutions consultant', 'Sales'],
  // Marketing
  ['marketing', 'Marketing'],
  ['product marketing', 'Marketing'],
  ['cmo', 'Marketing'],
  ['brand', 'Marketing'],
  ['branding', 'Marketing'],
  ['content', 'Marketing'],
  ['communications', 'Marketing'],
  ['communication', 'Marketing'],
  ['pr', 'Marketing'],
  ['public relations', 'Marketing'],
  ['seo', 'Marketing'],
  ['sem', 'Marketing'],
  ['ppc', 'Marketing'],
  ['growth', 'Marketing'],
  ['demand generation', 'Marketing'],
  ['demand gen', 'Marketing'],
  ['social media', 'Marketing'],
  ['copywriter', 'Marketing'],
  ['writer', 'Marketing'],
  ['editor', 'Marketing'],
  ['events', 'Marketing'],
  ['campaign', 'Marketing'],
  ['campaigns', 'Marketing'],
  ['advertising', 'Marketing'],
  ['creative', 'Marketing'],
  ['market research', 'Marketing'],
  ['community', 'Marketing'],
  // Support (customer success included)
  ['support', 'Support'],
  ['customer success', 'Support'],
  ['customer support', 'Support'],
  ['customer service', 'Support'],
  ['customer services', 'Support'],
  ['customer care', 'Support'],
  ['customer experience', 'Support'],
  ['client success', 'Support'],
  ['client services', 'Support'],
  ['technical support', 'Support'],
  ['technology support', 'Support'],
  // IT
  ['it', 'IT'],
  ['information technology', 'IT'],
  ['information', 'IT'],
  ['information security', 'IT'],
  ['infosec', 'IT'],
  ['security', 'IT'],
  ['cybersecurity', 'IT'],
  ['cyber', 'IT'],
  ['cio', 'IT'],
  ['ciso', 'IT'],
  ['network', 'IT'],
  ['networks', 'IT'],
  ['infrastructure', 'IT'],
  ['systems administrator', 'IT'],
  ['system administrator', 'IT'],
  ['database administrator', 'IT'],
  ['network administrator', 'IT'],
  ['dba', 'IT'],
  ['help desk', 'IT'],
  ['helpdesk', 'IT'],
  ['service desk', 'IT'],
  ['desktop support', 'IT'],
  // Engineering (data roles included)
  ['engineering', 'Engineering'],
  ['engineer', 'Engineering'],
  ['software', 'Engineering'],
  ['developer', 'Engineering'],
  ['development', 'Engineering'],
  ['programmer', 'Engineering'],
  ['technology', 'Engineering'],
  ['technical', 'Engineering'],
  ['cto', 'Engineering'],
  ['data', 'Engineering'],
  ['cdo', 'Engineering'],
  ['cdao', 'Engineering'],
  ['caio', 'Engineering'],
  ['analytics', 'Engineering'],
  ['scientist', 'Engineering'],
  ['machine learning', 'Engineering'],
  ['ml', 'Engineering'],
  ['ai', 'Engineering'],
  ['qa', 'Engineering'],
  ['quality assurance', 'Engineering'],
  ['devops', 'Engineering'],
  ['sre', 'Engineering'],
  ['site reliability', 'Engineering'],
  ['architect', 'Engineering'],
  ['frontend', 'Engineering'],
  ['backend', 'Engineering'],
  ['full stack', 'Engineering'],
  ['fullstack', 'Engineering'],
  ['research', 'Engineering'],
  ['r d', 'Engineering'],
  // Product (design roles included)
  ['product', 'Product'],
  ['products', 'Product'],
  ['cpo', 'Product'],
  ['cpto', 'Product'],
  ['design', 'Product'],
  ['designer', 'Product'],
  ['ux', 'Product'],
  ['ui', 'Product'],
  ['user experience', 'Product'],
  ['user research', 'Product'],
  ['user researcher', 'Product'],
  // Finance
  ['finance', 'Finance'],
  ['financial', 'Finance'],
  ['cfo', 'Finance'],
  ['cao', 'Finance'],
  ['accounting', 'Finance'],
  ['accountant', 'Finance'],
  ['accounts', 'Finance'],
  ['accounts payable', 'Finance'],
  ['accounts receivable', 'Finance'],
  ['controller', 'Finance'],
  ['comptroller', 'Finance'],
  ['treasury', 'Finance'],
  ['treasurer', 'Finance'],
  ['tax', 'Finance'],
  ['audit', 'Finance'],
  ['auditor', 'Finance'],
  ['bookkeeper', 'Finance'],
  ['bookkeeping', 'Finance'],
  ['payroll', 'Finance'],
  ['billing', 'Finance'],
  ['fp', 'Finance'],
  ['investor relations', 'Finance'],
  ['actuary', 'Finance'],
  ['actuarial', 'Finance'],
  // HR
  ['hr', 'HR'],
  ['human resources', 'HR'],
  ['chro', 'HR'],
  ['people', 'HR'],
  ['people operations', 'HR'],
  ['talent', 'HR'],
  ['recruiter', 'HR'],
  ['recruiting', 'HR'],
  ['recruitment', 'HR'],
  ['personnel', 'HR'],
  ['compensation', 'HR'],
  ['benefits', 'HR'],
  ['hris', 'HR'],
  ['learning development', 'HR'],
  // Legal
  ['legal', 'Legal'],
  ['clo', 'Legal'],
  ['counsel', 'Legal'],
  ['attorney', 'Legal'],
  ['lawyer', 'Legal'],
  ['paralegal', 'Legal'],
  ['solicitor', 'Legal'],
  ['barrister', 'Legal'],
  ['compliance', 'Legal'],
  ['regulatory', 'Legal'],
  ['contracts', 'Legal'],
  ['privacy', 'Legal'],
  ['data protection', 'Legal'],
  ['data privacy', 'Legal'],
  // Named so they are not read as a function word they contain
  ['data entry', 'Other'],
];

// Phrases grouped by first word, longest first, so a scan only tries phrases that can start at a position.
const PHRASES_BY_FIRST_WORD: ReadonlyMap<string, ReadonlyArray<{ words: string[]; department: Department }>> = (() => {
  const byFirstWord = new Map<string, Array<{ words: string[]; department: Department }>>();
  for (const [phrase, department] of DEPARTMENT_PHRASES) {
    const words = phrase.split(' ');
    const first = words[0] ?? '';
    const entries = byFirstWord.get(first) ?? [];
    entries.push({ words, department });
    byFirstWord.set(first, entries);
  }
  for (const entries of byFirstWord.values()) entries.sort((a, b) => b.words.length - a.words.length);
  return byFirstWord;
})();

export type TitleDepartment = {
  value: Department;
  /** True when a function word decided it; false for the fallback (Executive for top ranks, else Other). */
  fromFunctionWord: boolean;
};

/**
 * `person.department` from a job title: the first function the title names. A chief officer (or VP) belongs to the
 * department of the function ("CTO" → Engineering, "CRO" → Sales, "CISO" → IT) and to Executive when none is named
 * ("CEO", "Founder", "President"); other titles without a function are Other. Undefined when blank.
 */
export function classifyDepartment(title: string | null | undefined): TitleDepartment | undefined {
  if (!title || title.trim() === '') return undefined;
  // A page holds few distinct titles (issue 19): each is classified once, and the frozen answer shared.
  const known = DEPARTMENT_OF_TITLE.get(title);
  if (known !== undefined) return known ?? undefined;
  if (DEPARTMENT_OF_TITLE.size >= MAX_REMEMBERED_TITLES) DEPARTMENT_OF_TITLE.clear();
  const department = classifyUncached(title);
  DEPARTMENT_OF_TITLE.set(title, department ? Object.freeze(department) : null);
  return department;
}

const DEPARTMENT_OF_TITLE = new Map<string, Readonly<TitleDepartment> | null>();
const MAX_REMEMBERED_TITLES = 10_000;

function classifyUncached(title: string): TitleDepartment | undefined {
  const words = titleWords(title);
  if (words.length === 0) return undefined;
  const named = firstNamedDepartment(words);
  if (named) return { value: named, fromFunctionWord: true };
  const seniority = classifySeniority(title)?.value;
  const isTopRank = isChiefLevel(words) || seniority === 'VP';
  return { value: isTopRank ? 'Executive' : 'Other', fromFunctionWord: false };
}

function firstNamedDepartment(words: readonly string[]): Department | undefined {
  for (let start = 0; start < words.length; start++) {
    const candidates = PHRASES_BY_FIRST_WORD.get(words[start] ?? '') ?? [];
    const match = candidates.find((candidate) =>
      candidate.words.every((word, offset) => words[start + offset] === word),
    );
    if (match) return match.department;
  }
  return undefined;
}
