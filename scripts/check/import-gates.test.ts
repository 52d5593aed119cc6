/**
 * The two import gates of `npm test` fail when they should: ESLint's boundary rules (eslint.config.js) on code
 * placed under server/src, and the madge cycle check (scripts/check/import-cycles.ts) on a fixture with a cycle.
 * ESLint lints the probe source under a server/src path without writing it (lintText with filePath applies the
 * config of that path), so nothing appears in the shared tree while the test runs.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ESLint, type Linter } from 'eslint';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findImportCycles, formatReport } from './import-cycles';

const REPO_ROOT = path.resolve(import.meta.dirname, '../..');
const eslint = new ESLint({ cwd: REPO_ROOT });

const JSFORCE_STATIC =
  "'jsforce' import is restricted from being used. jsforce is imported only under server/src/salesforce/ (the Salesforce boundary); use its clients.";
const JSFORCE_DYNAMIC =
  'jsforce is imported only under server/src/salesforce/ (the Salesforce boundary); use its clients.';
const TEST_OR_SCRIPTS =
  'server/src must not import test/ or scripts/ (production never depends on test code or scripts).';

async function lint(filePath: string, code: string): Promise<Linter.LintMessage[]> {
  const [result] = await eslint.lintText(code, { filePath: path.join(REPO_ROOT, filePath) });
  return result?.messages ?? [];
}
const errors = (messages: Linter.LintMessage[]) => messages.map((m) => `${m.ruleId}: ${m.message}`);

describe('ESLint import boundaries', () => {
  it('fails a file outside server/src/salesforce/ that imports jsforce, statically or dynamically', async () => {
    const messages = await lint(
      'server/src/pipeline/gate-probe.ts',
      [
        "import { Connection } from 'jsforce';",
        "import type { Record as SfRecord } from 'jsforce/lib/types';",
        "export const load = () => import('jsforce');",
        'export type Probe = [Connection, SfRecord];',
        '',
      ].join('\n'),
    );
    expect(errors(messages)).toEqual([
      `no-restricted-imports: ${JSFORCE_STATIC}`,
      expect.stringMatching(
        /^no-restricted-imports: 'jsforce\/lib\/types' import is restricted .*jsforce is imported only/,
      ),
      `no-restricted-syntax: ${JSFORCE_DYNAMIC}`,
    ]);
  });

  it('lets server/src/salesforce/ import jsforce', async () => {
    const messages = await lint(
      'server/src/salesforce/gate-probe.ts',
      "import { Connection } from 'jsforce';\nexport const load = () => import('jsforce');\nexport type C = Connection;\n",
    );
    expect(errors(messages)).toEqual([]);
  });

  it('fails server/src code that reaches test/ or scripts/, in either form, even on the temporary jsforce list', async () => {
    for (const filePath of ['server/src/sandbox/gate-probe.ts', 'server/src/runtime/loop-runtime.ts']) {
      const messages = await lint(
        filePath,
        [
          "import { startSalesforceEmulator } from '../../../test/emulators/salesforce/index';",
          "import type { ForceAppModel } from '../../../scripts/lib/force-app/read-force-app';",
          "export * from '../../test/helpers';",
          "export const load = () => import('../../../test/emulators/salesforce');",
          'export type Probe = [typeof startSalesforceEmulator, ForceAppModel];',
          '',
        ].join('\n'),
      );
      expect(errors(messages)).toEqual([
        expect.stringContaining(
          `no-restricted-imports: '../../../test/emulators/salesforce/index' import is restricted`,
        ),
        expect.stringContaining(`no-restricted-imports: '../../../scripts/lib/force-app/read-force-app' import is`),
        expect.stringContaining(`no-restricted-imports: '../../test/helpers' import is restricted`),
        `no-restricted-syntax: ${TEST_OR_SCRIPTS}`,
      ]);
    }
  });

  it('loads the emulator package only by dynamic import in the sandbox loader, and only from a literal', async () => {
    const dynamic = "export const load = () => import('@audience-loop/salesforce-emulator');\n";
    expect(errors(await lint('server/src/sandbox/start-sandbox.ts', dynamic))).toEqual([]);
    expect(errors(await lint('server/src/runtime/gate-probe.ts', dynamic))).toEqual([
      expect.stringMatching(/^no-restricted-syntax: @audience-loop\/salesforce-emulator is loaded only by dynamic/),
    ]);
    const staticImport =
      "import { startSalesforceEmulator } from '@audience-loop/salesforce-emulator';\nvoid startSalesforceEmulator;\n";
    expect(errors(await lint('server/src/sandbox/start-sandbox.ts', staticImport))).toEqual([
      expect.stringMatching(/^no-restricted-imports: '@audience-loop\/salesforce-emulator' import is restricted/),
    ]);
    const computed = "const name = 'jsforce';\nexport const load = () => import(name);\n";
    expect(errors(await lint('server/src/runtime/gate-probe.ts', computed))).toEqual([
      'no-restricted-syntax: A dynamic import in server/src takes a string literal, so the import boundaries can see what it loads.',
    ]);
  });

  it('exempts from the jsforce rule only files that still import jsforce (the temporary list only shrinks)', async () => {
    const files = (readdirSync(path.join(REPO_ROOT, 'server/src'), { recursive: true }) as string[])
      .filter((file) => file.endsWith('.ts'))
      .map((file) => path.posix.join('server/src', file.split(path.sep).join('/')))
      .filter((file) => !file.startsWith('server/src/salesforce/'));
    const stale: string[] = [];
    for (const file of files) {
      const config = (await eslint.calculateConfigForFile(path.join(REPO_ROOT, file))) as Linter.Config;
      const restricted = JSON.stringify(config.rules?.['no-restricted-imports'] ?? []).includes('"name":"jsforce"');
      const importsJsforce = /from 'jsforce(?:\/[^']*)?'|import\('jsforce/.test(
        readFileSync(path.join(REPO_ROOT, file), 'utf8'),
      );
      if (!restricted && !importsJsforce) stale.push(file);
    }
    expect(stale, 'no longer import jsforce: take them off JSFORCE_NOT_YET_BEHIND_BOUNDARY').toEqual([]);
  });
});

describe('madge cycle gate', () => {
  let fixture: string;
  beforeAll(() => {
    fixture = mkdtempSync(path.join(tmpdir(), 'import-cycles-'));
    const write = (file: string, text: string) => {
      mkdirSync(path.dirname(path.join(fixture, file)), { recursive: true });
      writeFileSync(path.join(fixture, file), text);
    };
    write('cycle/a.ts', "import { b } from './b';\nexport const a = () => b();\n");
    write('cycle/b.ts', "import { a } from './a';\nexport const b = () => a;\n");
    write(
      'types-only/breaker.ts',
      "import { gauge } from './metrics';\nexport type State = 'open' | 'closed';\ngauge();\n",
    );
    write('types-only/metrics.ts', "import type { State } from './breaker';\nexport const gauge = (s?: State) => s;\n");
  });
  afterAll(() => rmSync(fixture, { recursive: true, force: true }));

  it('reports a cycle of runtime imports', async () => {
    const report = await findImportCycles(['cycle'], fixture);
    expect(report.cycles).toEqual([['cycle/a.ts', 'cycle/b.ts']]);
    expect(formatReport(report)).toBe(
      'import cycle: cycle/a.ts → cycle/b.ts → cycle/a.ts\n1 import cycle(s), 0 unresolved import(s) in 2 files',
    );
  });

  it('does not count a back edge that is type-only', async () => {
    const report = await findImportCycles(['types-only'], fixture);
    expect(report.cycles).toEqual([]);
    expect(formatReport(report)).toBe('no import cycles in 2 files');
  });

  it('fails the gate (exit code 1) when run as npm test runs it', () => {
    const run = spawnSync(
      process.execPath,
      ['--import', 'tsx', path.join(REPO_ROOT, 'scripts/check/import-cycles.ts'), '--base', fixture, 'cycle'],
      { cwd: REPO_ROOT, encoding: 'utf8' },
    );
    expect(run.status).toBe(1);
    expect(run.stdout).toContain('import cycle: cycle/a.ts → cycle/b.ts → cycle/a.ts');
  });
});
