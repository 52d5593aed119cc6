/**
 * A circuit per action target, through the composed loop: a webhook receiver that fails opens its circuit after the
 * threshold; entries that come while it is open are deferred without a delivery (counted at the receiver); /readyz
 * says degraded (HTTP 200) with the target and /metrics shows the state and the deferrals; once the cool-down has
 * passed (an injected clock) the probe goes, the circuit closes and every deferred entry is delivered once.
 * Retries are not waited for: the test promotes the step's delayed jobs itself.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../server/src/app';
import { loadEnv } from '../../server/src/env/env';
import { registerActionTargetMetrics } from '../../server/src/http/action-target-metrics';
import { actionTargetsReadinessCheck } from '../../server/src/http/action-target-readiness';
import { actionTargetsFromEnv } from '../../server/src/runtime/action-targets';
import { startWebhookReceiver, type WebhookReceiver } from '../emulators/webhook-receiver/index';
import { LoopHarness, waitFor } from './support/loop-harness';

type Row = Record<string, unknown> & { Id: string };
const SIGNING_SECRET = 'whsec-circuits-0123456789abcdef';
const COOL_DOWN_MS = 10 * 60_000;

/** The circuits' clock: moved by hand, so "the cool-down has passed" is the test's decision. */
const clock = { ms: Date.now(), now: () => clock.ms };

let h: LoopHarness;
let receiver: WebhookReceiver;
let server: Server;
let base: string;
let circuit: string;

const deliveriesFor = (recordId: string) =>
  receiver.deliveries().filter((d) => (JSON.parse(d.body) as { record: Row }).record.id === recordId);

async function promoteDelayed(): Promise<void> {
  await h.loop.queues.queue('membership').promoteJobs();
}

async function settledLogs(): Promise<Row[]> {
  const rows = await h.query<Row & { Status__c: string }>('SELECT Id, Key__c, Status__c FROM Audience_Action_Log__c');
  return rows.filter((r) => r.Status__c !== 'Pending');
}

async function readyz(): Promise<{ status: number; body: Record<string, unknown> & { checks: Record<string, Row> } }> {
  const res = await fetch(`${base}/readyz`);
  return { status: res.status, body: (await res.json()) as never };
}

beforeAll(async () => {
  receiver = await startWebhookReceiver({ secrets: [SIGNING_SECRET] });
  circuit = `Webhook:127.0.0.1:${receiver.port}`;
  h = await LoopHarness.create({
    start: false,
    sources: [{ Object__c: 'Contact' }],
    fieldMaps: [],
    audiences: [{ Name: 'VPs', Object__c: 'Contact', Filter__c: '{"field":"Title","op":"contains","value":"VP"}' }],
    records: {
      Contact: [
        { FirstName: 'Ada', LastName: 'Lovelace', Title: 'Engineer', Email: 'ada@example.com' },
        { FirstName: 'Alan', LastName: 'Turing', Title: 'Engineer', Email: 'alan@example.com' },
      ],
    },
  });
  await h.createRecords('Audience_Action__c', [
    {
      Name: 'Tell the data team',
      Audience__c: h.ids.audiences[0],
      Active__c: true,
      Type__c: 'Webhook',
      Target__c: receiver.url,
      Settings__c: JSON.stringify({ fields: ['Email'] }),
      On_Exit__c: 'Nothing',
    },
  ]);
  const env = loadEnv({ WEBHOOK_SIGNING_SECRET: SIGNING_SECRET, WEBHOOK_ALLOW_PRIVATE_TARGETS: 'true' });
  const targets = actionTargetsFromEnv(env, { redis: h.redis, prefix: h.prefix, logger: h.logger });
  await h.startRuntime({
    actions: { targets, circuits: { failureThreshold: 2, coolDownMs: COOL_DOWN_MS, now: clock.now } },
  });
  // /readyz and /metrics as main.ts registers them, over the composed loop's circuits.
  const metrics = new Registry();
  registerActionTargetMetrics(metrics, () => h.loop.actionCircuits);
  const app = createApp({
    logger: h.logger,
    metrics,
    readinessChecks: [actionTargetsReadinessCheck(() => h.loop.actionCircuits)],
  });
  server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}, 90_000);

afterAll(async () => {
  await new Promise((resolve) => server?.close(resolve));
  await h?.stop();
  await receiver?.stop();
});

describe('e2e: action target circuits', { timeout: 120_000 }, () => {
  it('a failing receiver opens its circuit; entries wait without deliveries, then each is delivered once', async () => {
    const [ada, alan] = h.records.Contact as [string, string];
    expect((await readyz()).body.checks.action_targets).toMatchObject({
      ok: true,
      targets: { [circuit]: { state: 'closed' } },
    });

    // Two failures in a row (the threshold) open the receiver's circuit.
    receiver.control.failNext(2, 503);
    await h.updateRecords('Contact', [{ Id: ada, Title: 'VP Engineering' }], h.repConn());
    await waitFor(
      async () => {
        if (deliveriesFor(ada).length < 2) await promoteDelayed();
        return (await h.loop.actionCircuits.states()).some((s) => s.provider === circuit && s.state === 'open');
      },
      60_000,
      'the webhook circuit to open after two failed deliveries',
    );
    expect(deliveriesFor(ada).map((d) => d.status)).toEqual([503, 503]);

    // Alan enters while it is open: his application is deferred without calling the receiver.
    await h.updateRecords('Contact', [{ Id: alan, Title: 'VP Research' }], h.repConn());
    await waitFor(
      async () =>
        (await h.loop.queues.queue('membership').getDelayed()).some(
          (job) => (job.data as { recordId?: string }).recordId === alan,
        ),
      60_000,
      "Alan's entry to be deferred",
    );
    await promoteDelayed();
    await waitFor(() => (h.loop.actionCircuits.deferred().get(circuit) ?? 0) >= 2, 60_000, 'a second deferral');
    expect(deliveriesFor(alan)).toHaveLength(0);
    expect(deliveriesFor(ada)).toHaveLength(2);

    const ready = await readyz();
    expect(ready.status).toBe(200);
    expect(ready.body.status).toBe('degraded');
    expect(ready.body.reasons).toEqual([`action_targets: target circuit ${circuit} open`]);
    expect(ready.body.checks.action_targets).toMatchObject({
      ok: true,
      targets: { [circuit]: { status: 'degraded', state: 'open', failures: 2 } },
    });
    const text = await (await fetch(`${base}/metrics`)).text();
    expect(text).toContain(`audience_loop_action_circuit_state{target="${circuit}"} 2`);
    expect(text).toMatch(new RegExp(`audience_loop_action_deferred_total\\{target="${circuit}"\\} [2-9]`));

    // The cool-down passes: one probe goes, the circuit closes and both entries are delivered.
    clock.ms += COOL_DOWN_MS + 1;
    await waitFor(
      async () => {
        await promoteDelayed();
        return (await settledLogs()).length >= 2;
      },
      60_000,
      'both applications settled',
    );
    const logs = await settledLogs();
    expect(logs.map((r) => r.Status__c)).toEqual(['Succeeded', 'Succeeded']);
    expect(deliveriesFor(alan).map((d) => d.status)).toEqual([200]);
    expect(deliveriesFor(ada).map((d) => d.status)).toEqual([503, 503, 200]);
    expect(receiver.distinctEventIds()).toHaveLength(2);

    const after = await readyz();
    expect(after.body.status).toBe('ready');
    expect(after.body.checks.action_targets).toMatchObject({
      targets: { [circuit]: { status: 'ok', state: 'closed' } },
    });
    expect(await (await fetch(`${base}/metrics`)).text()).toContain(
      `audience_loop_action_circuit_state{target="${circuit}"} 0`,
    );
  });
});
