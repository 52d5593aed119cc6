/**
 * `npm run preview -- --port 4173 [--instance-url URL --token T] [--watch]`: builds the force-app components and
 * serves a record page against the org (or an emulator it starts), until Ctrl-C.
 */
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { startPreview } from './server/start-preview';

const argsSchema = z.object({
  port: z.coerce.number().int().min(0).max(65_535).default(4173),
  'instance-url': z.url().optional(),
  token: z.string().min(1).optional(),
  'api-version': z
    .string()
    .regex(/^\d+\.\d$/)
    .default('62.0'),
  watch: z.boolean().default(false),
});

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string' },
      'instance-url': { type: 'string' },
      token: { type: 'string' },
      'api-version': { type: 'string' },
      watch: { type: 'boolean' },
    },
  });
  const parsed = argsSchema.safeParse(values);
  if (!parsed.success) {
    process.stderr.write(
      `preview: ${parsed.error.issues.map((i) => `--${i.path.join('.')}: ${i.message}`).join('; ')}\n`,
    );
    process.exitCode = 2;
    return;
  }
  const args = parsed.data;
  const preview = await startPreview({
    port: args.port,
    instanceUrl: args['instance-url'],
    token: args.token ?? process.env.PREVIEW_ACCESS_TOKEN,
    apiVersion: args['api-version'],
    watch: args.watch,
    onRebuild: (result) =>
      process.stdout.write(
        result instanceof Error
          ? `rebuild failed: ${result.message}\n`
          : `rebuilt in ${(result.ms / 1000).toFixed(1)} s\n`,
      ),
  });
  process.stdout.write(`preview built in ${(preview.build.ms / 1000).toFixed(1)} s, serving ${preview.url}\n`);
  const demo = await preview.demoContactUrl();
  if (demo) process.stdout.write(`a Contact: ${demo}\n`);
  if (args.watch) process.stdout.write('watching force-app and preview for changes\n');
  const stop = () => void preview.stop().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: unknown) => {
  process.stderr.write(`preview: ${(error as Error).message}\n`);
  process.exitCode = 1;
});
