import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { classifyDepartment } from '../../../../src/pipeline/enrich/offline/department';
import { normalizeEmail } from '../../../../src/pipeline/enrich/offline/email-normalized';
import { classifyEmail } from '../../../../src/pipeline/enrich/offline/email-status';
import { classifySeniority } from '../../../../src/pipeline/enrich/offline/seniority';
import { goldenCsvPath, readGoldenCsv, repoGoldenCsvPath, sharedGoldenCsvPath } from './golden-csv';

// '' in a golden cell means "no value".
const orBlank = (value: string | undefined) => value ?? '';

const titleRows = readGoldenCsv('titles.csv').map((row) => ({
  title: row.title ?? '',
  seniority: row.seniority ?? '',
  department: row.department ?? '',
}));
const emailRows = readGoldenCsv('emails.csv').map((row) => ({
  email: row.email ?? '',
  status: row.email_status ?? '',
  normalized: row.email_normalized ?? '',
}));

describe(`golden titles (${goldenCsvPath('titles.csv')})`, () => {
  it('when the golden file is read, then it has rows', () => {
    expect(titleRows.length).toBeGreaterThan(50);
  });

  it.each(titleRows)(
    'when the title is "$title", then seniority is "$seniority" and department is "$department"',
    ({ title, seniority, department }) => {
      expect(orBlank(classifySeniority(title)?.value)).toBe(seniority);
      expect(orBlank(classifyDepartment(title)?.value)).toBe(department);
    },
  );
});

describe(`golden emails (${goldenCsvPath('emails.csv')})`, () => {
  it('when the golden file is read, then it has rows', () => {
    expect(emailRows.length).toBeGreaterThan(20);
  });

  it.each(emailRows)(
    'when the email is "$email", then status is "$status" and the normalised form is "$normalized"',
    ({ email, status, normalized }) => {
      expect(orBlank(classifyEmail(email))).toBe(status);
      expect(orBlank(normalizeEmail(email))).toBe(normalized);
    },
  );
});

describe('golden copies kept in the repo', () => {
  it.each(['titles.csv', 'emails.csv'])(
    'when shared/ is beside the clone, then the repo copy of %s is identical to it',
    (fileName) => {
      const shared = sharedGoldenCsvPath(fileName);
      if (shared === undefined) return; // nothing to compare against outside CI
      expect(readFileSync(repoGoldenCsvPath(fileName), 'utf8')).toBe(readFileSync(shared, 'utf8'));
    },
  );
});
