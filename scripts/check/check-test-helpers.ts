/**
 * Helpers for the checker tests: a throwaway copy of force-app to break, and a way to run a checker the way
 * CI does (a child process through tsx) and capture what it prints.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DEFAULT_FORCE_APP, REPO_ROOT } from './report';

export interface CheckRun {
  status: number | null;
  stdout: string;
  stderr: string;
  lastLine: string;
}

/** Runs `scripts/check/<script>` with `node --import tsx`, optionally against another root. */
export function runCheck(script: string, root?: string): CheckRun {
  const run = spawnSync(
    process.execPath,
    ['--import', 'tsx', path.join(REPO_ROOT, 'scripts', 'check', script), ...(root ? [root] : [])],
    { cwd: REPO_ROOT, encoding: 'utf8', timeout: 240_000 },
  );
  const lines = run.stdout.trim().split('\n');
  return { status: run.status, stdout: run.stdout, stderr: run.stderr, lastLine: lines[lines.length - 1] ?? '' };
}

/** A fresh copy of force-app in a temp dir, and a function that removes it. */
export function copyForceApp(): { root: string; cleanup: () => void } {
  const dir = mkdtempSync(path.join(tmpdir(), 'audience-loop-check-'));
  const root = path.join(dir, 'force-app');
  cpSync(DEFAULT_FORCE_APP, root, { recursive: true });
  return { root, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}
