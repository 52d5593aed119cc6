/**
 * Sandbox mode also serves the local LWC preview (preview/, DESIGN.md section 11) against the sandbox org, signed in
 * as the demo rep, and prints the page of a demo Contact. The preview runs as a child process (its CLI, found through
 * the preview package, never imported from test/): compiling lightning-base-components takes more memory than the
 * server's own heap cap (`--max-old-space-size=256` in `npm start`) allows, and a build must never take the loop
 * down. It builds in the background: the loop does not wait for it. A sandbox on a random port (SANDBOX_PORT=0, as
 * tests start it) serves no preview, so tests do not pay for a build.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { Logger } from '../lib/logger';

export const SANDBOX_PREVIEW_PORT = 4173;

export type SandboxPreview = { stop(): Promise<void> };

function previewCliPath(): string {
  return fileURLToPath(new URL('./cli.ts', import.meta.resolve('@audience-loop/lwc-preview')));
}

export function startSandboxPreview(input: {
  sandboxPort: number;
  instanceUrl: string;
  users: { role: string; accessToken: string }[];
  apiVersion: string;
  logger: Logger;
  print: (line: string) => void;
}): SandboxPreview {
  if (input.sandboxPort === 0) return { stop: async () => {} };
  const rep = input.users.find((u) => u.role === 'rep');
  if (!rep) return { stop: async () => {} };
  let child: ChildProcess;
  try {
    const args = ['--import', 'tsx', previewCliPath(), '--port', String(SANDBOX_PREVIEW_PORT)];
    args.push('--instance-url', input.instanceUrl, '--api-version', input.apiVersion);
    // The token goes through the environment, not the command line (which `ps` shows to every user).
    child = spawn(process.execPath, args, {
      env: { ...process.env, PREVIEW_ACCESS_TOKEN: rep.accessToken },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  } catch (error) {
    input.logger.warn({ err: error }, 'the record card preview did not start; the loop runs without it');
    return { stop: async () => {} };
  }
  let built = '';
  createInterface({ input: child.stdout as NodeJS.ReadableStream }).on('line', (line) => {
    if (line.startsWith('preview built in')) built = line.replace(/, serving .*$/, '');
    else if (line.startsWith('a Contact: ')) {
      input.print(`Record card preview (as the demo rep; ${built}): ${line.slice(11)} (see docs/preview.md)`);
    }
  });
  const errors: string[] = [];
  createInterface({ input: child.stderr as NodeJS.ReadableStream }).on('line', (line) => {
    errors.push(line);
    if (errors.length > 20) errors.shift();
  });
  const exited = new Promise<void>((resolve) => {
    child.once('exit', (code, signal) => {
      if (code !== 0 && signal === null) {
        input.logger.warn(
          { code, stderr: errors.join('\n') },
          'the record card preview stopped; the loop runs without it',
        );
      }
      resolve();
    });
    child.once('error', (error) => {
      input.logger.warn({ err: error }, 'the record card preview did not start; the loop runs without it');
      resolve();
    });
  });
  return {
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}
