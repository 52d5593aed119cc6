/**
 * The warehouse figure's importing process, started by warehouse-figure.ts the way the server runs
 * (`node --max-old-space-size=256 --import tsx`, as `npm start` and the Dockerfile do), so its peak RSS is the
 * importer's under the server's own heap setting. It loads the source like the server, runs one import, counts the
 * integration user's calls around the import only, and prints one `RESULT <json>` line.
 */
import { Redis } from 'ioredis';
import { Connection } from 'jsforce';
import { z } from 'zod';
import { ConfigLoader } from '../../server/src/config/config-loader';
import { createLogger } from '../../server/src/lib/logger';
import { WriteLedger } from '../../server/src/pipeline/export';
import { runWarehouseImport } from '../../server/src/pipeline/import/warehouse/warehouse-importer';
import { WarehouseReaders } from '../../server/src/pipeline/import/warehouse/warehouse-readers';
import { WatermarkStore } from '../../server/src/pipeline/import/warehouse/watermark-store';
import { OrgClient } from '../../server/src/salesforce/org-client';
import { DescribeCache } from '../../server/src/salesforce/schema/describe-cache';
import { CoalescingWriter } from '../../server/src/salesforce/writers/coalescing-writer';
import { CollectionsClient } from '../../server/src/salesforce/writers/collections-client';
import { EmulatorControl } from './emulator-control';
import { processMemory } from './process-memory';

const argsSchema = z.object({
  instanceUrl: z.string(),
  accessToken: z.string(),
  integrationUserId: z.string(),
  redisUrl: z.string(),
  prefix: z.string(),
  postgresUrl: z.string(),
  latencyMs: z.number(),
});

async function main(): Promise<void> {
  const args = argsSchema.parse(JSON.parse(process.env.WAREHOUSE_BENCH_CHILD ?? '{}'));
  const conn = new Connection({ instanceUrl: args.instanceUrl, accessToken: args.accessToken, version: '62.0' });
  const org = new OrgClient(conn);
  const redis = new Redis(args.redisUrl, { maxRetriesPerRequest: 1 });
  const control = new EmulatorControl(args.instanceUrl);
  const logger = createLogger({ level: 'warn' });
  try {
    const readers = await WarehouseReaders.create({
      connections: { postgres: new Map([['BENCH', args.postgresUrl]]), snowflake: new Map() },
    });
    const describes = new DescribeCache(conn);
    const loaded = await new ConfigLoader(
      org,
      new CollectionsClient(org),
      describes,
      logger,
      undefined,
      readers,
    ).load();
    const source = loaded.warehouseSources?.[0];
    if (!source) throw new Error(`the bench source was not loaded: ${JSON.stringify(loaded.problems)}`);

    await control.latency(args.latencyMs);
    const before = await control.counters();
    const started = performance.now();
    const report = await runWarehouseImport(
      {
        org,
        collections: new CollectionsClient(org),
        describes,
        writer: new CoalescingWriter(org, { maxWaitMs: 50 }),
        ledger: new WriteLedger(redis, { prefix: args.prefix }),
        logger,
        defaultRegion: 'US',
        readers,
        watermarks: new WatermarkStore(redis, args.prefix, org, logger),
        // As the server composes it: past 2,000 rows, keys are matched against one Bulk query of (Id, Email).
        matchIndex: { redis, prefix: args.prefix },
      },
      source,
    );
    const seconds = (performance.now() - started) / 1000;
    const after = await control.counters();
    await control.latency(0);
    const apiCalls = (after.byUser[args.integrationUserId] ?? 0) - (before.byUser[args.integrationUserId] ?? 0);
    const byRoute: Record<string, number> = {};
    for (const [route, count] of Object.entries(after.byRoute)) {
      const delta = count - (before.byRoute[route] ?? 0);
      if (delta > 0) byRoute[route] = delta;
    }
    const peakRssMb = Math.round((processMemory(process.pid)?.peak ?? 0) / 2 ** 20);
    process.stdout.write(`RESULT ${JSON.stringify({ report, seconds, apiCalls, byRoute, peakRssMb })}\n`);
  } finally {
    redis.disconnect();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
