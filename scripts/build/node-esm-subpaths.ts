import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { Plugin } from 'esbuild';

/** `jsforce/api/streaming` → `jsforce`; `@scope/pkg/sub` → `@scope/pkg`. */
function packageName(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : (parts[0] as string);
}

/**
 * Keeps every package external, and rewrites the package subpaths that Node's ES module loader cannot resolve into
 * paths it can. tsx and vitest resolve `jsforce/api/streaming` as CommonJS does (a folder whose package.json points
 * at `lib/api/streaming.js`), but `node dist/main.js` is an ES module, and there a folder import fails at start
 * (ERR_UNSUPPORTED_DIR_IMPORT). A package with an `exports` map is resolved by Node through it and left alone; a
 * subpath of a package without one is resolved here as `require` would and written as the file it names.
 */
export function nodeEsmSubpaths(repoRoot: string): Plugin {
  const requireFromRoot = createRequire(path.join(repoRoot, 'package.json'));
  return {
    name: 'node-esm-subpaths',
    setup(build) {
      // Bare specifiers (not relative, not absolute); Go regular expressions have no look-ahead.
      build.onResolve({ filter: /^[^./]/ }, (args) => {
        const specifier = args.path;
        if (specifier.startsWith('node:') || args.kind === 'entry-point') return undefined;
        const name = packageName(specifier);
        if (specifier === name) return { path: specifier, external: true };
        // Read from the folder, not resolved: an `exports` map may not list its own package.json.
        const manifestPath = path.join(repoRoot, 'node_modules', name, 'package.json');
        const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as { exports?: unknown };
        if (manifest.exports !== undefined) return { path: specifier, external: true };
        const file = requireFromRoot.resolve(specifier);
        const rewritten = `${name}/${path.relative(path.dirname(manifestPath), file).split(path.sep).join('/')}`;
        return { path: rewritten, external: true };
      });
    },
  };
}
