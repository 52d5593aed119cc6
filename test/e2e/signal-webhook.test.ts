/**
 * The inbound signal webhook over the emulator and a real Redis: a signed POST /hooks/signals/<slug> finds the
 * record in the org (by id, email — Contact then Lead — or the Account's website domain) through the real resolver
 * and hands one firing per event to the signal sink; replays, unknown records, forged signatures and a stopped loop
 * answer as documented (docs/signals-webhook.md). The loop's own firer stores each firing as an `Audience_Signal__c`,
 * so the assertions read the org.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../server/src/app';
import { createSignalWebhook } from '../../server/src/http/signal-webhook';
import { signatureHeader } from '../../server/src/security/webhook-signature';
import { LoopHarness } from './support/loop-harness';

const SECRET = 'e2e-signal-secret-0123456789abcdef';

describe('inbound signal webhook against the emulated org', () => {
  let h: LoopHarness;
  let server: Server;
  let base: string;
  let registry: Registry;
  const ruleIds: Record<string, string> = {};

  beforeAll(async () => {
    h = await LoopHarness.create({
      start: false,
      sources: [{ Object__c: 'Contact' }, { Object__c: 'Lead' }, { Object__c: 'Account' }],
      fieldMaps: [],
      records: {
        Account: [
          { Name: 'Acme', Website: 'https://www.Acme.com/about' },
          { Name: 'Not Acme', Website: 'notacme.com' },
        ],
        Contact: [
          { LastName: 'Lovelace', Email: 'ada@example.com' },
          { LastName: 'Twin A', Email: 'shared@example.com' },
          { LastName: 'Twin B', Email: 'shared@example.com' },
        ],
        Lead: [{ LastName: 'Hopper', Company: 'Navy', Email: 'grace@example.org' }],
      },
    });
    const [intent, accounts] = await h.createRecords('Audience_Signal_Rule__c', [
      { Name: 'Intent', Type__c: 'Webhook', Settings__c: '{"slug":"intent"}', Active__c: true },
      {
        Name: 'Account news',
        Type__c: 'Webhook',
        Object__c: 'Account',
        Settings__c: '{"slug":"news"}',
        Active__c: true,
      },
    ]);
    ruleIds.intent = intent!;
    ruleIds.news = accounts!;
    await h.startRuntime();

    registry = new Registry();
    const logger = h.logger;
    const app = createApp({
      logger,
      readinessChecks: [],
      metrics: registry,
      signalWebhook: createSignalWebhook({ secrets: [SECRET], metrics: registry, loop: () => h.runtime?.loop, logger }),
    });
    server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }, 180_000);

  afterAll(async () => {
    await new Promise((resolve) => server?.close(resolve));
    await h?.stop();
  });

  type SignalRow = {
    Id: string;
    Key__c: string;
    Confidence__c: number;
    Status__c: string;
    Evidence__c: string;
    Record_Id__c: string;
    Contact__c: string | null;
    Lead__c: string | null;
    Account__c: string | null;
  };
  const signals = () =>
    h.query<SignalRow>(
      'SELECT Id, Key__c, Confidence__c, Status__c, Evidence__c, Record_Id__c, Contact__c, Lead__c, Account__c FROM Audience_Signal__c',
    );

  const send = (slug: string, payload: Record<string, unknown>, secret = SECRET) => {
    const raw = JSON.stringify({
      summary: 'Asked for a demo',
      confidence: 0.9,
      evidence: { source: 'intent-vendor' },
      occurredAt: '2026-12-04T09:30:00.000Z',
      ...payload,
    });
    return fetch(`${base}/hooks/signals/${slug}`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'X-Audiences-Signature': signatureHeader(raw, Math.floor(Date.now() / 1000), [secret]),
      },
      body: raw,
    });
  };

  it('when a signal names a Contact by id, then one signal lands on it; a replay, also after a restart, stores nothing new', async () => {
    const contactId = h.records.Contact![0]!;
    const first = await send('intent', { id: 'evt-1', record: { id: contactId } });
    expect(first.status).toBe(202);
    expect(await first.json()).toMatchObject({ status: 'accepted' });
    const stored = await signals();
    expect(stored).toEqual([
      expect.objectContaining({ Contact__c: contactId, Record_Id__c: contactId, Confidence__c: 90, Status__c: 'New' }),
    ]);
    expect(JSON.parse(stored[0]!.Evidence__c)).toMatchObject({ source: 'intent-vendor' });
    const replay = await send('intent', { id: 'evt-1', record: { id: contactId } });
    expect(replay.status).toBe(202);
    expect(await replay.json()).toMatchObject({ status: 'duplicate' });
    await h.stopRuntime();
    await h.startRuntime();
    const afterRestart = await send('intent', { id: 'evt-1', record: { id: contactId } });
    expect(await afterRestart.json()).toMatchObject({ status: 'duplicate' });
    expect(await signals()).toEqual([expect.objectContaining({ Id: stored[0]!.Id })]);
  });

  it('when a signal names a person by email, then the Contact is found first, else the Lead (case aside)', async () => {
    expect((await send('intent', { id: 'evt-2', record: { email: 'ADA@example.com' } })).status).toBe(202);
    expect((await signals()).filter((row) => row.Contact__c === h.records.Contact![0])).toHaveLength(2);
    expect((await send('intent', { id: 'evt-3', record: { email: 'grace@example.org' } })).status).toBe(202);
    expect((await signals()).filter((row) => row.Lead__c === h.records.Lead![0])).toHaveLength(1);
  });

  it('when a signal names a company by domain, then the Account whose website has exactly that domain', async () => {
    const res = await send('news', { id: 'evt-4', record: { domain: 'https://acme.com' } });
    expect(res.status).toBe(202);
    expect((await signals()).filter((row) => row.Account__c === h.records.Account![0])).toHaveLength(1);
    expect((await signals()).filter((row) => row.Account__c === h.records.Account![1])).toHaveLength(0);
  });

  it('when no record, two records or a record of another object match, then 202, not fired, counted by reason', async () => {
    const before = (await signals()).length;
    const answers = await Promise.all([
      send('intent', { id: 'evt-5', record: { email: 'nobody@example.com' } }),
      send('intent', { id: 'evt-6', record: { email: 'shared@example.com' } }),
      send('news', { id: 'evt-7', record: { id: h.records.Contact![0]! } }),
      send('intent', { id: 'evt-8', record: { id: '003000000000000AAA' } }),
    ]);
    expect(answers.map((r) => r.status)).toEqual([202, 202, 202, 202]);
    const reasons = await Promise.all(answers.map(async (r) => ((await r.json()) as { reason: string }).reason));
    expect(reasons).toEqual(['not_found', 'ambiguous', 'wrong_object', 'not_found']);
    expect((await signals()).length).toBe(before);
    const metrics = await (await fetch(`${base}/metrics`)).text();
    expect(metrics).toContain('audience_loop_signal_webhook_unknown_records_total{reason="not_found"} 2');
    expect(metrics).toContain('audience_loop_signal_webhook_unknown_records_total{reason="ambiguous"} 1');
    expect(metrics).toContain('audience_loop_signal_webhook_unknown_records_total{reason="wrong_object"} 1');
  });

  it('when the signature is forged, then 401 and nothing is read from the org', async () => {
    const before = (await h.counters()).total;
    const res = await send('intent', { id: 'evt-9', record: { email: 'ada@example.com' } }, 'a-forged-secret-value');
    expect(res.status).toBe(401);
    expect((await h.counters()).total).toBe(before);
  });

  it('when the slug is unknown, then 404', async () => {
    expect((await send('nope', { id: 'evt-10', record: { email: 'ada@example.com' } })).status).toBe(404);
  });

  it('when the loop is stopped, then 503 with Retry-After (the sender retries later)', async () => {
    await h.stopRuntime();
    const res = await send('intent', { id: 'evt-11', record: { email: 'ada@example.com' } });
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('30');
  });
});
