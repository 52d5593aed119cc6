/**
 * `npm run enrich -- --plan <Id|Name> [--estimate-only]`
 * Runs an enrichment plan over its audience now (or resumes its paused run): prints the pre-run credit estimate
 * first, then a progress bar; the run is an Audience_Run__c like any other (docs/enrichment.md). Exit codes: 0 the
 * run finished, 3 it paused on a credit limit (resume by running again after raising the limit), 4 it finished with
 * no record enriched (Failed: the run record says why), 1 it could not run, 2 bad arguments.
 */
import { pino } from 'pino';
import { loadEnv, salesforceMode } from '../server/src/env/env';
import { asAppError } from '../server/src/lib/errors';
import { createLogger } from '../server/src/lib/logger';
import { createProgressReporter } from '../server/src/lib/progress-reporter';
import { ENRICH_USAGE, parseEnrichArgs, type EnrichArgs } from '../server/src/pipeline/enrich/runs/enrich-args';
import { formatEstimate } from '../server/src/pipeline/enrich/plans/estimate-text';
import { composeLoop } from '../server/src/runtime/compose';
import { loopSettingsFromEnv } from '../server/src/runtime/loop-settings';
import { connectOrg, credentialsFromEnv } from '../server/src/salesforce/auth/connection-factory';
import { connectRedis } from '../server/src/state/redis';

const EXIT_OK = 0;
const EXIT_CANNOT_RUN = 1;
const EXIT_BAD_ARGUMENTS = 2;
const EXIT_PAUSED = 3;
/** The run finished and no record succeeded (e.g. every provider refused the key): see Error_Summary__c. */
const EXIT_RUN_FAILED = 4;

function fail(code: number, message: string): never {
  process.stderr.write(`enrich: ${message}\n`);
  process.exit(code);
}

async function main(): Promise<number> {
  let args: EnrichArgs;
  try {
    args = parseEnrichArgs(process.argv.slice(2));
  } catch (error) {
    fail(EXIT_BAD_ARGUMENTS, `${(error as Error).message}\n\n${ENRICH_USAGE}`);
  }
  if (args.help) {
    process.stdout.write(`${ENRICH_USAGE}\n`);
    return EXIT_OK;
  }
  let env;
  try {
    env = loadEnv();
    if (salesforceMode(env) === 'sandbox') fail(EXIT_CANNOT_RUN, 'enrichment runs need a Salesforce org (see .env)');
  } catch (error) {
    fail(EXIT_CANNOT_RUN, (error as Error).message);
  }
  const logger = createLogger({ level: process.env.LOG_LEVEL ?? 'warn', name: 'enrich' }, pino.destination(2));
  const credentials = credentialsFromEnv(env);
  if (!credentials) fail(EXIT_CANNOT_RUN, 'no Salesforce credentials are set');
  const org = await connectOrg(credentials).catch((error: unknown) =>
    fail(EXIT_CANNOT_RUN, `could not log in to Salesforce: ${(error as Error).message}`),
  );
  const redis = await connectRedis(
    { url: env.REDIS_URL, clusterNodes: env.REDIS_CLUSTER_NODES },
    { name: 'audience-loop-enrich' },
  ).catch((error: unknown) => fail(EXIT_CANNOT_RUN, (error as Error).message));
  // The same graph as the service: entries this run causes reach the `membership` queue like the loop's own.
  const loop = composeLoop({ org, redis, logger }, { ...loopSettingsFromEnv(env), writerMaxWaitMs: 50 });
  const runner = loop.enrichment;
  try {
    loop.integrationUserId = (await org.identity()).userId;
    await loop.apiUsage.start();
    await loop.config.load();
    await runner.start({ workers: false });
    const plan = runner.findPlan(args.plan);
    if (!plan) fail(EXIT_CANNOT_RUN, `no active, valid enrichment plan "${args.plan}" (see its Status_Message__c)`);
    if (args.estimateOnly) {
      process.stdout.write(formatEstimate(plan.name, await runner.estimate(plan)));
      return EXIT_OK;
    }
    const bar = createProgressReporter().start(`enrich ${plan.name}`);
    const outcome = await runner
      .runPlan(plan.id, {
        onEstimate: (estimate) => process.stdout.write(formatEstimate(plan.name, estimate)),
        onProgress: (done, total) => {
          bar.setTotal(total);
          bar.update(done);
        },
      })
      .finally(() => bar.stop());
    await loop.writer.flush();
    process.stdout.write(`${outcome.status}: ${outcome.message}\n`);
    if (outcome.status === 'Paused') return EXIT_PAUSED;
    if (outcome.status === 'Failed') return EXIT_RUN_FAILED;
    return outcome.status === 'Skipped' ? EXIT_CANNOT_RUN : EXIT_OK;
  } catch (error) {
    return fail(EXIT_CANNOT_RUN, `the run could not finish: ${asAppError(error).message}`);
  } finally {
    await runner.stop();
    await loop.memberCounts.stop();
    for (const queue of loop.queues.queues()) await queue.close();
    await redis.quit().catch(() => undefined);
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => fail(EXIT_CANNOT_RUN, `the run could not finish: ${(error as Error)?.stack ?? String(error)}`),
);
