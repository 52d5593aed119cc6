/**
 * Shared plumbing for the `scripts/check/*` checkers: finding files, printing results in the one output
 * contract every check follows (`✗ <file>: <reason>` per problem, last line `N passed, N failed`), and the
 * exit code.
 */
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root, found from this file's location so checks work from any cwd. */
export const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** Default tree the checks read: `<repo>/force-app`. */
export const DEFAULT_FORCE_APP = path.join(REPO_ROOT, 'force-app');

const SKIPPED_DIRS = new Set(['node_modules', '.sfdx', '.sf', '.localdevserver']);

/** Every file under `root` (recursively, sorted) for which `accept` holds. */
export function listFiles(root: string, accept: (file: string) => boolean): string[] {
  const found: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        if (!SKIPPED_DIRS.has(entry.name)) walk(full);
      } else if (entry.isFile() && accept(full)) {
        found.push(full);
      }
    }
  };
  walk(root);
  return found;
}

/** A path as people read it: relative to the cwd when inside it, absolute otherwise. */
export function displayPath(file: string): string {
  const relative = path.relative(process.cwd(), file);
  return relative && !relative.startsWith('..') && !path.isAbsolute(relative) ? relative : file;
}

/** The outcome of one checked item (usually a file). An empty `problems` list means it passed. */
export interface CheckResult {
  name: string;
  problems: string[];
}

/**
 * Prints one `✗` line per problem, then `N passed, N failed` as the last line, and returns the exit code
 * (1 when anything failed, or when there was nothing to check).
 */
export function report(results: CheckResult[], write: (line: string) => void = (line) => console.log(line)): number {
  let passed = 0;
  let failed = 0;
  for (const result of results) {
    if (result.problems.length === 0) {
      passed++;
      continue;
    }
    failed++;
    for (const problem of result.problems) write(`✗ ${result.name}${problem}`);
  }
  if (results.length === 0) {
    write('✗ nothing to check: no matching files found');
  }
  write(`${passed} passed, ${failed} failed`);
  return failed > 0 || results.length === 0 ? 1 : 0;
}
