/**
 * `npm run config -- export --org <alias|env> > audiences.json` and
 * `npm run config -- import --org <alias|env> [--dry-run] < audiences.json`: moves a setup between orgs (see
 * scripts/config-promotion.ts). `--org env` logs in with the server's environment (SALESFORCE_*); any other value
 * is a Salesforce CLI alias or username, whose session the CLI gives (`sf org display`, `sf org auth show-access-token`).
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { loadEnv } from '../server/src/env/env';
import { connectOrg, credentialsFromEnv } from '../server/src/salesforce/auth/connection-factory';
import type { OrgClient } from '../server/src/salesforce/org-client';
import { configDocumentSchema, exportConfig, importConfig } from './config-promotion';

const USAGE = 'usage: npm run config -- export --org <alias|env>  |  import --org <alias|env> [--dry-run] < file.json';
const API_VERSION = '62.0';

const sfDisplay = z.object({ result: z.looseObject({ instanceUrl: z.string().url() }) });
const sfAccessToken = z.object({ result: z.object({ accessToken: z.string().min(1) }) });

/** Runs `sf … --json` and reads its result (the CLI prints warnings on stderr, the JSON on stdout). */
function sfJson(args: string[]): unknown {
  return JSON.parse(execFileSync('sf', [...args, '--json'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }));
}

async function orgFor(org: string): Promise<OrgClient> {
  if (org === 'env') {
    const credentials = credentialsFromEnv(loadEnv());
    if (!credentials) throw new Error('--org env needs SALESFORCE_* credentials in the environment (not sandbox mode)');
    return connectOrg(credentials);
  }
  // `sf org display` hides the token since CLI 2.7x ("[REDACTED]"); `sf org auth show-access-token` gives it.
  const { instanceUrl } = sfDisplay.parse(sfJson(['org', 'display', '--target-org', org])).result;
  const { accessToken } = sfAccessToken.parse(
    sfJson(['org', 'auth', 'show-access-token', '--no-prompt', '--target-org', org]),
  ).result;
  return connectOrg({ mode: 'session', apiVersion: API_VERSION, instanceUrl, accessToken });
}

async function main(args: string[]): Promise<void> {
  const [command, ...rest] = args;
  const orgIndex = rest.indexOf('--org');
  const org = orgIndex >= 0 ? rest[orgIndex + 1] : undefined;
  if ((command !== 'export' && command !== 'import') || !org) throw new Error(USAGE);
  const client = await orgFor(org);
  if (command === 'export') {
    process.stdout.write(`${JSON.stringify(await exportConfig(client), null, 2)}\n`);
    return;
  }
  const document = configDocumentSchema.parse(JSON.parse(readFileSync(0, 'utf8')));
  const dryRun = rest.includes('--dry-run');
  const changes = await importConfig(client, document, { dryRun });
  for (const change of changes) {
    process.stdout.write(
      `${dryRun ? 'would ' : ''}${change.action} ${change.object} ${change.key}: ${change.fields.join(', ')}\n`,
    );
  }
  process.stdout.write(
    `${changes.length} change${changes.length === 1 ? '' : 's'}${dryRun ? ' (dry run: nothing written)' : ''}\n`,
  );
}

main(process.argv.slice(2)).catch((error: unknown) => {
  process.stderr.write(`${(error as Error).message}\n`);
  process.exit(1);
});
