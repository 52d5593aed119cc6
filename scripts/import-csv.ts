/**
 * `npm run import:csv -- <file.csv> --object Contact [--match Email] [--create] [--map col=Field,...]
 * [--rule Fill_Blank|Tracked|Always] [--report report.json]`
 * Imports a CSV file into Salesforce under the field maps' write rules (docs/csv-import.md). The report goes to
 * stdout, progress and logs to stderr. Exit codes: 0 every row imported, unchanged or skipped, 3 some rows failed
 * (each named in the report), 1 the import could not run (no org, login, Redis, unreadable file, header or
 * encoding), 2 bad arguments.
 */
import { writeFile } from 'node:fs/promises';
import { pino } from 'pino';
import type { RedisClient as Redis } from '../server/src/state/redis';
import { loadEnv, salesforceMode } from '../server/src/env/env';
import { asAppError } from '../server/src/lib/errors';
import { createLogger } from '../server/src/lib/logger';
import {
  CSV_IMPORT_USAGE,
  CsvImportError,
  formatCsvImportReport,
  parseCsvImportArgs,
  runCsvImport,
  type CsvImportOptions,
} from '../server/src/pipeline/import/csv';
import { connectOrg, credentialsFromEnv } from '../server/src/salesforce/auth/connection-factory';
import { composeLoop } from '../server/src/runtime/compose';
import { loopSettingsFromEnv } from '../server/src/runtime/loop-settings';
import type { OrgClient } from '../server/src/salesforce/org-client';
import { CollectionsClient } from '../server/src/salesforce/writers/collections-client';
import { connectRedis } from '../server/src/state/redis';

const EXIT_OK = 0;
const EXIT_CANNOT_RUN = 1;
const EXIT_BAD_ARGUMENTS = 2;
/** The import ran to the end and some rows failed: the report names each line and why. */
const EXIT_ROWS_FAILED = 3;

const NO_ORG_MESSAGE = `The CSV import needs a Salesforce org, and no Salesforce settings are set.
Set the same variables as for npm start, e.g. SALESFORCE_LOGIN_URL + SALESFORCE_CLIENT_ID + SALESFORCE_CLIENT_SECRET.
To try it against the emulator: run "npm run emulator -- --seed demo" and use the loginUrl, clientId and clientSecret
it prints as SALESFORCE_LOGIN_URL, SALESFORCE_CLIENT_ID and SALESFORCE_CLIENT_SECRET (see docs/csv-import.md).`;

function fail(code: number, message: string): never {
  process.stderr.write(`import:csv: ${message}\n`);
  process.exit(code);
}

function progressPrinter(): (progress: { done: number; total: number }) => void {
  const tty = process.stderr.isTTY === true;
  let last = 0;
  return ({ done, total }) => {
    const line = `importing: ${done}/${total} rows`;
    if (tty) {
      process.stderr.write(`\r${line}${done >= total ? '\n' : ''}`);
      return;
    }
    const now = Date.now();
    if (done >= total || now - last >= 1000) {
      last = now;
      process.stderr.write(`${line}\n`);
    }
  };
}

async function main(): Promise<number> {
  let options: CsvImportOptions;
  try {
    const parsed = parseCsvImportArgs(process.argv.slice(2));
    if (parsed.help) {
      process.stdout.write(`${CSV_IMPORT_USAGE}\n`);
      return EXIT_OK;
    }
    options = parsed.options;
  } catch (error) {
    fail(EXIT_BAD_ARGUMENTS, `${(error as Error).message}\n\n${CSV_IMPORT_USAGE}`);
  }

  let env;
  try {
    env = loadEnv();
    if (salesforceMode(env) === 'sandbox') fail(EXIT_CANNOT_RUN, NO_ORG_MESSAGE);
  } catch (error) {
    fail(EXIT_CANNOT_RUN, (error as Error).message);
  }
  const logger = createLogger({ level: process.env.LOG_LEVEL ?? 'warn', name: 'import-csv' }, pino.destination(2));

  let org: OrgClient;
  try {
    const credentials = credentialsFromEnv(env);
    if (!credentials) fail(EXIT_CANNOT_RUN, NO_ORG_MESSAGE);
    org = await connectOrg(credentials);
  } catch (error) {
    fail(EXIT_CANNOT_RUN, `could not log in to Salesforce: ${(error as Error).message}`);
  }
  let redis: Redis;
  try {
    redis = await connectRedis(
      { url: env.REDIS_URL, clusterNodes: env.REDIS_CLUSTER_NODES },
      { name: 'audience-loop-import-csv' },
    );
  } catch (error) {
    fail(EXIT_CANNOT_RUN, `${(error as Error).message} (the write ledger lives in Redis)`);
  }

  // The same graph as the service (describe cache, writer, ledger), so the import writes as the loop does.
  const loop = composeLoop({ org, redis, logger }, { ...loopSettingsFromEnv(env), writerMaxWaitMs: 50 });
  try {
    const report = await runCsvImport(
      {
        org,
        collections: new CollectionsClient(org, { logger }),
        describes: loop.describes,
        writer: loop.writer,
        ledger: loop.ledger,
        logger,
        defaultRegion: env.DEFAULT_PHONE_REGION,
        onProgress: progressPrinter(),
      },
      options,
    );
    process.stdout.write(formatCsvImportReport(report));
    if (options.report) {
      await writeFile(options.report, `${JSON.stringify(report, null, 2)}\n`, 'utf8');
      process.stdout.write(`report written to ${options.report}\n`);
    }
    return report.totals.failed > 0 ? EXIT_ROWS_FAILED : EXIT_OK;
  } catch (error) {
    const appError = asAppError(error);
    const code =
      error instanceof CsvImportError && error.code === 'CSV_BAD_ARGUMENTS' ? EXIT_BAD_ARGUMENTS : EXIT_CANNOT_RUN;
    return fail(
      code,
      appError.code === 'INTERNAL' ? `the import could not run: ${appError.message}` : appError.message,
    );
  } finally {
    for (const queue of loop.queues.queues()) await queue.close();
    await redis.quit().catch(() => undefined);
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => fail(EXIT_CANNOT_RUN, `the import could not run: ${(error as Error)?.stack ?? String(error)}`),
);
