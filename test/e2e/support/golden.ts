/** The golden offline classifications (DESIGN §8), read from the CSVs: the e2e expectations come from here. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'csv-parse/sync';

const GOLDEN_DIR = path.resolve(import.meta.dirname, '../../../server/test/pipeline/enrich/offline/golden');

export interface GoldenTitle {
  title: string;
  seniority: string;
  department: string;
}

export interface GoldenEmail {
  email: string;
  email_status: string;
  email_normalized: string;
}

function read<T>(file: string): T[] {
  return parse(readFileSync(path.join(GOLDEN_DIR, file), 'utf8'), { columns: true, trim: false }) as T[];
}

/** Titles with a classification (the blank row is left out). */
export const GOLDEN_TITLES: GoldenTitle[] = read<GoldenTitle>('titles.csv').filter((row) => row.title.trim() !== '');

/** Emails with a status (the blank row is left out). */
export const GOLDEN_EMAILS: GoldenEmail[] = read<GoldenEmail>('emails.csv').filter((row) => row.email.trim() !== '');
