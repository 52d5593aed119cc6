import { ChangeListener } from '../bench/change-listener';
import { matchLatencies } from '../bench/change-stream';
import { percentile } from '../bench/percentile';
import { sleep, type ChaosWorld } from './chaos-world';
import type { Scenario } from './scenario';

/** Past the reconciler's 5-minute overlap (`reconciler.ts` OVERLAP_MS) on the org clock, before the poisoned wave. */
const OVERLAP_PASSED_MS = 6 * 60_000;

/** Rep edits go out 10 per call, this far apart, in the fault-free wave and in the poisoned one alike. */
const CHUNK = 10;
const PACE_MS = 300;

/**
 * A Lead source whose filter names a field Lead does not have (Lead has no Account relationship): every Lead re-read
 * fails with INVALID_FIELD. Where config validation refuses it (Status__c = Error), Lead changes are simply not
 * followed; either way the Contact changes must flow.
 */
const BAD_LEAD_SOURCE = {
  Name: 'Chaos: Leads of named accounts',
  Type__c: 'Salesforce',
  Object__c: 'Lead',
  Active__c: true,
  Inclusion_Filter__c: JSON.stringify({ field: 'Account.Name', op: 'is_not_blank' }),
};

/** The injected events that are dead letters whatever the configuration: entries that are not record ids. */
const POISON_BY_DESIGN = 2;

/**
 * Wave 1 fault-free (the latency reference, measured in the same run), then wave 2 with five malformed or poison
 * change events and a bad Lead source between its calls: two events with entries that are not ids (one SOQL-shaped,
 * next to a valid id), a `003*` key-prefix wildcard, a malformed event and a Lead gap event, plus Lead edits.
 * Every rep edit must be written back, the poison visible in /readyz and /metrics, and p95 change → write-back
 * within twice the fault-free figure.
 */
export const poison: Scenario = {
  name: 'poison events (5 malformed/poison change events, a bad Lead source filter)',
  async run(world: ChaosWorld, notes: string[]) {
    const repId = world.emulator.user('rep').id;
    const integrationId = world.emulator.user('integration').id;
    const listener = new ChangeListener(world.emulator.info.instanceUrl, world.emulator.user('admin').accessToken);
    await listener.ready();
    try {
      await world.startServer();
      await world.server?.initialSyncDone(10 * 60_000);
      await world.settle();

      let from = listener.seen.length;
      await world.repWave(1, {
        chunk: CHUNK,
        before: async (n) => {
          if (n > 0) await sleep(PACE_MS);
        },
      });
      await world.settle();
      const clean = matchLatencies(listener.seen.slice(from), repId, integrationId);

      // The `003*` wildcard reconciles Contact from the last change seen less the 5-minute overlap: in a world
      // whose sync ended a minute ago that is every contact (2,000 re-read on the stream's chain, then 2,000
      // re-evaluated: 1 s + at the default size, 4 × the --quick cost), the cost of the org's age, not of poison.
      // Moved past the overlap on the org clock, the wildcard re-reads what changed since, as in an org synced
      // earlier; the latency rule then measures what poison costs the stream.
      await world.emulator.control.advanceClock(OVERLAP_PASSED_MS);
      await world.settle();
      const faults = await poisonSteps(world);
      from = listener.seen.length;
      await world.repWave(2, {
        chunk: CHUNK,
        before: async (n) => {
          if (n > 0) await sleep(PACE_MS);
          await faults.shift()?.();
        },
      });
      // A short wave (--quick) has fewer calls than steps: the rest go out after it.
      for (const step of faults.splice(0)) await step();
      await world.settle();
      const poisoned = matchLatencies(listener.seen.slice(from), repId, integrationId);
      await judge(world, notes, clean, poisoned);
    } finally {
      listener.stop();
    }
  },
};

/** What goes out before each call of wave 2. */
async function poisonSteps(world: ChaosWorld): Promise<(() => Promise<void>)[]> {
  const control = world.emulator.control;
  const [quietContact] = (await world.admin.query<{ Id: string }>('SELECT Id FROM Contact ORDER BY Id LIMIT 1'))
    .records;
  const leads = (await world.admin.query<{ Id: string }>('SELECT Id FROM Lead ORDER BY Id LIMIT 5')).records;
  const inject = (event: Parameters<typeof control.streamingFaults>[0]['inject']) =>
    control.streamingFaults({ inject: event }).then(() => undefined);
  return [
    async () => {
      const [created] = await world.admin.sobject('Audience_Source__c').create([BAD_LEAD_SOURCE]);
      if (!created?.success) throw new Error(`could not create the bad Lead source: ${JSON.stringify(created)}`);
    },
    async () => {
      await inject({
        changeType: 'GAP_UPDATE',
        entityName: 'Contact',
        recordIds: [quietContact!.Id, "' OR Id != null"],
      });
      await inject({
        changeType: 'UPDATE',
        entityName: 'Contact',
        recordIds: ['not-a-record-id'],
        changedFields: ['Title'],
      });
    },
    async () => {
      await inject({ changeType: 'UPDATE', entityName: 'Contact', recordIds: ['003*'], changedFields: ['Phone'] });
      await inject({ raw: { ChangeEventHeader: { entityName: 'Contact', changeType: 'UPDATE' } } });
    },
    async () => {
      await inject({ changeType: 'GAP_UPDATE', entityName: 'Lead', recordIds: [leads[0]!.Id] });
      const edits = leads.map((lead, i) => ({ Id: lead.Id, Title: `Chaos lead ${i}` }));
      await world.rep.sobject('Lead').update(edits, { allOrNone: false });
    },
  ];
}

type Tally = ReturnType<typeof matchLatencies>;

async function judge(world: ChaosWorld, notes: string[], clean: Tally, poisoned: Tally): Promise<void> {
  const server = world.server;
  if (!server) throw new Error('no server');
  const cleanP95 = percentile(clean.latencies, 95);
  const poisonedP95 = percentile(poisoned.latencies, 95);
  notes.push(
    `change → write-back p50/p95: fault-free ${percentile(clean.latencies, 50)} / ${cleanP95} ms ` +
      `(${clean.latencies.length} edits), with poison ${percentile(poisoned.latencies, 50)} / ${poisonedP95} ms ` +
      `(${poisoned.latencies.length} edits)`,
  );
  const ready = await server.readyz();
  const check = (ready.body as { checks?: { change_stream?: { deadLetters?: number } } } | undefined)?.checks;
  const deadLetters = check?.change_stream?.deadLetters ?? 0;
  const metrics = await (await fetch(`http://127.0.0.1:${server.port}/metrics`)).text();
  const metric = (name: string) => Number(new RegExp(`^${name} (\\d+)`, 'm').exec(metrics)?.[1] ?? NaN);
  notes.push(
    `/readyz ${ready.status} ${(ready.body as { status?: string }).status}, deadLetters ${deadLetters}; /metrics: ` +
      `dead letters ${metric('audience_loop_dead_letters')}, dead-lettered ${metric('audience_loop_dead_lettered_events_total')}, ` +
      `malformed ${metric('audience_loop_malformed_change_events_total')}`,
  );
  const failures: string[] = [];
  notes.push(
    // An edit that changes nothing mapped gets no write-back (the same ones in every run); the org-state
    // comparison with the clean run judges whether every edit was processed.
    `edits without a write-back: fault-free ${clean.unmatched}, with poison ${poisoned.unmatched} ` +
      `[${[...clean.unmatchedIds, ...poisoned.unmatchedIds].join(' ')}]; ` +
      `latencies with poison (ms): ${[...poisoned.latencies].sort((a, b) => a - b).join(' ')}`,
  );
  if (ready.status !== 200 || (ready.body as { status?: string }).status !== 'degraded')
    failures.push('/readyz not degraded (200)');
  if (deadLetters < POISON_BY_DESIGN)
    failures.push(`/readyz shows ${deadLetters} dead letters, expected ≥ ${POISON_BY_DESIGN}`);
  if (!(metric('audience_loop_dead_letters') >= POISON_BY_DESIGN))
    failures.push('the dead-letter gauge is missing or low');
  if (!(metric('audience_loop_malformed_change_events_total') >= 1))
    failures.push('the malformed event is not counted');
  if (poisonedP95 > 2 * cleanP95) failures.push(`p95 ${poisonedP95} ms is above twice the fault-free ${cleanP95} ms`);
  if (failures.length > 0) throw new Error(`${failures.join('; ')} (${notes.join(' | ')})`);
}
