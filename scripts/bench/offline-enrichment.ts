import { Session, type HeapProfiler } from 'node:inspector/promises';
import type { AttributeKey } from '../../server/src/domain/attributes';
import {
  computeOfflineAttributes,
  OFFLINE_ATTRIBUTE_KEYS,
  type OfflineInput,
} from '../../server/src/pipeline/enrich/offline/offline-provider';
import { generateScaledOrg } from '../../test/emulators/salesforce/seed/scaled-org';
import { BENCH_FIELD_MAPS } from './bench-config';
import { numberArg, parseCliArgs } from './cli-args';

/**
 * The offline enrichment alone, over the bench's generated contacts (the same `--seed` org the initial-sync bench
 * imports), once each as a sync computes them: CPU ms and, with `--alloc`, MB allocated per 1,000 records.
 * Run it as a fresh process each time (the readings it remembers would make a second pass free):
 *
 *   node --import tsx scripts/bench/offline-enrichment.ts --records 20000 [--alloc] [--all-attributes]
 *
 * `--alloc` counts allocation with V8's sampling heap profiler (collected objects included), which costs CPU of
 * its own: take the CPU figure from a run without it.
 */
const args = parseCliArgs(process.argv.slice(2));
const records = numberArg(args, 'records', 20_000);
const wanted: readonly AttributeKey[] = args.has('all-attributes')
  ? OFFLINE_ATTRIBUTE_KEYS
  : BENCH_FIELD_MAPS.map((map) => map.Attribute__c as AttributeKey);

/** Contacts as the mirror holds them: their own fields and their account's website and country. */
function benchInputs(count: number): OfflineInput[] {
  const org = generateScaledOrg(count);
  return org.contacts.map((contact) => {
    const account = contact.accountRef === undefined ? undefined : org.accounts[contact.accountRef];
    const input: Record<string, unknown> = { ...contact };
    delete input.accountRef;
    input['Account.Website'] = account?.Website ?? null;
    input['Account.BillingCountry'] = account?.BillingCountry ?? null;
    return input as OfflineInput;
  });
}

const inputs = benchInputs(records);
const options = { defaultRegion: 'US', now: () => new Date('2026-12-07T12:00:00.000Z') };
const session = args.has('alloc') ? new Session() : undefined;
if (session) {
  session.connect();
  await session.post('HeapProfiler.startSampling', {
    samplingInterval: 4096,
    includeObjectsCollectedByMajorGC: true,
    includeObjectsCollectedByMinorGC: true,
  });
}

const started = process.cpuUsage();
let values = 0;
for (const input of inputs) values += computeOfflineAttributes(input, wanted, options).length;
const cpu = process.cpuUsage(started);

let allocatedMb: number | undefined;
if (session) {
  const { profile } = await session.post('HeapProfiler.stopSampling');
  allocatedMb = allocatedBytes(profile.head) / 1e6;
  session.disconnect();
}

const cpuMs = (cpu.user + cpu.system) / 1000;
console.log(
  JSON.stringify({
    records,
    attributes: wanted.length,
    values,
    cpuMsPer1000: round((cpuMs / records) * 1000),
    ...(allocatedMb === undefined ? {} : { allocatedMbPer1000: round((allocatedMb / records) * 1000) }),
  }),
);

/** Bytes of the sampled allocations under a node of the sampling heap profile (its estimate of all allocation). */
function allocatedBytes(node: HeapProfiler.SamplingHeapProfileNode): number {
  let bytes = node.selfSize;
  for (const child of node.children) bytes += allocatedBytes(child);
  return bytes;
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}
