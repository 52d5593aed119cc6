/**
 * The inbound signal webhook over the emulator and a real Redis: a signed POST /hooks/signals/<slug> finds the
 * record in the org (by id, email — Contact then Lead — or the Account's website domain) through the real resolver
 * and hands one firing per event to the signal sink; replays, unknown records, forged signatures and a stopped loop
 * answer as documented (docs/signals-webhook.md). The firer is another part: a recording sink that dedupes like it
 * stands in for it here, attached to the loop's sink slot as the firer will be.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../server/src/app';
import { createSignalWebhook } from '../../server/src/http/signal-webhook';
import { signatureHeader } from '../../server/src/security/webhook-signature';
import { RecordingSignalSink } from '../../server/test/support/recording-signal-sink';
import { LoopHarness } from './support/loop-harness';

const SECRET = 'e2e-signal-secret-0123456789abcdef';

describe('inbound signal webhook against the emulated org', () => {
  let h: LoopHarness;
  let server: Server;
  let base: string;
  let registry: Registry;
  let sink: RecordingSignalSink;
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
    sink = new RecordingSignalSink();
    h.loop.signals.sink.attach(sink);

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

  it('when a signal names a Contact by id, then one firing lands on it; a replay is 202 and fires nothing new', async () => {
    const contactId = h.records.Contact![0]!;
    const first = await send('intent', { id: 'evt-1', record: { id: contactId } });
    expect(first.status).toBe(202);
    expect(await first.json()).toMatchObject({ status: 'accepted' });
    expect(sink.firings.at(-1)).toMatchObject({
      rule: { id: ruleIds.intent, type: 'Webhook' },
      object: 'Contact',
      recordId: contactId,
      identity: 'evt-1',
      confidence: 0.9,
      evidence: { source: 'intent-vendor' },
    });
    const replay = await send('intent', { id: 'evt-1', record: { id: contactId } });
    expect(replay.status).toBe(202);
    expect(await replay.json()).toMatchObject({ status: 'duplicate' });
    expect(sink.stored).toBe(1);
  });

  it('when a signal names a person by email, then the Contact is found first, else the Lead (case aside)', async () => {
    expect((await send('intent', { id: 'evt-2', record: { email: 'ADA@example.com' } })).status).toBe(202);
    expect(sink.firings.at(-1)).toMatchObject({ object: 'Contact', recordId: h.records.Contact![0] });
    expect((await send('intent', { id: 'evt-3', record: { email: 'grace@example.org' } })).status).toBe(202);
    expect(sink.firings.at(-1)).toMatchObject({ object: 'Lead', recordId: h.records.Lead![0] });
  });

  it('when a signal names a company by domain, then the Account whose website has exactly that domain', async () => {
    const res = await send('news', { id: 'evt-4', record: { domain: 'https://acme.com' } });
    expect(res.status).toBe(202);
    expect(sink.firings.at(-1)).toMatchObject({
      rule: { id: ruleIds.news },
      object: 'Account',
      recordId: h.records.Account![0],
    });
  });

  it('when no record, two records or a record of another object match, then 202, not fired, counted by reason', async () => {
    const before = sink.firings.length;
    const answers = await Promise.all([
      send('intent', { id: 'evt-5', record: { email: 'nobody@example.com' } }),
      send('intent', { id: 'evt-6', record: { email: 'shared@example.com' } }),
      send('news', { id: 'evt-7', record: { id: h.records.Contact![0]! } }),
      send('intent', { id: 'evt-8', record: { id: '003000000000000AAA' } }),
    ]);
    expect(answers.map((r) => r.status)).toEqual([202, 202, 202, 202]);
    const reasons = await Promise.all(answers.map(async (r) => ((await r.json()) as { reason: string }).reason));
    expect(reasons).toEqual(['not_found', 'ambiguous', 'wrong_object', 'not_found']);
    expect(sink.firings.length).toBe(before);
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
