import { followsStream, readyz, standsBy, untilReadyz, type RolesReadyz } from '../../test/e2e/support/role-processes';
import type { ServerProcess } from '../bench/server-process';
import { sleep, type ChaosWorld } from './chaos-world';
import type { Scenario } from './scenario';

/**
 * Split roles as docs/deploy.md runs them: one `api,worker,scheduler` process and three `ROLE=stream` processes (a
 * leader and two stand-bys) with the default lease. The rep's waves go out in small chunks; the current stream leader
 * is killed (kill -9) three times between chunks — twice in wave 1 (the second time the stand-by that took over), once
 * in wave 2 — and each killed process is replaced by a fresh stand-by, so two always wait. Edits made while no one
 * leads are followed by the next leader from the stored replay id.
 */
export const leaderKill: Scenario = {
  name: 'leader-kill: kill -9 of the stream leader ×3 during rep edits (two stand-bys)',
  async run(world: ChaosWorld, notes: string[]) {
    world.server = await world.startRole('api,worker,scheduler');
    const first = await world.startRole('stream');
    await untilReadyz(first, 'the first stream process leads', followsStream);
    const streams = [first, await world.startRole('stream'), await world.startRole('stream')];
    await Promise.all(streams.slice(1).map((s) => untilReadyz(s, 'a stand-by is up', standsBy)));
    // The leader prints "Following changes" once the import it started has been read into the intake.
    await first.initialSyncDone(10 * 60_000);
    await world.settle();
    let kills = 0;
    /** Per kill, how long until a stand-by led: watched from the kill on, beside the rep's edits. */
    const takeovers: Promise<string>[] = [];
    const killLeader = async (when: string) => {
      const leader = await currentLeader(streams);
      // Two stand-bys up before each kill: a replacement started at the last kill may still be starting (a minute or
      // more when the machine is loaded), and a kill then would leave the lease to it alone.
      await Promise.all(
        streams.filter((s) => s !== leader).map((s) => untilReadyz(s, 'a stand-by is up', standsBy, 600_000)),
      );
      await leader.kill9();
      const killedAt = Date.now();
      kills += 1;
      streams.splice(streams.indexOf(leader), 1);
      const kill = kills;
      // Watched on the live list: the fresh stand-by started below may take the lease before the older ones (it did
      // on a quiet machine, where it starts within the lease's TTL; a copy of the list then waited 5 minutes in vain).
      takeovers.push(
        currentLeader(streams).then(
          () => `  a stand-by led ${((Date.now() - killedAt) / 1000).toFixed(1)} s after kill ${kill}`,
        ),
      );
      // A fresh stand-by replaces the killed process, so two always wait.
      streams.push(await world.startRole('stream'));
      notes.push(`kill ${kills}: ${when}, after ${await world.integrationCalls()} calls`);
    };
    await world.repWave(1, {
      chunk: 5,
      before: async (chunk) => {
        if (chunk === 1) await killLeader('wave 1, after its first chunk');
        if (chunk === 3) await killLeader('wave 1, the leader that took over');
        await sleep(300);
      },
    });
    // The loop is settled only once a leader follows again: quiet calls alone may be the leaderless gap, with part of
    // wave 1 still unread (wave 2 would then be read with it, and a record's entry and exit seen as one change).
    await currentLeader(streams);
    await world.settle();
    await world.repWave(2, {
      chunk: 3,
      before: async (chunk) => {
        if (chunk === 1) await killLeader('wave 2, after its first chunk');
        await sleep(300);
      },
    });
    notes.push(...(await Promise.all(takeovers)));
    await currentLeader(streams);
    await sleep(1000);
  },
};

/** The stream process that leads now with a live subscription (waits for a takeover in progress, up to 5 minutes). */
async function currentLeader(streams: ServerProcess[], timeoutMs = 300_000): Promise<ServerProcess> {
  const started = Date.now();
  for (;;) {
    const seen: string[] = [];
    for (const stream of streams) {
      const answer = await readyz(stream).catch((error: unknown) => String(error));
      if (typeof answer !== 'string' && followsStream(answer)) return stream;
      seen.push(`pid ${stream.pid}: ${typeof answer === 'string' ? answer : describeReadyz(answer)}`);
    }
    if (Date.now() - started > timeoutMs) {
      // What each process answered last: a leader that is not live, no leader at all, or a process that is gone.
      throw new Error(`no stream process led within ${timeoutMs} ms (${seen.join('; ')})`);
    }
    await sleep(200);
  }
}

function describeReadyz(answer: { status: number; body: RolesReadyz }): string {
  const detail = answer.body.checks?.salesforce?.detail;
  const state = typeof detail === 'object' ? detail.state : detail;
  return `${answer.status} ${answer.body.status ?? ''}, leader ${String(answer.body.stream?.leader)}, stream ${String(state)}`;
}
