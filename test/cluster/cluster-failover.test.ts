/**
 * The loop on a Redis Cluster (3 masters + 3 replicas of the test's own): the initial import is enriched and written
 * back, then a rep edits every record twice while the master that serves the prefix's slot is killed (kill -9) in
 * the middle of the first round. A replica takes over; the loop carries on without a restart. Afterwards every edit
 * is written back, the failover was noticed and reconciled after (a write acknowledged just before the kill may not
 * have reached the replica), no audience episode exists twice, and every key the loop wrote lives in the prefix's slot.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRedis, type RedisClient } from '../../server/src/state/redis';
import { GOLDEN_TITLES } from '../e2e/support/golden';
import { LoopHarness, REDIS_URL, waitFor } from '../e2e/support/loop-harness';
import { LocalCluster } from './support/local-cluster';

const COUNT = 300;
const SENIOR = ['C-Level', 'VP', 'Director'];
const title = (i: number) => GOLDEN_TITLES[i % GOLDEN_TITLES.length]!;
/** The title of record i after `round` rounds of edits (round 0: as created). */
const titleAt = (i: number, round: number) => title(i + 7 * round);

type ContactRow = { Id: string; Title: string | null; Seniority__c: string | null };
type EpisodeRow = {
  Id: string;
  Key__c: string;
  Record_Id__c: string;
  Is_Active__c: boolean;
  Exited_At__c: string | null;
};

describe('Redis Cluster: the loop survives the failover of its master', { timeout: 600_000 }, () => {
  let cluster: LocalCluster;
  let h: LoopHarness;
  let ids: string[];
  let audienceId: string;
  let killedPort = 0;
  let promotedPort = 0;

  const seniority = async () => h.byId<ContactRow>('Contact', ['Title', 'Seniority__c'], ids);
  const allWritten = async (round: number) => {
    const rows = await seniority();
    const behind = ids.filter((id, i) => rows.get(id)?.Seniority__c !== titleAt(i, round).seniority);
    return behind.length === 0 ? true : (false as const);
  };

  beforeAll(async () => {
    cluster = await LocalCluster.start();
    h = await LoopHarness.create({
      redis: (): RedisClient => createRedis({ url: REDIS_URL, clusterNodes: cluster.seeds }, { name: 'cluster-e2e' }),
      sources: [{ Object__c: 'Contact', Inclusion_Filter__c: null }],
      fieldMaps: [
        { Object__c: 'Contact', Field__c: 'Seniority__c', Attribute__c: 'person.seniority', Write_Rule__c: 'Always' },
        { Object__c: 'Contact', Field__c: 'Title', Attribute__c: null, Write_Rule__c: 'Never' },
      ],
      audiences: [
        {
          Name: 'Senior',
          Object__c: 'Contact',
          Filter__c: JSON.stringify({ field: 'Seniority__c', op: 'in', value: SENIOR }),
        },
      ],
      streaming: { retentionMs: 30 * 60_000 },
      records: {
        Contact: Array.from({ length: COUNT }, (_, i) => ({ LastName: `Person ${i}`, Title: title(i).title })),
      },
      start: false,
    });
    ids = h.records.Contact!;
    audienceId = h.ids.audiences[0]!;
    await h.startRuntime({ failoverPollMs: 500 });
  }, 300_000);

  afterAll(async () => {
    try {
      // Bounded, so the cluster is always stopped within the hook's time (the workers' own deadline is 30 s).
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        h?.stop(),
        new Promise((_, reject) => {
          timer = setTimeout(() => reject(new Error('the harness did not stop within 120 s')), 120_000);
        }),
      ]).finally(() => clearTimeout(timer));
    } finally {
      await cluster?.stop();
    }
  }, 180_000);

  it('imports, enriches and writes back every record through the cluster', async () => {
    await waitFor(() => allWritten(0), 120_000, 'the initial write-back');
    expect(h.loop.failoverWatch.failovers).toBe(0);
  });

  it('loses no edit and duplicates no episode when the master of the slot dies mid-run', async () => {
    await h.settle();
    killedPort = await cluster.masterPortOf(h.prefix);
    const loop = h.loop;
    const rep = h.repConn();
    const sentBefore = loop.writer.stats.recordsSent;

    // Round 1: the rep edits every title; the master dies once the loop is busy writing these edits back.
    await h.updateRecords(
      'Contact',
      ids.map((id, i) => ({ Id: id, Title: titleAt(i, 1).title })),
      rep,
    );
    await waitFor(() => loop.writer.stats.recordsSent > sentBefore, 120_000, 'the first write-backs of round 1');
    await cluster.kill(killedPort);

    // Round 2, while the cluster fails over: Salesforce keeps taking edits whatever Redis does.
    await h.updateRecords(
      'Contact',
      ids.map((id, i) => ({ Id: id, Title: titleAt(i, 2).title })),
      rep,
    );
    promotedPort = await cluster.waitFailover(killedPort, h.prefix);
    expect(promotedPort).not.toBe(killedPort);

    // Every edit of the last round is written back (nothing acknowledged and then lost stays lost).
    await waitFor(() => allWritten(2), 240_000, 'every edit of round 2 to be written back');
    // The loop noticed the new master and reconciled after it.
    await waitFor(() => loop.failoverWatch.failovers >= 1, 120_000, 'the failover to be noticed');
    await h.settle();

    const expectedMembers = new Set(ids.filter((_, i) => SENIOR.includes(titleAt(i, 2).seniority)));
    const members = await waitFor(
      async () => {
        const m = await h.activeMembers(audienceId);
        return [...expectedMembers].every((id) => m.has(id)) && m.size === expectedMembers.size ? m : undefined;
      },
      120_000,
      'the audience to hold exactly the senior records',
    );
    expect(members).toEqual(expectedMembers);

    // No episode twice: per record, at most one active episode, distinct keys, and no more episodes than the record
    // could have entered (it was senior at most once per state it passed through: created, round 1, round 2).
    const episodes = await h.query<EpisodeRow>(
      `SELECT Id, Key__c, Record_Id__c, Is_Active__c, Exited_At__c FROM Audience_Member__c WHERE Audience__c = '${audienceId}'`,
    );
    expect(new Set(episodes.map((e) => e.Key__c)).size).toBe(episodes.length);
    const byRecord = new Map<string, EpisodeRow[]>();
    for (const e of episodes) byRecord.set(e.Record_Id__c, [...(byRecord.get(e.Record_Id__c) ?? []), e]);
    const problems: string[] = [];
    ids.forEach((id, i) => {
      const own = byRecord.get(id) ?? [];
      const senior = [0, 1, 2].map((round) => SENIOR.includes(titleAt(i, round).seniority));
      const maxEntries = senior.filter((s, k) => s && (k === 0 || !senior[k - 1])).length;
      const active = own.filter((e) => e.Is_Active__c);
      if (active.length > 1) problems.push(`${id}: ${active.length} active episodes`);
      if (own.length > maxEntries) problems.push(`${id}: ${own.length} episodes, at most ${maxEntries} entries`);
      if (own.some((e) => !e.Is_Active__c && !e.Exited_At__c)) problems.push(`${id}: an inactive episode never exited`);
    });
    expect(problems).toEqual([]);
  });

  it('recovers the state a master acknowledged but never replicated (a replica that lagged behind)', async () => {
    // The killed node comes back as the replica of the promoted master: the slot is redundant again.
    await cluster.restart(killedPort);
    await h.settle();
    const master = await cluster.masterPortOf(h.prefix);
    const replica = await cluster.replicaOf(master);
    const loop = h.loop;
    const failoversBefore = loop.failoverWatch.failovers;
    const replayKey = `${h.prefix}:replay:/data/Audience_Loop__chn`;
    const touched = ids.slice(0, 60);

    // The replica is cut off (stopped, its link dropped): what the master acknowledges now exists on the master only,
    // as with a replica that lags behind when its master dies.
    await cluster.detachReplica(master, replica);
    let resumed = false;
    try {
      await h.updateRecords(
        'Contact',
        touched.map((id) => ({ Id: id, Title: titleAt(ids.indexOf(id), 3).title })),
        h.repConn(),
      );
      await waitFor(
        async () => {
          const rows = await h.byId<ContactRow>('Contact', ['Seniority__c'], touched);
          return touched.every((id) => rows.get(id)?.Seniority__c === titleAt(ids.indexOf(id), 3).seniority);
        },
        120_000,
        'round 3 written back while the replica is stopped',
      );
      await h.settle();
      const acknowledged = await cluster.readOn(master, replayKey);
      await cluster.kill(master);
      cluster.resume(replica);
      resumed = true;
      // Proof of the loss: the replica that is about to take over does not have the replay id the master stored.
      const onReplica = await cluster.readOn(replica, replayKey);
      expect(Number(onReplica)).toBeLessThan(Number(acknowledged));
    } finally {
      if (!resumed) cluster.resume(replica);
    }

    expect(await cluster.waitFailover(master, h.prefix)).toBe(replica);
    // The mirror (the loop's picture of each record, which audiences are evaluated on) has every round-3 title again.
    await waitFor(
      async () => {
        const mirrored = await loop.mirror.getMany('Contact', touched);
        const stale = touched.filter((id) => mirrored.get(id)?.fields.Title !== titleAt(ids.indexOf(id), 3).title);
        return stale.length === 0 ? true : (false as const);
      },
      120_000,
      'the mirror to hold every round-3 title after the failover',
    );
    await waitFor(() => loop.failoverWatch.failovers > failoversBefore, 30_000, 'the second failover to be noticed');
    await h.settle();
    const rows = await h.byId<ContactRow>('Contact', ['Seniority__c'], touched);
    for (const id of touched) expect(rows.get(id)?.Seniority__c).toBe(titleAt(ids.indexOf(id), 3).seniority);
    // No episode twice after the rollback either: every key once, at most one active per record.
    const episodes = await h.query<EpisodeRow>(
      `SELECT Id, Key__c, Record_Id__c, Is_Active__c, Exited_At__c FROM Audience_Member__c WHERE Audience__c = '${audienceId}'`,
    );
    expect(new Set(episodes.map((e) => e.Key__c)).size).toBe(episodes.length);
    const activeByRecord = new Map<string, number>();
    for (const e of episodes)
      if (e.Is_Active__c) activeByRecord.set(e.Record_Id__c, (activeByRecord.get(e.Record_Id__c) ?? 0) + 1);
    expect([...activeByRecord.values()].filter((n) => n > 1)).toEqual([]);
    const expectedMembers = new Set(
      ids.filter((id, i) => SENIOR.includes((touched.includes(id) ? titleAt(i, 3) : titleAt(i, 2)).seniority)),
    );
    await waitFor(
      async () => {
        const m = await h.activeMembers(audienceId);
        return m.size === expectedMembers.size && [...expectedMembers].every((id) => m.has(id));
      },
      120_000,
      'the audience to follow round 3',
    );
  });

  it('keeps every key the loop wrote in the slot of its hash-tagged prefix', async () => {
    await cluster.waitHealthy(120_000, false);
    const redis = h.redis;
    const slot = Number(await redis.cluster('KEYSLOT', h.prefix));
    const outside: string[] = [];
    let seen = 0;
    // The cluster is this test's own: every key on any master must be the loop's, under its prefix, in its slot.
    for (const port of cluster.livePorts()) {
      const role = await cluster.cli(port, 'role');
      if (!role.startsWith('master')) continue;
      const keys = (await cluster.cli(port, '--scan')).split('\n').filter((k) => k !== '');
      for (const key of keys) {
        seen += 1;
        if (!key.startsWith(h.prefix) || Number(await redis.cluster('KEYSLOT', key)) !== slot) outside.push(key);
      }
    }
    expect(seen).toBeGreaterThan(10);
    expect(outside).toEqual([]);
  });
});
