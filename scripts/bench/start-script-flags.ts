import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The Node flags `npm start` gives the server (e.g. its heap cap), read from package.json, so the bench and the
 * chaos scenarios run the server exactly as production starts it. `--import tsx` is left out: the caller adds it.
 */
export function startScriptNodeFlags(cwd: string): string[] {
  const pkg = JSON.parse(readFileSync(join(cwd, 'package.json'), 'utf8')) as { scripts?: Record<string, string> };
  const start = pkg.scripts?.start ?? '';
  const words = start.trim().split(/\s+/);
  if (words[0] !== 'node') return [];
  const flags: string[] = [];
  for (let i = 1; i < words.length; i += 1) {
    const word = words[i] as string;
    if (!word.startsWith('-')) break; // the entry point
    if (word === '--import') {
      i += 1; // its value (tsx)
      continue;
    }
    flags.push(word);
  }
  return flags;
}
