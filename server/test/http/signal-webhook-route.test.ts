import type { Server } from 'node:http';
import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app';
import { registerSignalWebhookMetrics } from '../../src/http/signal-webhook-metrics';
import { signalWebhookRoutes } from '../../src/http/signal-webhook-route';
import { createLogger } from '../../src/lib/logger';
import { signatureHeader } from '../../src/security/webhook-signature';
import type { InboundRecordRef } from '../../src/signals/inbound/inbound-signal-body';
import { InboundSignalIntake, type InboundSignalLoop } from '../../src/signals/inbound/inbound-signal-intake';
import type { RecordResolution, SignalRecordResolver } from '../../src/signals/inbound/signal-record-resolver';
import type { LoadedSignalRule } from '../../src/signals/signal-rule';
import { SignalSinkSlot } from '../../src/signals/signal-sink-slot';
import { RecordingSignalSink } from '../support/recording-signal-sink';

const SECRET = 'current-signal-secret-0123456789';
const PREVIOUS = 'previous-signal-secret-012345678';
const CONTACT_ID = '003000000000001AAA';

const intentRule: LoadedSignalRule = {
  id: 'a0R000000000001AAA',
  name: 'Intent surge',
  type: 'Webhook',
  settings: { slug: 'intent' },
  notifyOwner: true,
};
const thresholdRule: LoadedSignalRule = {
  id: 'a0R000000000002AAA',
  name: 'Hot contact',
  type: 'Field_Threshold',
  object: 'Contact',
  settings: { field: 'Contact_Score__c', op: 'gte', value: 80 },
  notifyOwner: false,
};

/** The org as the resolver would see it: one Contact, found by id or by email. */
class KnownRecords implements SignalRecordResolver {
  readonly asked: InboundRecordRef[] = [];
  resolve(ref: InboundRecordRef): Promise<RecordResolution> {
    this.asked.push(ref);
    if (('id' in ref && ref.id === CONTACT_ID) || ('email' in ref && ref.email === 'ada@example.com')) {
      return Promise.resolve({ found: true, object: 'Contact', recordId: CONTACT_ID });
    }
    return Promise.resolve({ found: false, reason: 'not_found', detail: 'no such record' });
  }
}

function body(overrides: Record<string, unknown> = {}): string {
  return JSON.stringify({
    id: 'evt-1001',
    record: { id: CONTACT_ID },
    summary: 'Visited the pricing page 5 times this week',
    confidence: 0.8,
    evidence: { pages: ['/pricing'], visits: 5 },
    occurredAt: '2026-12-01T10:00:00Z',
    ...overrides,
  });
}

describe('POST /hooks/signals/:slug', () => {
  let server: Server;
  let base: string;
  let nowMs = Date.parse('2026-12-05T12:00:00Z');
  let registry: Registry;
  let slot: SignalSinkSlot;
  let sink: RecordingSignalSink;
  let resolver: KnownRecords;
  let loop: InboundSignalLoop | undefined;
  let secrets: string[];

  const nowSeconds = () => Math.floor(nowMs / 1000);
  const post = (slug: string, raw: string, signature?: string) =>
    fetch(`${base}/hooks/signals/${slug}`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(signature !== undefined && { 'X-Audiences-Signature': signature }),
      },
      body: raw,
    });
  const signed = (slug: string, raw: string, keys: string[] = [SECRET]) =>
    post(slug, raw, signatureHeader(raw, nowSeconds(), keys));
  const metric = async (line: string) =>
    (await registry.metrics())
      .split('\n')
      .find((l) => l.startsWith(line))
      ?.split(' ')[1];

  beforeAll(async () => {
    registry = new Registry();
    const counters = registerSignalWebhookMetrics(registry);
    const logger = createLogger({ level: 'silent' });
    const intake = new InboundSignalIntake({
      get secrets() {
        return secrets;
      },
      loop: () => loop,
      counters,
      logger,
      now: () => nowMs,
    });
    const app = createApp({
      logger,
      readinessChecks: [],
      signalWebhook: signalWebhookRoutes({ intake, counters, logger }),
    });
    server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  beforeEach(() => {
    registry.resetMetrics();
    secrets = [SECRET, PREVIOUS];
    slot = new SignalSinkSlot();
    sink = new RecordingSignalSink();
    slot.attach(sink);
    resolver = new KnownRecords();
    loop = { rules: () => [thresholdRule, intentRule], resolver, sink: slot };
  });

  it('when a signed signal names a known record, then it is fired once with the sender id as identity; a replay is 202 and stores nothing new', async () => {
    const raw = body();
    const first = await signed('intent', raw);
    expect(first.status).toBe(202);
    expect(await first.json()).toEqual({ status: 'accepted', signalId: 'signal-1' });
    expect(sink.firings[0]).toEqual({
      rule: intentRule,
      object: 'Contact',
      recordId: CONTACT_ID,
      identity: 'evt-1001',
      summary: 'Visited the pricing page 5 times this week',
      evidence: { pages: ['/pricing'], visits: 5 },
      confidence: 0.8,
      occurredAt: '2026-12-01T10:00:00Z',
    });

    nowMs += 60_000; // the sender retries a minute later, signing again
    const replay = await signed('intent', raw);
    expect(replay.status).toBe(202);
    expect(await replay.json()).toEqual({ status: 'duplicate', signalId: 'signal-1' });
    expect(sink.stored).toBe(1);
    expect(await metric('audience_loop_signal_webhook_requests_total{outcome="accepted"}')).toBe('1');
    expect(await metric('audience_loop_signal_webhook_requests_total{outcome="duplicate"}')).toBe('1');
  });

  it('when the signature was made with the previous secret (a rotation), then it is accepted', async () => {
    const res = await signed('intent', body({ record: { email: 'ada@example.com' } }), [PREVIOUS]);
    expect(res.status).toBe(202);
    expect(sink.firings).toHaveLength(1);
  });

  it('when the signature is missing, forged, stale or over another body, then 401 and nothing is looked at', async () => {
    const raw = body();
    const stale = signatureHeader(raw, nowSeconds() - 301, [SECRET]);
    const future = signatureHeader(raw, nowSeconds() + 301, [SECRET]);
    const answers = [
      await post('intent', raw),
      await post('intent', raw, signatureHeader(raw, nowSeconds(), ['not-our-secret-at-all'])),
      await post('intent', raw, stale),
      await post('intent', raw, future),
      await post('intent', body({ confidence: 1 }), signatureHeader(raw, nowSeconds(), [SECRET])),
      // The signature is checked before the slug: an unsigned caller cannot learn which slugs exist.
      await post('no-such-slug', raw, 't=1,v1=00'),
    ];
    expect(answers.map((r) => r.status)).toEqual([401, 401, 401, 401, 401, 401]);
    expect(resolver.asked).toEqual([]);
    expect(sink.firings).toEqual([]);
    expect(await metric('audience_loop_signal_webhook_requests_total{outcome="unauthorized"}')).toBe('6');
  });

  it('when the slug names no active Webhook rule, then 404 (a Field_Threshold rule is not a slug)', async () => {
    expect((await signed('pricing', body())).status).toBe(404);
    loop = { rules: () => [thresholdRule], resolver, sink: slot };
    expect((await signed('intent', body())).status).toBe(404);
    expect(sink.firings).toEqual([]);
  });

  it('when the body does not match the schema, then 400 names the bad fields', async () => {
    const res = await signed('intent', body({ confidence: 80, record: { phone: '+1 555' } }));
    expect(res.status).toBe(400);
    const answer = (await res.json()) as { issues: { path: string }[] };
    expect(answer.issues.map((issue) => issue.path)).toEqual(expect.arrayContaining(['confidence', 'record']));
    expect((await signed('intent', '{not json')).status).toBe(400);
    expect(sink.firings).toEqual([]);
  });

  it('when the record is unknown, then 202 with the reason, counted in /metrics, and nothing fired', async () => {
    const res = await signed('intent', body({ record: { email: 'nobody@example.com' } }));
    expect(res.status).toBe(202);
    expect(await res.json()).toMatchObject({ status: 'unknown_record', reason: 'not_found' });
    expect(sink.firings).toEqual([]);
    expect(await metric('audience_loop_signal_webhook_unknown_records_total{reason="not_found"}')).toBe('1');
  });

  it('when the body is over 256 KB, then 413 before it is parsed or its signature looked at', async () => {
    const raw = body({ evidence: { padding: 'x'.repeat(256 * 1024) } });
    const res = await signed('intent', raw);
    expect(res.status).toBe(413);
    expect(resolver.asked).toEqual([]);
    expect(await metric('audience_loop_signal_webhook_requests_total{outcome="too_large"}')).toBe('1');
  });

  it('when an over-long body comes chunked (no Content-Length), then 413 all the same', async () => {
    const status = await new Promise<number>((resolve, reject) => {
      const req = httpRequest(`${base}/hooks/signals/intent`, {
        method: 'POST',
        headers: { 'X-Audiences-Signature': 't=1,v1=00' },
      });
      req.on('response', (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      const chunk = 'x'.repeat(64 * 1024);
      for (let i = 0; i < 5; i += 1) req.write(chunk);
      req.end();
    });
    expect(status).toBe(413);
  });

  it('when the body comes compressed, then 400 (the signature covers the bytes as sent; nothing is inflated)', async () => {
    const raw = body();
    const res = await fetch(`${base}/hooks/signals/intent`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'content-encoding': 'gzip',
        'X-Audiences-Signature': signatureHeader(raw, nowSeconds(), [SECRET]),
      },
      body: gzipSync(raw),
    });
    expect(res.status).toBe(400);
    expect(sink.firings).toEqual([]);
  });

  it('when the loop is not ready, or no firer is attached yet, then 503 with Retry-After; the retry fires', async () => {
    loop = undefined;
    const early = await signed('intent', body());
    expect(early.status).toBe(503);
    expect(early.headers.get('retry-after')).toBe('30');

    const unattached = new SignalSinkSlot();
    loop = { rules: () => [intentRule], resolver, sink: unattached };
    const notYet = await signed('intent', body());
    expect(notYet.status).toBe(503);
    expect(await notYet.json()).toMatchObject({ status: 'retry_later', code: 'SIGNAL_SINK_NOT_READY' });

    unattached.attach(sink);
    expect((await signed('intent', body())).status).toBe(202);
    expect(sink.stored).toBe(1);
  });

  it('when the firer refuses the signal for good, then 422 with its reason (a retry would be refused again)', async () => {
    const refusing = {
      fire: (firing: { rule: { id: string }; identity: string }) =>
        Promise.resolve({
          status: 'failed' as const,
          key: `${firing.rule.id}-${firing.identity}`,
          message: 'FIELD_CUSTOM_VALIDATION_EXCEPTION: blocked',
        }),
    };
    loop = { rules: () => [intentRule], resolver, sink: refusing };
    const res = await signed('intent', body());
    expect(res.status).toBe(422);
    expect(await res.json()).toMatchObject({ status: 'refused', message: expect.stringContaining('blocked') });
    expect(await metric('audience_loop_signal_webhook_requests_total{outcome="refused"}')).toBe('1');
  });

  it('when no secret is configured, then the route answers 503 and fires nothing', async () => {
    secrets = [];
    const res = await signed('intent', body());
    expect(res.status).toBe(503);
    expect(sink.firings).toEqual([]);
  });
});
