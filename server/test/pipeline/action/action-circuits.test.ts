/**
 * The action targets' circuits on a real Redis (own prefix): what counts as the target's fault, the deferral's
 * remaining open time, one circuit per webhook host, and the `action_targets` readiness they make.
 */
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { actionTargetsReadiness } from '../../../src/http/action-target-readiness';
import { ActionCircuits, targetVerdict } from '../../../src/pipeline/action/action-circuits';
import type { ActionConfig, ActionResult, ActionType } from '../../../src/pipeline/action/action-target';
import { failed, skipped } from '../../../src/pipeline/action/targets/shared/target-results';
import { ManualClock, openTargetRedis } from './targets/target-test-kit';

let redis: Redis;
let prefix: string;
let cleanup: () => Promise<void>;

const action = (type: ActionType, target: string, id = 'a05000000000001AAA'): ActionConfig => ({
  id,
  name: `${type} action`,
  type,
  audienceId: 'a01000000000001AAA',
  target,
  onExit: 'Nothing',
  settings: {},
});

const down = failed('WEBHOOK_DELIVERY_FAILED', 'delivery failed: HTTP 503', true, 5_000);

beforeAll(async () => {
  ({ redis, prefix, cleanup } = await openTargetRedis('action-circuits'));
});

afterAll(async () => {
  await cleanup();
});

describe('action circuits', () => {
  it("counts only the target's faults: retryable failures and auth, not skips, refusals or rate limits", () => {
    expect(targetVerdict(down)).toBe('fault');
    expect(targetVerdict(failed('OUTREACH_AUTH_FAILED', 'HTTP 401', false))).toBe('fault');
    expect(targetVerdict(failed('SLACK_TOKEN_REVOKED', 'token_revoked', false))).toBe('fault');
    expect(targetVerdict(failed('OUTREACH_SEQUENCE_REJECTED', '422', false))).toBe('works');
    expect(targetVerdict(failed('SALESLOFT_RATE_LIMITED', 'HTTP 429', true, 1_000))).toBe('neutral');
    expect(targetVerdict(skipped('no_email'))).toBe('neutral');
    expect(targetVerdict({ status: 'Succeeded' })).toBe('works');
  });

  it('names one circuit per action type, and per host for webhooks', () => {
    expect(ActionCircuits.circuitOf(action('Outreach_Sequence', '42'))).toBe('Outreach_Sequence');
    expect(ActionCircuits.circuitOf(action('Webhook', 'https://hooks.example.com/a'))).toBe(
      'Webhook:hooks.example.com',
    );
    expect(ActionCircuits.circuitOf(action('Webhook', 'http://127.0.0.1:8080/b'))).toBe('Webhook:127.0.0.1:8080');
  });

  it('opens after N consecutive faults, defers for the remaining open time, and keeps other hosts closed', async () => {
    const clock = ManualClock.at('2026-03-01T12:00:00Z');
    const failing = action('Webhook', 'https://down.example.com/hook');
    const healthy = action('Webhook', 'https://up.example.com/hook', 'a05000000000002AAA');
    const circuits = new ActionCircuits(redis, prefix, () => [failing, healthy], {
      failureThreshold: 3,
      coolDownMs: 60_000,
      now: clock.now,
    });
    // Skips and rate limits neither count nor break the run of faults: the third fault opens the circuit.
    const answers: ActionResult[] = [down, skipped('opted_out'), down, failed('X_RATE_LIMITED', '429', true)];
    for (const answer of answers) await circuits.record(failing, answer);
    expect((await circuits.admit(failing)).allowed).toBe(true);
    await circuits.record(failing, down);
    clock.advance(15_000);

    expect(await circuits.admit(failing)).toEqual({
      allowed: false,
      circuit: 'Webhook:down.example.com',
      retryAfterMs: 45_000,
    });
    expect(await circuits.admit(healthy)).toEqual({ allowed: true, circuit: 'Webhook:up.example.com' });
    expect(circuits.deferred().get('Webhook:down.example.com')).toBe(1);
    const readiness = actionTargetsReadiness(await circuits.states());
    expect(readiness).toMatchObject({
      ok: true,
      degraded: 'target circuit Webhook:down.example.com open',
      targets: { 'Webhook:down.example.com': { status: 'degraded', state: 'open', failures: 3 } },
    });
    expect(readiness.targets['Webhook:up.example.com']).toEqual({ status: 'ok', state: 'closed', failures: 0 });

    // After the cool-down one probe goes; a working answer closes the circuit.
    clock.advance(45_000);
    expect(await circuits.admit(failing)).toEqual({ allowed: true, circuit: 'Webhook:down.example.com' });
    expect((await circuits.admit(failing)).allowed).toBe(false);
    await circuits.record(failing, { status: 'Succeeded' });
    expect((await circuits.admit(failing)).allowed).toBe(true);
    expect(actionTargetsReadiness(await circuits.states()).degraded).toBeUndefined();
  });

  it('a refusal of one record (the target answered) resets the run of faults', async () => {
    const clock = ManualClock.at('2026-03-01T12:00:00Z');
    const outreach = action('Outreach_Sequence', '42', 'a05000000000003AAA');
    const circuits = new ActionCircuits(redis, prefix, () => [outreach], { failureThreshold: 2, now: clock.now });
    await circuits.record(outreach, failed('OUTREACH_HTTP_503', 'HTTP 503', true));
    await circuits.record(outreach, failed('OUTREACH_SEQUENCE_REJECTED', '422', false));
    await circuits.record(outreach, failed('OUTREACH_HTTP_503', 'HTTP 503', true));
    expect((await circuits.admit(outreach)).allowed).toBe(true);
    await circuits.record(outreach, failed('OUTREACH_AUTH_FAILED', 'HTTP 401', false));
    expect((await circuits.admit(outreach)).allowed).toBe(false);
  });
});
