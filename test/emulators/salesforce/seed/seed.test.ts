import { disposableEmailBlocklistSet } from 'disposable-email-domains-js';
import countries from 'i18n-iso-countries';
import en from 'i18n-iso-countries/langs/en.json';
import { describe, expect, it } from 'vitest';
import { JUNK_COUNTRY_VALUES } from './country-profiles';
import { BROKEN_EMAILS, FREE_MAIL_DOMAINS, ROLE_LOCAL_PARTS } from './email-formats';
import {
  ACCOUNT_TYPES,
  DEMO_COUNTS,
  DEMO_ORG_NAME,
  DEMO_USERS,
  FIELD_LIMITS,
  INDUSTRIES,
  LEAD_SOURCES,
  LEAD_STATUSES,
  MAX_SCALED_CONTACTS,
  NUMBER_LIMITS,
  generateDemoOrg,
  generateScaledOrg,
  ownerRoleFor,
  ownerUsernameFor,
  seedDataFor,
  type Row,
  type SeedData,
} from './index';
import { GOLDEN_TITLES, TITLE_VARIANTS } from './title-pools';

countries.registerLocale(en);

const DISPOSABLE = disposableEmailBlocklistSet();
const isDisposableEmailDomain = (domain: string): boolean => DISPOSABLE.has(domain.toLowerCase());

/** The shape a Salesforce Email field accepts (local@domain.tld); anything else fails with INVALID_EMAIL_ADDRESS. */
const SALESFORCE_EMAIL =
  /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*@[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*\.[A-Za-z]{2,}$/;

/** The valid rows of reference/golden/emails.csv (the whitespace-padded one trimmed, as Salesforce stores it). */
const GOLDEN_VALID_EMAILS = [
  'jane.doe@acme.com',
  'Jane.Doe@ACME.com',
  'mark@initech.io',
  "o'brien@example.co.uk",
  'first+tag@company.com',
  'info@globex.com',
  'sales@acme.com',
  'support@initech.io',
  'no-reply@company.com',
  'hello@startup.dev',
  'info@gmail.com',
  'joe@gmail.com',
  'joe.smith@yahoo.com',
  'ann@outlook.com',
  'ann@hotmail.com',
  'bob@icloud.com',
  'li.wei@mailinator.com',
  'temp@10minutemail.com',
  'x@guerrillamail.com',
  'info@mailinator.com',
];

const SYSTEM_FIELDS = [
  'Id',
  'OwnerId',
  'CreatedDate',
  'CreatedById',
  'LastModifiedDate',
  'LastModifiedById',
  'SystemModstamp',
  'IsDeleted',
  'LastActivityDate',
  'MasterRecordId',
  'AccountId',
  'IsConverted',
];

/** FNV-1a over the JSON of the org: a fingerprint that changes when any value does. */
function fingerprint(data: SeedData): string {
  const text = JSON.stringify(data);
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash.toString(16).padStart(8, '0') + ':' + text.length;
}

const strings = (rows: readonly Row[], field: string): string[] =>
  rows.map((row) => row[field]).filter((value): value is string => typeof value === 'string');

const domainOf = (email: string): string => email.slice(email.indexOf('@') + 1);
const localOf = (email: string): string => email.slice(0, email.indexOf('@'));

const countryCodeOf = (value: string): string | undefined =>
  countries.getAlpha2Code(value, 'en') ?? (countries.isValid(value) ? countries.toAlpha2(value) : undefined);

/** Every reason a row of `data` would fail to insert into a real org (plain checks: `expect` per value is slow). */
function insertProblems(data: SeedData): string[] {
  const problems: string[] = [];
  const objects = [
    ['Account', data.accounts],
    ['Contact', data.contacts],
    ['Lead', data.leads],
  ] as const;
  for (const [object, rows] of objects) {
    const limits = FIELD_LIMITS[object];
    for (const row of rows) {
      for (const [field, value] of Object.entries(row)) {
        const numberLimit = NUMBER_LIMITS[field];
        const textLimit = limits[field];
        if (field === 'accountRef') {
          if (!(Number.isInteger(value) && Number(value) >= 0 && Number(value) < data.accounts.length)) {
            problems.push(`accountRef ${String(value)} points at no account`);
          }
        } else if (numberLimit !== undefined) {
          if (value !== null && !(Number.isInteger(value) && Number(value) >= 0 && Number(value) <= numberLimit)) {
            problems.push(`${object}.${field} ${String(value)} is not a whole number within 0..${numberLimit}`);
          }
        } else if (textLimit === undefined) {
          problems.push(`${object}.${field} is not a field the seed may fill`);
        } else if (value !== null && (typeof value !== 'string' || value.length > textLimit)) {
          problems.push(`${object}.${field} "${String(value)}" is not text of at most ${textLimit} characters`);
        }
      }
      for (const field of SYSTEM_FIELDS) if (field in row) problems.push(`${object} row has system field ${field}`);
    }
  }
  for (const account of data.accounts) {
    if (String(account.Name).trim() === '') problems.push('an Account has no Name');
    if (account.Industry !== null && !(INDUSTRIES as readonly unknown[]).includes(account.Industry)) {
      problems.push(`Account.Industry "${String(account.Industry)}" is no picklist value`);
    }
    if (account.Type !== null && !(ACCOUNT_TYPES as readonly unknown[]).includes(account.Type)) {
      problems.push(`Account.Type "${String(account.Type)}" is no picklist value`);
    }
  }
  for (const row of [...data.contacts, ...data.leads]) {
    if (String(row.LastName).trim() === '') problems.push('a person has no LastName');
    if (row.Email !== null && !SALESFORCE_EMAIL.test(String(row.Email))) {
      problems.push(`Email "${String(row.Email)}" would be rejected with INVALID_EMAIL_ADDRESS`);
    }
    if (row.LeadSource !== null && !(LEAD_SOURCES as readonly unknown[]).includes(row.LeadSource)) {
      problems.push(`LeadSource "${String(row.LeadSource)}" is no picklist value`);
    }
  }
  for (const lead of data.leads) {
    if (String(lead.Company).trim() === '') problems.push('a Lead has no Company');
    if (!(LEAD_STATUSES as readonly unknown[]).includes(lead.Status))
      problems.push(`Lead.Status "${String(lead.Status)}"`);
    if (lead.Industry !== null && !(INDUSTRIES as readonly unknown[]).includes(lead.Industry)) {
      problems.push(`Lead.Industry "${String(lead.Industry)}" is no picklist value`);
    }
  }
  return problems;
}

/** The distinct key orders of the rows (an orphan contact just lacks the trailing `accountRef`). */
const shapesOf = (rows: readonly Row[]): Set<string> =>
  new Set(
    rows.map((row) =>
      Object.keys(row)
        .filter((key) => key !== 'accountRef')
        .join(','),
    ),
  );

describe('determinism', () => {
  it('builds the same demo org on every call, as fresh objects', () => {
    const first = generateDemoOrg();
    const second = generateDemoOrg();
    expect(second).toEqual(first);
    expect(second.contacts[0]).not.toBe(first.contacts[0]);
    expect(fingerprint(second)).toBe(fingerprint(first));
  });

  it('keeps the demo org fixed across machines and runs (update the fingerprint only on a deliberate change)', () => {
    expect(fingerprint(generateDemoOrg())).toBe('ee6dc24c:133644');
  });

  it('builds the same scaled org for the same N, and a larger N starts with the smaller one’s accounts', () => {
    const small = generateScaledOrg(3000);
    expect(fingerprint(generateScaledOrg(3000))).toBe(fingerprint(small));
    expect(generateScaledOrg(6000).accounts.slice(0, small.accounts.length)).toEqual(small.accounts);
  });
});

describe('sizes', () => {
  it('gives the demo org its fixed size', () => {
    const demo = generateDemoOrg();
    expect([demo.accounts.length, demo.contacts.length, demo.leads.length]).toEqual([
      DEMO_COUNTS.accounts,
      DEMO_COUNTS.contacts,
      DEMO_COUNTS.leads,
    ]);
  });

  it.each([0, 7, 10, 1000, 12_345])('gives N=%i contacts N/10 accounts and N/5 leads', (n) => {
    const org = generateScaledOrg(n);
    expect(org.contacts).toHaveLength(n);
    expect(org.accounts).toHaveLength(Math.floor(n / 10));
    expect(org.leads).toHaveLength(Math.floor(n / 5));
  });

  it('rejects a count that is not a whole number', () => {
    expect(() => generateScaledOrg(-1)).toThrow(RangeError);
    expect(() => generateScaledOrg(2.5)).toThrow(RangeError);
  });
});

describe('storable values', () => {
  it('keeps every demo value within Salesforce field lengths, picklists and email syntax, with no system fields', () => {
    expect(insertProblems(generateDemoOrg())).toEqual([]);
  });

  it('keeps every scaled value storable too', () => {
    expect(insertProblems(generateScaledOrg(20_000))).toEqual([]);
  });

  it('gives every row of an object the same fields in the same order, blanks as null', () => {
    for (const org of [generateDemoOrg(), generateScaledOrg(5000)]) {
      expect(shapesOf(org.accounts).size).toBe(1);
      expect(shapesOf(org.contacts).size).toBe(1);
      expect(shapesOf(org.leads).size).toBe(1);
      const rows = [...org.accounts, ...org.contacts, ...org.leads];
      expect(rows.filter((row) => Object.values(row).some((value) => value === undefined))).toEqual([]);
    }
  });

  it('puts malformed email addresses only in free text', () => {
    const demo = generateDemoOrg();
    const emails = [...strings(demo.contacts, 'Email'), ...strings(demo.leads, 'Email')];
    for (const broken of BROKEN_EMAILS) expect(emails).not.toContain(broken);
    const notes = [...strings(demo.contacts, 'Description'), ...strings(demo.leads, 'Description')].join('\n');
    expect(notes).toContain('tom.hill@@initech');
    expect(notes).toMatch(/jane@$/m);
  });
});

describe('the mess of a real CRM, in the demo org', () => {
  const demo = generateDemoOrg();
  const people = [...demo.contacts, ...demo.leads];
  const emails = strings(people, 'Email');

  it('holds every valid golden email and every golden title, plus the title variants', () => {
    for (const email of GOLDEN_VALID_EMAILS) expect(emails).toContain(email);
    const titles = strings(people, 'Title');
    for (const [title] of [...GOLDEN_TITLES, ...TITLE_VARIANTS]) expect(titles).toContain(title);
    for (const title of ['VP, Sales', 'vp of marketing', 'Sr. Software Engineer', 'Head of Growth']) {
      expect(titles).toContain(title);
    }
  });

  it('has each class of email', () => {
    const contactEmails = demo.contacts.map((row) => row.Email);
    expect(contactEmails.filter((email) => email === null).length).toBeGreaterThan(3);
    expect(emails.some((email) => ROLE_LOCAL_PARTS.includes(localOf(email)))).toBe(true);
    expect(emails.some((email) => FREE_MAIL_DOMAINS.includes(domainOf(email).toLowerCase()))).toBe(true);
    expect(emails.filter((email) => isDisposableEmailDomain(domainOf(email))).length).toBeGreaterThan(2);
    expect(emails.some((email) => domainOf(email) !== domainOf(email).toLowerCase())).toBe(true);
    expect(emails.some((email) => localOf(email).includes('+'))).toBe(true);
    expect(emails.some((email) => localOf(email).includes("'"))).toBe(true);
  });

  it('has duplicates: the same person with a re-cased email, a shared address, a lead who is also a contact', () => {
    const sameEmailOtherCase = (rows: readonly Row[]): boolean => {
      const seen = new Map<string, string>();
      return strings(rows, 'Email').some((email) => {
        const other = seen.get(email.toLowerCase());
        seen.set(email.toLowerCase(), email);
        return other !== undefined && other !== email;
      });
    };
    expect(sameEmailOtherCase(demo.contacts)).toBe(true);
    expect(sameEmailOtherCase(demo.leads)).toBe(true);
    const contactEmails = strings(demo.contacts, 'Email');
    expect(new Set(contactEmails).size).toBeLessThan(contactEmails.length);
    expect(strings(demo.leads, 'Email').some((email) => contactEmails.includes(email))).toBe(true);
    const names = demo.accounts.map((row) => String(row.Name).toLowerCase());
    expect(names.some((name) => name.startsWith('acme corp'))).toBe(true);
    expect(names.filter((name) => name.startsWith('acme')).length).toBeGreaterThan(2);
  });

  it('has phones in every format', () => {
    const phones = [
      ...strings(demo.accounts, 'Phone'),
      ...strings(demo.contacts, 'Phone'),
      ...strings(demo.contacts, 'MobilePhone'),
      ...strings(demo.leads, 'Phone'),
    ];
    const styles: Record<string, RegExp> = {
      parentheses: /^\(\d{3}\) \d{3}-\d{4}$/,
      dots: /^\d{3}\.\d{3}\.\d{4}$/,
      dashes: /^\d{3}-\d{3}-\d{4}$/,
      digitsOnly: /^\d{10}$/,
      plusOneSpaced: /^\+1 \d{3} \d{3} \d{4}$/,
      e164: /^\+\d{11,14}$/,
      leadingOne: /^1-\d{3}-\d{3}-\d{4}$/,
      tollFree: /^1-800-/,
      extension: /( x| ext\.? )\d+$/,
      tooShort: /^\d{3}-\d{4}$/,
      ukInternational: /^\+44 20 7946 \d{4}$/,
      ukNational: /^020 7946 \d{4}$/,
      ukMobile: /^07700 900\d{3}$/,
      otherInternational: /^\+(33|49|61|65|91|31|81|46|41|34) /,
      junk: /^[^\d+(]/,
    };
    for (const [style, pattern] of Object.entries(styles)) {
      expect(
        phones.some((phone) => pattern.test(phone)),
        `no ${style} phone`,
      ).toBe(true);
    }
    expect(demo.contacts.some((row) => row.Phone === null)).toBe(true);
    const ukNational = demo.contacts.find((row) => /^020 /.test(String(row.Phone)));
    expect(countryCodeOf(String(ukNational?.MailingCountry))).toBe('GB');
  });

  it('has blank titles, departments only sometimes, orphan contacts, and names in every casing', () => {
    expect(demo.contacts.some((row) => row.Title === null)).toBe(true);
    const departments = demo.contacts.filter((row) => row.Department !== null).length;
    expect(departments).toBeGreaterThan(10);
    expect(departments).toBeLessThan(demo.contacts.length / 2);
    const orphans = demo.contacts.filter((row) => row.accountRef === undefined);
    expect(orphans.length).toBeGreaterThan(2);
    expect(orphans.length).toBeLessThan(demo.contacts.length / 10);
    const lastNames = strings(people, 'LastName');
    const firstNames = strings(people, 'FirstName');
    expect(firstNames).toContain('JANE');
    expect(lastNames).toContain('doe');
    expect(lastNames).toContain("o'brien");
    expect(lastNames).toContain('McDonald');
    expect(lastNames).toContain('van der Berg');
    expect(people.some((row) => row.FirstName === null)).toBe(true);
  });

  it('spells countries as names, codes and variants a country library maps, plus a little junk', () => {
    const values = [
      ...strings(demo.accounts, 'BillingCountry'),
      ...strings(demo.contacts, 'MailingCountry'),
      ...strings(demo.leads, 'Country'),
    ];
    const byCode = new Map<string, Set<string>>();
    for (const value of values) {
      if ((JUNK_COUNTRY_VALUES as readonly string[]).includes(value)) continue;
      const code = countryCodeOf(value);
      expect(code, `"${value}" maps to no country`).toBeDefined();
      byCode.set(code ?? '', (byCode.get(code ?? '') ?? new Set()).add(value));
    }
    for (const spelling of ['United States', 'USA', 'US', 'U.S.']) expect(byCode.get('US')).toContain(spelling);
    for (const spelling of ['United Kingdom', 'UK', 'GB']) expect(byCode.get('GB')).toContain(spelling);
    expect(byCode.get('DE')?.size).toBeGreaterThan(1);
    expect(byCode.size).toBeGreaterThan(8);
    expect(values.some((value) => (JUNK_COUNTRY_VALUES as readonly string[]).includes(value))).toBe(true);
  });

  it('has good and bad websites, messy LinkedIn URLs, and every lead status', () => {
    const websites = [...strings(demo.accounts, 'Website'), ...strings(demo.leads, 'Website')];
    for (const bad of ['acme', 'http://', 'www.acme..com', 'www.fabrikam..com']) expect(websites).toContain(bad);
    expect(websites).toContain('https://www.acme.com');
    expect(demo.accounts.some((row) => row.Website === null)).toBe(true);
    const linkedin = strings(people, 'LinkedIn_URL__c');
    expect(linkedin).toContain('linkedin.com/in/jane-doe/');
    expect(linkedin.some((url) => url.includes('?trk='))).toBe(true);
    expect(linkedin.some((url) => !url.includes('linkedin.com/in/'))).toBe(true);
    expect(new Set(demo.leads.map((row) => row.Status))).toEqual(new Set(LEAD_STATUSES));
    expect(strings(demo.leads, 'Company')).toContain('[not provided]');
  });
});

describe('the mess at scale', () => {
  it('keeps the messy classes at realistic rates in a generated org', () => {
    const org = generateScaledOrg(10_000);
    const emails = strings(org.contacts, 'Email');
    const share = (count: number): number => count / org.contacts.length;
    expect(share(org.contacts.filter((row) => row.Email === null).length)).toBeGreaterThan(0.04);
    expect(share(org.contacts.filter((row) => row.Email === null).length)).toBeLessThan(0.2);
    expect(share(emails.filter((email) => isDisposableEmailDomain(domainOf(email))).length)).toBeGreaterThan(0.005);
    expect(share(emails.filter((email) => FREE_MAIL_DOMAINS.includes(domainOf(email))).length)).toBeGreaterThan(0.05);
    expect(share(emails.filter((email) => ROLE_LOCAL_PARTS.includes(localOf(email))).length)).toBeGreaterThan(0.02);
    expect(emails.some((email) => domainOf(email) !== domainOf(email).toLowerCase())).toBe(true);
    expect(share(org.contacts.filter((row) => row.accountRef === undefined).length)).toBeGreaterThan(0.01);
    expect(share(org.contacts.filter((row) => row.Title === null).length)).toBeGreaterThan(0.03);
    expect(new Set(emails.map((email) => email.toLowerCase())).size).toBeLessThan(emails.length);
  });
});

describe('demo users and ownership', () => {
  it('names an admin, the integration user and two reps', () => {
    expect(DEMO_ORG_NAME.length).toBeGreaterThan(0);
    expect(DEMO_USERS.map((user) => [user.role, user.username])).toEqual([
      ['admin', 'admin@audience-loop.demo'],
      ['integration', 'integration@audience-loop.demo'],
      ['rep', 'rep.one@audience-loop.demo'],
      ['rep', 'rep.two@audience-loop.demo'],
    ]);
    for (const user of DEMO_USERS) {
      expect(SALESFORCE_EMAIL.test(user.email)).toBe(true);
      expect(user.firstName.length).toBeGreaterThan(0);
      expect(user.lastName.length).toBeGreaterThan(0);
    }
  });

  it('spreads records over both reps, gives the admin a few and the integration user none', () => {
    const owners = Array.from({ length: 100 }, (_unused, index) => ownerUsernameFor(index));
    const count = (username: string): number => owners.filter((owner) => owner === username).length;
    expect(count('rep.one@audience-loop.demo')).toBeGreaterThan(30);
    expect(count('rep.two@audience-loop.demo')).toBeGreaterThan(30);
    expect(count('admin@audience-loop.demo')).toBe(10);
    expect(count('integration@audience-loop.demo')).toBe(0);
    owners.forEach((owner, index) => {
      expect(DEMO_USERS.find((user) => user.username === owner)?.role).toBe(ownerRoleFor(index));
    });
  });
});

describe('--seed option', () => {
  it('reads "demo" (the default) and a number of contacts, and rejects anything else', () => {
    expect(seedDataFor(undefined)).toEqual(generateDemoOrg());
    expect(seedDataFor('demo').contacts).toHaveLength(DEMO_COUNTS.contacts);
    expect(seedDataFor('250').contacts).toHaveLength(250);
    expect(() => seedDataFor('lots')).toThrow(/"demo" or a number/);
    expect(() => seedDataFor(String(MAX_SCALED_CONTACTS + 1))).toThrow(RangeError);
  });
});
