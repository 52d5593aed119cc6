/**
 * Files the server reads from disk at run time, and where they go in dist/. A module that reads
 * `new URL('./data/…', import.meta.url)` finds them beside dist/main.js once bundled. The build test checks that
 * every `data/` folder under server/src is listed here.
 */
export const RUNTIME_DATA: readonly { from: string; to: string }[] = [
  // Free-mail domains and role local parts (offline email enrichment: pipeline/enrich/offline/word-list.ts).
  { from: 'server/src/pipeline/enrich/offline/data', to: 'data' },
];
