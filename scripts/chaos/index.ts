/**
 * `npm run chaos -- [--contacts 2000] [--only name, e.g. poison] [--redis-url redis://127.0.0.1:6379] [--quick] [--echo]`
 * Runs a clean reference sync, then each failure scenario on a fresh emulated org, and compares every scenario's
 * final org state (mapped contact fields, audience membership episodes) with the reference's.
 */
import { writeFileSync } from 'node:fs';
import { numberArg, parseCliArgs } from '../bench/cli-args';
import { ChaosWorld } from './chaos-world';
import { cleanRun } from './clean-run';
import { emulatorFaults } from './emulator-faults';
import { killNine } from './kill-nine';
import { leaderKill } from './leader-kill';
import { longDowntime } from './long-downtime';
import type { EffectTally } from './effect-tally';
import { compareStates, type OrgState } from './org-state';
import { LocalCluster } from '../../test/cluster/support/local-cluster';
import { clusterFailover } from './cluster-failover';
import { OwnRedis } from './own-redis';
import { poison } from './poison';
import type { Scenario, ScenarioOutcome } from './scenario';
import { redisRestart } from './redis-restart';

const args = parseCliArgs(process.argv.slice(2));
const contacts = numberArg(args, 'contacts', args.has('quick') ? 500 : 2000);
const sharedRedis = String(args.get('redis-url') ?? process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
const only = args.get('only');
const echo = args.has('echo');
const cwd = process.cwd();
const log = (line: string) => process.stderr.write(`[chaos] ${line}\n`);

interface ScenarioResult {
  state: OrgState;
  effects: EffectTally;
  world: ChaosWorld;
  notes: string[];
}

async function runScenario(scenario: Scenario): Promise<ScenarioResult> {
  const own = scenario.ownRedis ? await OwnRedis.start() : undefined;
  const cluster = scenario.ownCluster ? await LocalCluster.start() : undefined;
  let world: ChaosWorld;
  try {
    world = await ChaosWorld.create({
      contacts,
      redisUrl: own?.url ?? sharedRedis,
      cwd,
      echo,
      clusterNodes: cluster?.seeds,
    });
  } catch (error) {
    await cluster?.stop();
    await own?.destroy();
    throw error;
  }
  const notes: string[] = [];
  try {
    await scenario.run(
      world,
      notes,
      async (downMs) => {
        if (!own) throw new Error('this scenario has no Redis of its own to restart');
        await own.restart(downMs);
      },
      cluster,
    );
    await world.settle();
    const effects = await world.actionEffects();
    const state = await world.state();
    // Traced runs keep the final org state beside the trace, to tell which traced records ended wrong.
    if (world.traceFile) {
      const dump = { contacts: Object.fromEntries(state.contacts), episodes: Object.fromEntries(state.episodes) };
      writeFileSync(
        world.traceFile.replace(/\.jsonl$/, '.state.json'),
        JSON.stringify({ scenario: scenario.name, ...dump }),
      );
      // The Outreach fake's own data: which prospect (by email) holds which sequence state, to check the tally.
      const outreach = {
        prospects: world.actions.outreach.prospects(),
        states: world.actions.outreach.sequenceStates(),
      };
      writeFileSync(world.traceFile.replace(/\.jsonl$/, '.outreach.json'), JSON.stringify(outreach));
    }
    return { state, effects, world, notes };
  } finally {
    await world.destroy();
    await own?.destroy();
    await cluster?.stop();
  }
}

async function main(): Promise<number> {
  const started = performance.now();
  log(`reference: ${cleanRun.name}, ${contacts} contacts`);
  const reference = await runScenario(cleanRun);
  log(`  ${reference.state.enriched} records written, ${reference.world.changesMade} changes made`);
  const scenarios = [killNine, redisRestart, emulatorFaults, longDowntime, poison, clusterFailover, leaderKill].filter(
    (s) => typeof only !== 'string' || s.name.includes(only),
  );
  // The reference is judged on its effects too: it is the one run whose counts must hold with nothing going wrong.
  const outcomes: ScenarioOutcome[] = [
    {
      name: cleanRun.name,
      changesMade: reference.world.changesMade,
      recordsWritten: reference.state.enriched,
      duplicates: 0,
      lost: 0,
      fieldsDiffer: 0,
      duplicatedEffects: reference.effects.duplicated,
      missingEffects: reference.effects.missing,
      pass: reference.effects.duplicated === 0 && reference.effects.missing === 0,
      notes: [`actions: ${effectLine(reference.effects)}`, ...reference.effects.examples],
    },
  ];
  printOutcome(outcomes[0]!);
  for (const scenario of scenarios) {
    log(`scenario: ${scenario.name}`);
    let outcome: ScenarioOutcome;
    try {
      const { state, effects, world, notes } = await runScenario(scenario);
      const diff = compareStates(reference.state, state);
      outcome = {
        name: scenario.name,
        changesMade: world.changesMade,
        recordsWritten: state.enriched,
        duplicates: diff.duplicates,
        lost: diff.lost,
        fieldsDiffer: diff.fieldsDiffer,
        duplicatedEffects: effects.duplicated,
        missingEffects: effects.missing,
        pass:
          diff.duplicates === 0 &&
          diff.lost === 0 &&
          diff.fieldsDiffer === 0 &&
          state.enriched === reference.state.enriched &&
          effects.duplicated === 0 &&
          effects.missing === 0,
        notes: [
          ...notes,
          `${world.serverStarts} server start(s)`,
          `actions: ${effectLine(effects)}`,
          ...diff.examples,
          ...effects.examples,
        ],
      };
    } catch (error) {
      outcome = {
        name: scenario.name,
        changesMade: 0,
        recordsWritten: 0,
        duplicates: 0,
        lost: 0,
        fieldsDiffer: 0,
        duplicatedEffects: 0,
        missingEffects: 0,
        pass: false,
        notes: [`did not finish: ${(error as Error).message.split('\n')[0]}`],
      };
    }
    outcomes.push(outcome);
    printOutcome(outcome);
  }
  const passed = outcomes.filter((o) => o.pass).length;
  process.stdout.write(
    `\nchaos: ${passed}/${outcomes.length} scenarios passed (reference: ${reference.state.enriched} records written, ` +
      `${reference.world.changesMade} changes) in ${((performance.now() - started) / 1000).toFixed(0)} s\n`,
  );
  return passed === outcomes.length ? 0 : 1;
}

function printOutcome(o: ScenarioOutcome): void {
  process.stdout.write(
    [
      `\n${o.name}`,
      `  changes made ${o.changesMade}, records written ${o.recordsWritten}, duplicates ${o.duplicates}, lost ${o.lost}, ` +
        `records differing from the clean run ${o.fieldsDiffer}, duplicated effects ${o.duplicatedEffects}, ` +
        `missing effects ${o.missingEffects}`,
      ...o.notes.map((n) => `  - ${n}`),
      `  ${o.pass ? 'PASS' : 'FAIL'}`,
      '',
    ].join('\n'),
  );
}

/** Per action: applies and removes the episodes ask for, skipped (and how many its record's history does not allow), duplicated, missing. */
function effectLine(t: EffectTally): string {
  const parts = t.actions.map(
    (a) =>
      `${a.action} ${a.expectedApplies}+${a.expectedRemoves} (skipped ${a.skipped}, of which not allowed ` +
      `${a.wrongSkips}; dup ${a.duplicated}, missing ${a.missing})`,
  );
  return `${parts.join('; ')}; prospects shared by records ${t.sharedProspects}`;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`chaos failed: ${(error as Error).stack ?? String(error)}\n`);
    process.exit(1);
  },
);
