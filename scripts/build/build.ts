/**
 * `npm run build`: the server as plain JavaScript for production (`node dist/main.js`), without tsx. The tsconfig
 * resolves imports as a bundler does (extensionless paths), so `tsc` output would not run under Node: esbuild (pinned
 * in devDependencies) bundles our own code into one ES module and leaves every package external — `npm ci
 * --omit=dev` installs them beside it, and packages that read their own files at run time (bull-board's UI, pino's
 * transports, the protos of gRPC) keep working. The data files our code reads at run time are copied next to it.
 * The emulator is not in the bundle: the built server refuses sandbox mode (`sandboxRefusal`).
 */
import { cpSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { build } from 'esbuild';
import { nodeEsmSubpaths } from './node-esm-subpaths';
import { RUNTIME_DATA } from './runtime-data';

const repoRoot = path.resolve(import.meta.dirname, '../..');
const outDir = path.join(repoRoot, 'dist');

async function main(): Promise<void> {
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  const result = await build({
    absWorkingDir: repoRoot,
    entryPoints: ['server/src/main.ts'],
    outfile: path.join(outDir, 'main.js'),
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'esm',
    // Every package stays external (installed by `npm ci --omit=dev`); subpaths made loadable by Node's ESM.
    plugins: [nodeEsmSubpaths(repoRoot)],
    sourcemap: 'linked',
    // Tells the code it runs built (no emulator inside): see server/src/runtime/sandbox-refusal.ts.
    define: { __AUDIENCE_LOOP_BUNDLE__: 'true' },
    metafile: true,
    logLevel: 'warning',
  });
  for (const data of RUNTIME_DATA) {
    cpSync(path.join(repoRoot, data.from), path.join(outDir, data.to), { recursive: true });
  }
  const inputs = Object.keys(result.metafile.inputs).length;
  const bytes = result.metafile.outputs['dist/main.js']?.bytes ?? 0;
  writeFileSync(path.join(outDir, 'BUILD.txt'), `bundled ${inputs} source files into main.js (${bytes} bytes)\n`);
  process.stdout.write(
    `dist/main.js: ${inputs} source files, ${(bytes / 1024).toFixed(0)} KiB; data: ${RUNTIME_DATA.map((d) => d.to).join(', ')}\n`,
  );
}

main().catch((error: unknown) => {
  process.stderr.write(`build failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
