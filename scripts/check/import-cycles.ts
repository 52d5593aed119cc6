/**
 * The circular-import gate of `npm test`: madge over the service (server/src), the scripts and the emulators.
 * Any cycle of runtime imports fails it, printed as `a.ts → b.ts → a.ts`. Type-only imports (`import type`,
 * `export type … from`, `import { type A }` with every specifier a type) are not edges: they are erased before
 * the code runs, so they cannot change evaluation order (docs/design-notes.md, "Import gates", says why).
 *
 * Usage: `node --import tsx scripts/check/import-cycles.ts [dir or file …]` (default: the three roots below),
 * `--base <dir>` to resolve against another tree (the gate's own test runs it on a fixture).
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import madge from 'madge';

const REPO_ROOT = path.resolve(import.meta.dirname, '../..');
export const DEFAULT_ROOTS = ['server/src', 'scripts', 'test/emulators'];

export interface CycleReport {
  files: number;
  cycles: string[][];
  /** Imports madge could not resolve: a cycle through them would go unseen, so they fail the gate too. */
  unresolved: string[];
}

export async function findImportCycles(roots: string[], baseDir = REPO_ROOT): Promise<CycleReport> {
  const result = await madge(
    roots.map((root) => path.resolve(baseDir, root)),
    {
      baseDir,
      fileExtensions: ['ts'],
      tsConfig: path.join(REPO_ROOT, 'tsconfig.json'),
      excludeRegExp: [/node_modules/],
      detectiveOptions: { ts: { skipTypeImports: true }, tsx: { skipTypeImports: true } },
    },
  );
  return {
    files: Object.keys(result.obj()).length,
    cycles: result.circular(),
    unresolved: result.warnings().skipped,
  };
}

export function formatReport(report: CycleReport): string {
  const lines: string[] = [];
  for (const cycle of report.cycles) lines.push(`import cycle: ${[...cycle, cycle[0]].join(' → ')}`);
  for (const file of report.unresolved) lines.push(`unresolved import (madge cannot follow it): ${file}`);
  lines.push(
    report.cycles.length === 0 && report.unresolved.length === 0
      ? `no import cycles in ${report.files} files`
      : `${report.cycles.length} import cycle(s), ${report.unresolved.length} unresolved import(s) in ${report.files} files`,
  );
  return lines.join('\n');
}

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { base: { type: 'string' } },
  });
  const baseDir = values.base ? path.resolve(values.base) : REPO_ROOT;
  const report = await findImportCycles(positionals.length > 0 ? positionals : DEFAULT_ROOTS, baseDir);
  process.stdout.write(`${formatReport(report)}\n`);
  process.exitCode = report.cycles.length > 0 || report.unresolved.length > 0 ? 1 : 0;
}

if (process.argv[1] && path.resolve(process.argv[1]) === import.meta.filename) await main();
