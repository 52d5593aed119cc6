import path from 'node:path';
import type { Connection } from 'jsforce';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectionAs, createBenchConfig } from '../../scripts/bench/bench-config';
import { startEmulatorProcess, type EmulatorProcess } from '../../scripts/bench/emulator-process';
import { RedisPrefix } from '../../scripts/bench/redis-prefix';
import type { ServerProcess } from '../../scripts/bench/server-process';
import { KeySpace } from '../../server/src/state/key-space';
import { TEST_REDIS_URL, uniquePrefix } from '../../server/test/support/redis-test';
import { followsStream, readyz, standsBy, startRole, untilReadyz } from './support/role-processes';

const repoRoot = path.resolve(import.meta.dirname, '../..');
const CHANNEL = '/data/Audience_Loop__chn';
/** Short, so a kill -9 is noticed within seconds; renewals every 1 s, stand-bys ask every 750 ms. */
const LEASE_TTL_MS = 3_000;

let emulator: EmulatorProcess;
let rep: Connection;
let contactIds: string[];
const prefix = uniquePrefix('stream-lease');
const keys = new KeySpace(prefix);
const redis = new RedisPrefix(TEST_REDIS_URL, prefix);
const servers: ServerProcess[] = [];

beforeAll(async () => {
  emulator = await startEmulatorProcess({ contacts: 20, cwd: repoRoot });
  await createBenchConfig(connectionAs(emulator.info, emulator.user('admin')));
  rep = connectionAs(emulator.info, emulator.user('rep'));
  const contacts = await rep.query<{ Id: string }>('SELECT Id FROM Contact ORDER BY Id LIMIT 5');
  contactIds = contacts.records.map((c) => c.Id);
}, 180_000);

afterAll(async () => {
  for (const server of servers) {
    if (server.running) server.child.kill('SIGCONT');
    await server.stop();
  }
  await emulator?.stop();
  await redis.clear();
  await redis.close();
});

const role = async (name: string) => {
  const server = await startRole({
    cwd: repoRoot,
    emulator: emulator.info,
    redisUrl: TEST_REDIS_URL,
    prefix,
    role: name,
    leaseTtlMs: LEASE_TTL_MS,
  });
  servers.push(server);
  return server;
};

/** A rep moves the contact's Email to a disposable domain; the loop answers by writing Email_Status__c back. */
async function editToDisposable(contactId: string, tag: string): Promise<void> {
  await rep.sobject('Contact').update({ Id: contactId, Email: `lease.${tag}@mailinator.com` });
}

async function untilWrittenBack(contactId: string, what: string, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const row = await rep.sobject('Contact').retrieve(contactId);
    if ((row as { Email_Status__c?: string }).Email_Status__c === 'disposable') return;
    if (Date.now() > deadline) throw new Error(`${what}: no write-back within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

const storedReplayId = async () => Number(await redis.redis.get(keys.replayId(CHANNEL)));
const storedCommitFence = async () => Number(await redis.redis.get(`${keys.replayId(CHANNEL)}:fence`));

describe('two stream processes behind the lease (ROLE=stream and ROLE=all)', () => {
  it('when the leader is killed, then the stand-by follows on; a paused leader resumed after a takeover commits nothing', async () => {
    // A: the stream only; it starts first and takes the lease. B: every role, so it stands by for the stream and
    // is the worker that writes back what A follows.
    const a = await role('stream');
    const aLeads = await untilReadyz(a, 'A follows the stream', followsStream);
    expect(aLeads.body.roles).toEqual(['stream']);
    const b = await role('all');
    const bWaits = await untilReadyz(b, 'B stands by', standsBy);
    expect(bWaits.body.roles).toEqual(['api', 'worker', 'stream', 'scheduler']);
    expect(bWaits.body.stream?.holder).toBe(aLeads.body.stream?.holder);
    expect(bWaits.body.stream?.fence).toBe(aLeads.body.stream?.fence);

    // Split roles work: A follows the edit, B's worker writes it back.
    await editToDisposable(contactIds[0] as string, 'before');
    await untilWrittenBack(contactIds[0] as string, 'the edit before the kill');
    const fenceOfA = aLeads.body.stream?.fence as number;
    expect(await storedCommitFence()).toBe(fenceOfA);

    // kill -9 of the leader; an edit made right after it is followed by B once it has taken over.
    const killedAt = Date.now();
    await a.kill9();
    await editToDisposable(contactIds[1] as string, 'after-kill');
    const bLeads = await untilReadyz(b, 'B takes over', followsStream);
    const takeoverMs = Date.now() - killedAt;
    console.log(`stream lease takeover after kill -9 (LEASE_TTL_MS=${LEASE_TTL_MS}): ${takeoverMs} ms`);
    const fenceOfB = bLeads.body.stream?.fence as number;
    expect(fenceOfB).toBeGreaterThan(fenceOfA);
    await untilWrittenBack(contactIds[1] as string, 'the edit after the kill');

    // C stands by; B is paused (SIGSTOP) until C has taken over and committed an event of its own.
    const c = await role('stream');
    await untilReadyz(c, 'C stands by', standsBy);
    b.child.kill('SIGSTOP');
    const cLeads = await untilReadyz(c, 'C takes over from the paused B', followsStream);
    const fenceOfC = cLeads.body.stream?.fence as number;
    expect(fenceOfC).toBeGreaterThan(fenceOfB);
    const before = await storedReplayId();
    await editToDisposable(contactIds[2] as string, 'while-b-paused');
    const deadline = Date.now() + 60_000;
    while ((await storedCommitFence()) !== fenceOfC || (await storedReplayId()) <= before) {
      if (Date.now() > deadline) throw new Error('C did not commit the edit made while B was paused');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const committedByC = await storedReplayId();

    // B resumes with the edit's event in its socket and its lease long expired: it steps down, commits nothing.
    b.child.kill('SIGCONT');
    const bStepsDown = await untilReadyz(b, 'B stands by again', standsBy);
    expect(bStepsDown.body.stream?.holder).toBe(cLeads.body.stream?.holder);
    // B's worker (it was paused too) writes the edit back: nothing was lost across the two takeovers.
    await untilWrittenBack(contactIds[2] as string, 'the edit made while B was paused');
    // One more edit, followed by C: the stored replay id moves on under C's fence and never under B's.
    await editToDisposable(contactIds[3] as string, 'after-resume');
    await untilWrittenBack(contactIds[3] as string, 'the edit after B resumed');
    await untilReadyz(c, 'C still follows', followsStream);
    expect(await storedCommitFence()).toBe(fenceOfC);
    expect(await storedReplayId()).toBeGreaterThanOrEqual(committedByC);
    expect((await readyz(b)).body.stream?.leader).toBe(false);
    expect(Number(await redis.redis.get(`${keys.streamLease()}:fence`))).toBe(fenceOfC);
  }, 600_000);
});
