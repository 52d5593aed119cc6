/**
 * `npm test`: the one gate. Runs every suite in order, stops at the first failure, and ends with the plain total
 * `N passed, N failed` over everything that ran. Suites that run tests (vitest, jest) count their tests; the
 * checks that print their own `N passed, N failed` line (Apex syntax, metadata) count theirs; a tool that only
 * says pass or fail (Prettier, ESLint with the import boundaries, tsc, the madge import-cycle check) counts as one.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';

const repoRoot = path.resolve(import.meta.dirname, '../..');
const tmpDir = path.join(repoRoot, '.tmp', 'test-run');
const bin = (name: string) => path.join(repoRoot, 'node_modules', '.bin', name);
const tsxScript = (file: string) => [process.execPath, '--import', 'tsx', path.join(repoRoot, file)];

interface Tally {
  passed: number;
  failed: number;
}

interface Suite {
  name: string;
  command: string[];
  /** How to count what ran, from the exit code and the output. */
  count(exitCode: number, output: string): Tally;
}

const passFail = (exitCode: number): Tally => (exitCode === 0 ? { passed: 1, failed: 0 } : { passed: 0, failed: 1 });

/** Reads the last `N passed, N failed` line a checker printed. */
function lastTotalLine(exitCode: number, output: string): Tally {
  const matches = [...output.matchAll(/^(\d+) passed, (\d+) failed/gm)];
  const last = matches.at(-1);
  if (!last) return passFail(exitCode);
  const tally = { passed: Number(last[1]), failed: Number(last[2]) };
  return exitCode !== 0 && tally.failed === 0 ? { ...tally, failed: 1 } : tally;
}

function jsonReport(file: string, passedKey: string, failedKey: string) {
  return (exitCode: number): Tally => {
    try {
      const report = JSON.parse(readFileSync(file, 'utf8')) as Record<string, number>;
      const tally = { passed: report[passedKey] ?? 0, failed: report[failedKey] ?? 0 };
      // A suite that failed to load counts no test but still failed.
      return exitCode !== 0 && tally.failed === 0 ? { ...tally, failed: 1 } : tally;
    } catch {
      return passFail(exitCode);
    }
  };
}

const vitestReport = (name: string) => path.join(tmpDir, `${name}.json`);

const suites: Suite[] = [
  { name: 'format (prettier)', command: [bin('prettier'), '--check', '.', '--log-level', 'warn'], count: passFail },
  { name: 'lint (eslint)', command: [bin('eslint'), '.', '--max-warnings', '0'], count: passFail },
  { name: 'typecheck (tsc)', command: [bin('tsc'), '-p', 'tsconfig.json', '--noEmit'], count: passFail },
  { name: 'import cycles (madge)', command: tsxScript('scripts/check/import-cycles.ts'), count: passFail },
  {
    name: 'server, emulator and e2e tests (vitest)',
    command: [
      bin('vitest'),
      'run',
      '--exclude',
      'test/contracts/**',
      '--exclude',
      'test/e2e/record-card.test.ts',
      '--exclude',
      'test/e2e/setup-tab.test.ts',
      '--exclude',
      'test/cluster/**',
      '--reporter=default',
      '--reporter=json',
      `--outputFile.json=${vitestReport('vitest')}`,
    ],
    count: jsonReport(vitestReport('vitest'), 'numPassedTests', 'numFailedTests'),
  },
  // The browser e2e runs on its own: beside the rest of the suite (2 cores) its "Enrich now" step timed out in two
  // clean-clone runs on 2026-12-06 while it passed every time alone; the cause is not found yet (see the stop note).
  {
    name: 'browser e2e (record card, chromium)',
    command: [
      bin('vitest'),
      'run',
      'test/e2e/record-card.test.ts',
      '--reporter=default',
      '--reporter=json',
      `--outputFile.json=${vitestReport('browser')}`,
    ],
    count: jsonReport(vitestReport('browser'), 'numPassedTests', 'numFailedTests'),
  },
  // The Redis Cluster suite starts six redis-server processes of its own per file and kills masters: alone, and one
  // file at a time, its failover timing (cluster-node-timeout 3 s) does not compete with anything for the cores.
  {
    name: 'Redis Cluster e2e (3 masters + 3 replicas, master failover)',
    command: [
      bin('vitest'),
      'run',
      'test/cluster',
      '--no-file-parallelism',
      '--reporter=default',
      '--reporter=json',
      `--outputFile.json=${vitestReport('cluster')}`,
    ],
    count: jsonReport(vitestReport('cluster'), 'numPassedTests', 'numFailedTests'),
  },
  {
    name: 'browser e2e (setup tab, chromium)',
    command: [
      bin('vitest'),
      'run',
      'test/e2e/setup-tab.test.ts',
      '--reporter=default',
      '--reporter=json',
      `--outputFile.json=${vitestReport('browser-setup')}`,
    ],
    count: jsonReport(vitestReport('browser-setup'), 'numPassedTests', 'numFailedTests'),
  },
  {
    name: 'LWC tests (sfdx-lwc-jest)',
    command: [bin('sfdx-lwc-jest'), '--', '--json', `--outputFile=${path.join(tmpDir, 'jest.json')}`],
    count: jsonReport(path.join(tmpDir, 'jest.json'), 'numPassedTests', 'numFailedTests'),
  },
  { name: 'Apex syntax', command: tsxScript('scripts/check/apex-syntax.ts'), count: lastTotalLine },
  { name: 'metadata validation', command: tsxScript('scripts/check/metadata.ts'), count: lastTotalLine },
  {
    name: 'contract tests (force-app ↔ server schemas)',
    command: [
      bin('vitest'),
      'run',
      'test/contracts',
      '--reporter=default',
      '--reporter=json',
      `--outputFile.json=${vitestReport('contracts')}`,
    ],
    count: jsonReport(vitestReport('contracts'), 'numPassedTests', 'numFailedTests'),
  },
];

function run(suite: Suite): Promise<{ exitCode: number; output: string }> {
  return new Promise((resolve) => {
    const [command, ...args] = suite.command;
    const child = spawn(command as string, args, {
      cwd: repoRoot,
      env: { ...process.env, FORCE_COLOR: process.env.FORCE_COLOR ?? '0' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    const tee = (stream: NodeJS.WriteStream) => (chunk: Buffer) => {
      output += chunk.toString();
      stream.write(chunk);
    };
    child.stdout.on('data', tee(process.stdout));
    child.stderr.on('data', tee(process.stderr));
    child.on('error', (error) => resolve({ exitCode: 127, output: `${output}\n${error.message}` }));
    child.on('close', (code) => resolve({ exitCode: code ?? 1, output }));
  });
}

async function main(): Promise<void> {
  rmSync(tmpDir, { recursive: true, force: true });
  mkdirSync(tmpDir, { recursive: true });
  const total: Tally = { passed: 0, failed: 0 };
  const summary: string[] = [];
  for (const suite of suites) {
    process.stdout.write(`\n━━ ${suite.name} ━━\n`);
    const started = Date.now();
    const { exitCode, output } = await run(suite);
    const tally = suite.count(exitCode, output);
    total.passed += tally.passed;
    total.failed += tally.failed;
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    summary.push(
      `${exitCode === 0 ? '✓' : '✗'} ${suite.name}: ${tally.passed} passed, ${tally.failed} failed (${seconds} s)`,
    );
    if (exitCode !== 0) {
      summary.push(`stopped at the first failing suite: ${suite.name} (exit code ${exitCode})`);
      break;
    }
  }
  process.stdout.write(`\n${summary.join('\n')}\n${total.passed} passed, ${total.failed} failed\n`);
  process.exitCode = total.failed > 0 ? 1 : 0;
}

void main();
