/**
 * `npm run emulator -- --port 8484 --seed demo [--no-control] [--daily-api-limit N] [--jwt-cert file] [--org-key K]`
 * Prints exactly one JSON line on stdout when ready; logs go to stderr. Runs until SIGTERM/SIGINT.
 */
import { readFileSync } from 'node:fs';
import { startSalesforceEmulator } from './index';

function parseArgs(argv: string[]): Record<string, string | boolean> {
  const out: Record<string, string | boolean> = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (!a.startsWith('--')) continue;
    const [k, inline] = a.slice(2).split('=', 2) as [string, string | undefined];
    if (k.startsWith('no-')) out[k.slice(3)] = false;
    else if (inline !== undefined) out[k] = inline;
    else if (argv[i + 1] !== undefined && !argv[i + 1]!.startsWith('--')) out[k] = argv[++i]!;
    else out[k] = true;
  }
  return out;
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const log = (line: string): void => {
    process.stderr.write(`[sf-emulator] ${line}\n`);
  };
  const port = args.port === undefined ? 8484 : Number(args.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new Error(`--port must be 0..65535, got ${String(args.port)}`);
  const emu = await startSalesforceEmulator({
    port,
    host: typeof args.host === 'string' ? args.host : '127.0.0.1',
    seed: typeof args.seed === 'string' ? args.seed : 'demo',
    control: args.control !== false,
    dailyApiLimit: typeof args['daily-api-limit'] === 'string' ? Number(args['daily-api-limit']) : undefined,
    jwtCertificate: typeof args['jwt-cert'] === 'string' ? readFileSync(args['jwt-cert'], 'utf8') : undefined,
    forceAppRoot: typeof args['force-app'] === 'string' ? args['force-app'] : undefined,
    orgKey: typeof args['org-key'] === 'string' ? args['org-key'] : undefined,
    log,
  });
  process.stdout.write(`${JSON.stringify(emu.info())}\n`);
  log(`listening on ${emu.instanceUrl} (control ${args.control === false ? 'off' : 'on'})`);
  const shutdown = (): void => {
    log('stopping');
    void emu.stop().then(() => process.exit(0));
    setTimeout(() => process.exit(0), 3000).unref();
  };
  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);
}

main().catch((err: unknown) => {
  process.stderr.write(`[sf-emulator] failed to start: ${(err as Error)?.stack ?? String(err)}\n`);
  process.exit(1);
});
