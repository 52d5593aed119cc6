import { readFileSync } from 'node:fs';

/**
 * Reads a list kept as a text file under `data/`: one entry per line, '#' starts a comment, blank lines ignored.
 * Entries are lower-cased so lookups only need to lower-case their side.
 */
export function readWordList(fileName: string): ReadonlySet<string> {
  const text = readFileSync(new URL(`./data/${fileName}`, import.meta.url), 'utf8');
  const entries = text
    .split(/\r?\n/)
    .map((line) => line.replace(/#.*$/, '').trim().toLowerCase())
    .filter((line) => line !== '');
  return new Set(entries);
}
