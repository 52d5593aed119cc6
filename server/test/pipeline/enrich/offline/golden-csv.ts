import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'csv-parse/sync';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..', '..');
const sharedGoldenDir = path.resolve(repoRoot, '..', 'shared', 'reference', 'golden');
const repoGoldenDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), 'golden');

/**
 * The golden file by name: the shared copy (the definition, beside the clone in CI) when present, else the copy kept
 * in the repo so the tests run without shared/.
 */
export function goldenCsvPath(fileName: string): string {
  return sharedGoldenCsvPath(fileName) ?? repoGoldenCsvPath(fileName);
}

/** The shared copy, or undefined when shared/ is not beside the clone. */
export function sharedGoldenCsvPath(fileName: string): string | undefined {
  const shared = path.join(sharedGoldenDir, fileName);
  return existsSync(shared) ? shared : undefined;
}

export function repoGoldenCsvPath(fileName: string): string {
  return path.join(repoGoldenDir, fileName);
}

/** Rows as records keyed by the header; cell text kept exactly (the email file has meaningful spaces). */
export function readGoldenCsv(fileName: string): Record<string, string>[] {
  return parse(readFileSync(goldenCsvPath(fileName), 'utf8'), {
    columns: true,
    skip_empty_lines: true,
    trim: false,
  }) as Record<string, string>[];
}
