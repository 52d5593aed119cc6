/**
 * Poison change events (issue 11, finding 1) through the whole loop over the emulator and Redis: an event whose
 * handling always fails (the integration user lost read access to a mirrored Lead field, so every Lead re-read
 * fails with INVALID_FIELD) is dead-lettered after a few attempts and the changes behind it flow; entries that are
 * not record ids are dropped before any query and dead-lettered, the valid ids of the same event processed; a
 * `003*` wildcard reconciles the object. The dead letters show in /readyz (degraded, HTTP 200), /metrics and the
 * admin endpoints, which retry and clear them. The HTTP app is wired as main.ts wires it.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../server/src/app';
import { deadLetterRoutes } from '../../server/src/http/dead-letter-routes';
import { apiBudgetReadinessCheck, salesforceReadinessCheck } from '../../server/src/http/loop-readiness';
import { registerStreamMetrics } from '../../server/src/http/stream-metrics';
import { changeStreamReadinessCheck } from '../../server/src/http/stream-readiness';
import type { Loop } from '../../server/src/runtime/compose';
import { LoopHarness, waitFor } from './support/loop-harness';

const ADMIN_TOKEN = 'poison-test-admin-token-0123456789';
const auth = { authorization: `Bearer ${ADMIN_TOKEN}` };

interface DeadLetterView {
  id: string;
  replayId: number;
  entityName: string;
  changeType: string;
  recordIds: string[];
  reason: { code: string; message: string };
  attempts: number;
  retryable: boolean;
}

describe('e2e: poison change events are dead-lettered and the stream goes on', { timeout: 120_000 }, () => {
  let h: LoopHarness;
  let loop: Loop;
  let server: Server;
  let base: string;
  const reconciled: string[] = [];

  beforeAll(async () => {
    h = await LoopHarness.create({
      start: false,
      sources: [{ Object__c: 'Contact' }, { Object__c: 'Lead' }],
      fieldMaps: [
        { Object__c: 'Contact', Field__c: 'Seniority__c', Attribute__c: 'person.seniority', Write_Rule__c: 'Tracked' },
        { Object__c: 'Lead', Field__c: 'Seniority__c', Attribute__c: 'person.seniority', Write_Rule__c: 'Tracked' },
        { Object__c: 'Lead', Field__c: 'Department__c', Write_Rule__c: 'Never' },
      ],
      records: {
        Contact: [
          { LastName: 'Stream', Title: 'Engineer' },
          { LastName: 'Mirror', Title: 'Engineer' },
        ],
        Lead: [{ LastName: 'Lead', Company: 'Acme', Title: 'Engineer' }],
      },
    });
    loop = await h.startRuntime({ poison: { maxAttempts: 2, backoff: { initialMs: 50, maxMs: 100 } } }, (composed) => {
      // Observed, not replaced: the real reconciliation still runs.
      const reconcile = composed.reconciler.reconcile.bind(composed.reconciler);
      composed.reconciler.reconcile = async (object) => {
        reconciled.push(object);
        return reconcile(object);
      };
    });
    const metrics = new Registry();
    registerStreamMetrics(metrics, { stats: () => loop.stats, deadLetters: () => loop.deadLetters.count() });
    const app = createApp({
      logger: h.logger,
      metrics,
      adminToken: ADMIN_TOKEN,
      adminRoutes: [deadLetterRoutes(() => loop.deadLetters)],
      readinessChecks: [
        salesforceReadinessCheck({ stream: () => loop.streamState() }),
        apiBudgetReadinessCheck(() => loop.governor.snapshot()),
        changeStreamReadinessCheck({ stream: () => loop.streamState(), deadLetters: () => loop.deadLetters.count() }),
      ],
    });
    server = app.listen(0);
    await new Promise((resolve) => server.once('listening', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }, 120_000);

  afterAll(async () => {
    await new Promise((resolve) => server?.close(resolve));
    await h?.stop();
  });

  const seniorityOf = async (object: string, id: string) =>
    (await h.byId<{ Id: string; Seniority__c: string | null }>(object, ['Seniority__c'], [id])).get(id)?.Seniority__c;

  async function deadLetters(): Promise<DeadLetterView[]> {
    const res = await fetch(`${base}/admin/dead-letters`, { headers: auth });
    expect(res.status).toBe(200);
    return ((await res.json()) as { deadLetters: DeadLetterView[] }).deadLetters;
  }

  it('when a Lead event always fails, then it is dead-lettered after 2 attempts and a Contact edit behind it is written back', async () => {
    const [contactId] = h.records.Contact!;
    const leadId = h.records.Lead![0]!;
    // The integration user loses read access to a mirrored Lead field: every Lead re-read now fails.
    await h.control('POST', '/fls', { role: 'integration', object: 'Lead', field: 'Department__c', readable: false });
    const rep = h.repConn();
    await rep.sobject('Lead').create({ LastName: 'Poison', Company: 'Acme', Title: 'Chief Executive Officer' });
    await rep.sobject('Contact').update({ Id: contactId!, Title: 'Vice President of Sales' });

    await waitFor(async () => (await seniorityOf('Contact', contactId!)) === 'VP', 60_000, 'the Contact write-back');
    const letters = await waitFor(async () => (await deadLetters()).filter((l) => l.entityName === 'Lead'), 30_000);
    expect(letters).toHaveLength(1);
    expect(letters[0]).toMatchObject({ changeType: 'CREATE', attempts: 2, retryable: true });
    expect(letters[0]!.reason.code).toBe('INVALID_FIELD');
    await h.settle();
    expect(loop.streamState().replayId).toBe(h.latestChangeEventId());

    // /readyz: degraded, still 200, with the count; minimal without the token.
    const ready = await fetch(`${base}/readyz`, { headers: auth });
    expect(ready.status).toBe(200);
    const body = (await ready.json()) as { status: string; reasons: string[]; checks: Record<string, unknown> };
    expect(body.status).toBe('degraded');
    expect(body.checks.change_stream).toMatchObject({ ok: true, deadLetters: 1 });
    expect(body.reasons).toContain('change_stream: 1 dead-lettered change event');
    const text = await (await fetch(`${base}/metrics`)).text();
    expect(text).toContain('audience_loop_dead_letters 1');
    expect(text).toContain('audience_loop_dead_lettered_events_total 1');

    // Access restored: an admin retry re-reads the Lead, and the letter is gone.
    await h.control('DELETE', '/fls');
    const retry = await fetch(`${base}/admin/dead-letters/${letters[0]!.id}/retry`, { method: 'POST', headers: auth });
    expect(retry.status).toBe(200);
    expect(await retry.json()).toMatchObject({ retried: true, succeeded: true });
    expect(await deadLetters()).toEqual([]);
    const poisonLead = await h.query<{ Id: string; Seniority__c: string | null }>(
      "SELECT Id, Seniority__c FROM Lead WHERE LastName = 'Poison'",
    );
    await waitFor(async () => (await seniorityOf('Lead', poisonLead[0]!.Id)) === 'C-Level', 30_000, 'the Lead');
    expect(leadId).not.toBe(poisonLead[0]!.Id);
  });

  it('when an event carries entries that are not record ids, then they are dead-lettered and its valid id is processed', async () => {
    const mirrorId = h.records.Contact![1]!;
    // Out of the mirror: only a re-read of this very event can bring it back.
    await loop.mirror.remove('Contact', mirrorId);
    await h.control('POST', '/streaming/faults', {
      inject: { changeType: 'GAP_UPDATE', entityName: 'Contact', recordIds: [mirrorId, "' OR Id != null", 'nope'] },
    });
    await waitFor(() => loop.mirror.get('Contact', mirrorId), 30_000, 'the valid id re-read into the mirror');
    await h.settle();
    const letters = await deadLetters();
    expect(letters).toEqual([
      expect.objectContaining({
        id: expect.stringMatching(/^\d+-ids$/),
        entityName: 'Contact',
        recordIds: ["' OR Id != null", 'nope'],
        reason: expect.objectContaining({ code: 'INVALID_RECORD_ID' }),
        retryable: false,
      }),
    ]);
    // It cannot be retried, only cleared.
    const retry = await fetch(`${base}/admin/dead-letters/${letters[0]!.id}/retry`, { method: 'POST', headers: auth });
    expect(retry.status).toBe(409);
    const unauthorised = await fetch(`${base}/admin/dead-letters/${letters[0]!.id}`, { method: 'DELETE' });
    expect(unauthorised.status).toBe(401);
    const cleared = await fetch(`${base}/admin/dead-letters/${letters[0]!.id}`, { method: 'DELETE', headers: auth });
    expect(await cleared.json()).toEqual({ cleared: 1 });
    expect(await deadLetters()).toEqual([]);
    const ready = await fetch(`${base}/readyz`, { headers: auth });
    expect(((await ready.json()) as { status: string }).status).toBe('ready');
  });

  it('when an event names the key prefix 003*, then the Contact object is reconciled and nothing is queried by it', async () => {
    const before = reconciled.length;
    await h.control('POST', '/streaming/faults', {
      inject: { changeType: 'UPDATE', entityName: 'Contact', recordIds: ['003*'], changedFields: ['Title'] },
    });
    await waitFor(() => reconciled.length > before, 30_000, 'a reconciliation');
    expect(reconciled.slice(before)).toEqual(['Contact']);
    await h.settle();
    expect(await deadLetters()).toEqual([]);
  });

  it('when malformed events and events for an object no source follows arrive, then /metrics counts them', async () => {
    const [accountId] = await h.createRecords('Account', [{ Name: 'Unfollowed Inc' }]);
    await h.control('POST', '/streaming/faults', {
      inject: { raw: { ChangeEventHeader: { entityName: 'Contact', changeType: 'UPDATE' } } },
    });
    await h.control('POST', '/streaming/faults', {
      inject: { changeType: 'GAP_UPDATE', entityName: 'Account', recordIds: [accountId!] },
    });
    await h.settle();
    const text = await (await fetch(`${base}/metrics`)).text();
    expect(text).toContain('audience_loop_malformed_change_events_total 1');
    // The Account's CREATE and the injected gap event: no source follows Account, no Contact mirrors its fields.
    expect(text).toContain('audience_loop_unfollowed_change_events_total 2');
  });

  it('when every dead letter is cleared at once, then the count says how many there were', async () => {
    await h.control('POST', '/streaming/faults', {
      inject: { changeType: 'GAP_DELETE', entityName: 'Lead', recordIds: ['x'] },
    });
    await waitFor(async () => (await deadLetters()).length === 1, 30_000, 'the dead letter');
    const res = await fetch(`${base}/admin/dead-letters`, { method: 'DELETE', headers: auth });
    expect(await res.json()).toEqual({ cleared: 1 });
    const minimal = await fetch(`${base}/readyz`, { headers: { authorization: 'Bearer wrong-token' } });
    expect(await minimal.json()).toEqual({
      status: 'ready',
      checks: { salesforce: 'ok', api_budget: 'ok', change_stream: 'ok' },
    });
  });
});
