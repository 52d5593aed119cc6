/**
 * Builds the preview bundle: the force-app components unchanged, lightning-base-components, the LWC engine with
 * synthetic shadow (so SLDS's global CSS styles LBC internals, as in Lightning Experience) and the shims, as one IIFE
 * file. `watchPreviewBundle` rebuilds on change with rollup's cache.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import lwc from '@lwc/rollup-plugin';
import replace from '@rollup/plugin-replace';
import { rollup, watch, type OutputOptions, type RollupCache, type RollupLog, type RollupOptions } from 'rollup';
import { readComponentBundles } from './record-page-components';
import { salesforceModules } from './salesforce-modules-plugin';

const require = createRequire(import.meta.url);

export const PREVIEW_ROOT = path.resolve(import.meta.dirname, '..');
export const REPO_ROOT = path.resolve(PREVIEW_ROOT, '..');
export const DEFAULT_FORCE_APP_ROOT = path.join(REPO_ROOT, 'force-app', 'main', 'default');
export const LBC_ROOT = path.dirname(require.resolve('lightning-base-components/package.json'));
export const SLDS_ASSETS = path.join(
  path.dirname(require.resolve('@salesforce-ux/design-system/package.json')),
  'assets',
);

export type BundleSettings = { forceAppRoot?: string; outDir: string };

/** Warnings that mean the page would break at run time (an unknown id becomes an IIFE global) are errors. */
function strictWarnings(log: RollupLog, warn: (log: RollupLog) => void): void {
  if (log.code === 'UNRESOLVED_IMPORT' || log.code === 'MISSING_EXPORT') {
    throw new Error(`preview build: ${log.message}`);
  }
  // LBC's own card template repeats a slot name on purpose; not ours to fix.
  if (log.pluginCode === 'LWC1137' && log.id?.startsWith(LBC_ROOT)) return;
  if (log.code === 'CIRCULAR_DEPENDENCY' || log.code === 'THIS_IS_UNDEFINED') return;
  warn(log);
}

function options(settings: BundleSettings): { input: RollupOptions; output: OutputOptions } {
  const forceAppRoot = settings.forceAppRoot ?? DEFAULT_FORCE_APP_ROOT;
  const components = readComponentBundles(forceAppRoot);
  return {
    input: {
      input: path.join(PREVIEW_ROOT, 'client', 'entry.js'),
      onwarn: strictWarnings,
      plugins: [
        replace({
          preventAssignment: true,
          values: { 'process.env.NODE_ENV': JSON.stringify('development'), 'import.meta.env.SSR': 'false' },
        }),
        salesforceModules({ forceAppRoot, previewRoot: PREVIEW_ROOT, lbcRoot: LBC_ROOT, components }),
        lwc({
          rootDir: PREVIEW_ROOT,
          // lightning-datatable (the setup tab's field mappings) renders its cells with `lwc:component`.
          enableDynamicComponents: true,
          modules: [
            ...components.map((c) => ({ name: `c/${c.name}`, path: c.jsPath })),
            { npm: 'lightning-base-components' },
          ],
        }),
      ],
    },
    output: { file: path.join(settings.outDir, 'bundle.js'), format: 'iife', inlineDynamicImports: true },
  };
}

export type BuildResult = { file: string; ms: number; cached?: boolean };

/**
 * Rollup's module cache, kept beside the bundle between processes. Rollup still loads every module and compiles
 * again any whose source changed (and every generated module), so the cache only saves recompiling unchanged files —
 * mostly lightning-base-components. `rm -rf .tmp/preview-dist` gives a cold build.
 */
/**
 * A cached module keeps the ids its imports resolved to: bump the version when the plugins resolve differently
 * (v2: the closed LBC gates), or an old cache keeps the old resolution.
 */
const cacheFile = (outDir: string) => path.join(outDir, 'rollup-cache-v2.json');

function readCache(outDir: string): RollupCache | undefined {
  if (!existsSync(cacheFile(outDir))) return undefined;
  try {
    return JSON.parse(readFileSync(cacheFile(outDir), 'utf8')) as RollupCache;
  } catch {
    return undefined;
  }
}

export async function buildPreviewBundle(settings: BundleSettings): Promise<BuildResult> {
  const started = performance.now();
  const { input, output } = options(settings);
  const cache = readCache(settings.outDir);
  const bundle = await rollup({ ...input, cache });
  try {
    await bundle.write(output);
    mkdirSync(settings.outDir, { recursive: true });
    writeFileSync(cacheFile(settings.outDir), JSON.stringify(bundle.cache));
  } finally {
    await bundle.close();
  }
  return { file: output.file as string, ms: Math.round(performance.now() - started), cached: cache !== undefined };
}

export type BundleWatcher = { close(): Promise<void> };

/** Rebuilds on every change under force-app and preview; `onBuilt` hears each result (or the error). */
export function watchPreviewBundle(
  settings: BundleSettings,
  onBuilt: (result: BuildResult | Error) => void,
): BundleWatcher {
  const { input, output } = options(settings);
  const watcher = watch({
    ...input,
    cache: readCache(settings.outDir),
    output,
    watch: { clearScreen: false, exclude: ['**/node_modules/**'] },
  });
  watcher.on('event', (event) => {
    if (event.code === 'BUNDLE_END') {
      void event.result.close();
      onBuilt({ file: output.file as string, ms: event.duration });
    } else if (event.code === 'ERROR') {
      void event.result?.close();
      onBuilt(new Error(event.error.message));
    }
  });
  return { close: () => watcher.close() };
}
