import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { checkTargetAddress, type ResolveHost } from '../../../../src/pipeline/action/targets/webhook/target-address';
import type { WebhookConfig } from '../../../../src/pipeline/action/targets/webhook/webhook-config';
import {
  createWebhookTarget,
  webhookSettingsSchema,
  type WebhookSettings,
} from '../../../../src/pipeline/action/targets/webhook/webhook-target';
import { startWebhookReceiver, type WebhookReceiver } from '../../../../../test/emulators/webhook-receiver/index';
import { buildApplication, ManualClock, silentLogger } from './target-test-kit';

const CURRENT_SECRET = 'whsec-current-0123456789abcdef';
const PREVIOUS_SECRET = 'whsec-previous-0123456789abcdef';

let receiver: WebhookReceiver;
// The receiver checks the signature's timestamp against the same hand-moved clock the target signs with.
let clock = new ManualClock(Date.now());

beforeAll(async () => {
  receiver = await startWebhookReceiver({ secrets: [CURRENT_SECRET], now: () => clock.now() });
});

afterAll(async () => {
  await receiver.stop();
});

beforeEach(() => {
  receiver.control.reset();
  clock = new ManualClock(Date.now());
});

const settings: WebhookSettings = webhookSettingsSchema.parse({ fields: ['Email', 'Title'] });

function target(config: Partial<WebhookConfig> = {}, resolve?: ResolveHost) {
  return createWebhookTarget({
    config: { signingSecret: CURRENT_SECRET, allowPrivateTargets: true, ...config },
    logger: silentLogger,
    now: clock.now,
    ...(resolve ? { resolve } : {}),
  });
}

const application = (overrides: Parameters<typeof buildApplication<WebhookSettings>>[1] = {}) =>
  buildApplication(settings, {
    type: 'Webhook',
    target: receiver.url,
    occurredAt: new Date(clock.now()).toISOString(),
    ...overrides,
  });

/** A resolver for made-up names; it counts its calls. */
function fakeDns(table: Record<string, string>) {
  const calls: string[] = [];
  const resolve: ResolveHost = async (hostname) => {
    calls.push(hostname);
    const address = table[hostname];
    if (!address) throw Object.assign(new Error('not found'), { code: 'ENOTFOUND' });
    return [{ address, family: address.includes(':') ? 6 : 4 }];
  };
  return { resolve, calls };
}

describe('Webhook target', () => {
  it('when a record enters, then the receiver gets the signed event with the chosen fields and the application key as event id', async () => {
    const app = application();
    const result = await target().apply(app);
    expect(result).toMatchObject({ status: 'Succeeded', externalId: app.key });
    const [delivery] = receiver.deliveries();
    expect(delivery).toMatchObject({ verified: true, status: 200, eventId: app.key });
    expect(JSON.parse(delivery?.body ?? '{}')).toEqual({
      event: 'entered',
      audience: { id: app.audience.id, name: 'Hot leads' },
      record: { id: app.record.id, object: 'Contact', Email: 'olivia.martin@acme.com', Title: 'VP Sales' },
      episodeKey: app.episodeKey,
      occurredAt: app.occurredAt,
    });
    expect(delivery?.signature).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
  });

  it('when the record exits with Remove, then an exited event goes out under the remove key', async () => {
    const app = application({ operation: 'remove' });
    expect(await target().remove(app)).toMatchObject({ status: 'Succeeded' });
    expect(receiver.deliveries()[0]?.eventId).toMatch(/-remove$/);
    expect(JSON.parse(receiver.deliveries()[0]?.body ?? '{}')).toMatchObject({ event: 'exited' });
  });

  it('when the secret is being rotated, then two v1 signatures go out and receivers on either secret accept', async () => {
    const rotating = target({ previousSigningSecret: PREVIOUS_SECRET });
    receiver.control.setSecrets([PREVIOUS_SECRET]);
    expect(await rotating.apply(application())).toMatchObject({ status: 'Succeeded' });
    receiver.control.setSecrets([CURRENT_SECRET]);
    expect(await rotating.apply(application({ episodeKey: 'a01-003-2' }))).toMatchObject({ status: 'Succeeded' });
    expect(receiver.deliveries().map((d) => d.verified)).toEqual([true, true]);
    expect(receiver.deliveries()[0]?.signature).toMatch(/^t=\d+,v1=[0-9a-f]{64},v1=[0-9a-f]{64}$/);

    receiver.control.setSecrets(['some-other-secret-entirely']);
    expect(await rotating.apply(application({ episodeKey: 'a01-003-3' }))).toMatchObject({
      status: 'Failed',
      retryable: true,
    });
  });

  it('when the receiver fails twice then succeeds, then every try carries the same event id and it acts once', async () => {
    receiver.control.failNext(2, 503);
    const webhook = target();
    const first = await webhook.apply(application({ attempt: 1 }));
    expect(first).toMatchObject({ status: 'Failed', retryable: true, code: 'WEBHOOK_DELIVERY_FAILED' });
    expect((first as { retryAfterMs: number }).retryAfterMs).toBeLessThanOrEqual(10_000);
    expect(await webhook.apply(application({ attempt: 2 }))).toMatchObject({ status: 'Failed', retryable: true });
    expect(await webhook.apply(application({ attempt: 3 }))).toMatchObject({ status: 'Succeeded' });
    // A delivery repeated after a crash (at-least-once) is still one effect at the receiver.
    expect(await webhook.apply(application({ attempt: 4 }))).toMatchObject({ status: 'Succeeded' });
    expect(receiver.deliveries().map((d) => d.status)).toEqual([503, 503, 200, 200]);
    expect(receiver.distinctEventIds()).toEqual([application().key]);
    expect(receiver.effects().size).toBe(1);
  });

  it('when deliveries keep failing past giveUpAfterHours, then the application fails for good with the last status', async () => {
    const occurredAt = new Date(clock.now()).toISOString();
    receiver.control.failNext(10, 500);
    const webhook = target();
    clock.advance(23 * 3_600_000 + 59 * 60_000);
    const late = await webhook.apply(application({ occurredAt, attempt: 12 }));
    // The last retry is due at the deadline, a minute away, not an hour of backoff.
    expect(late).toMatchObject({ status: 'Failed', retryable: true, retryAfterMs: 60_000 });
    clock.advance(60_000);
    const last = await webhook.apply(application({ occurredAt, attempt: 13 }));
    expect(last).toMatchObject({ status: 'Failed', retryable: false, code: 'WEBHOOK_GAVE_UP' });
    expect((last as { message: string }).message).toContain('HTTP 500');
  });

  it('when the URL is not https or reaches a private address, then nothing is sent and the application fails for good', async () => {
    const dns = fakeDns({ 'internal.example': '10.1.2.3', 'metadata.example': '169.254.169.254', 'v6.example': '::1' });
    const strict = target({ allowPrivateTargets: false }, dns.resolve);
    const strictRealDns = target({ allowPrivateTargets: false });
    const cases = [
      [strict, `http://public.example/hook`, 'must use https'],
      [strictRealDns, `https://localhost:${receiver.port}/hooks/audiences`, 'resolves to'],
      [strict, 'https://internal.example/hook', '10.1.2.3'],
      [strict, 'https://metadata.example/latest', '169.254.169.254'],
      [strict, 'https://v6.example/hook', '::1'],
      [strict, 'https://[::1]/hook', '::1'],
      [strict, 'https://127.0.0.1/hook', '127.0.0.1'],
    ] as const;
    for (const [webhook, url, why] of cases) {
      const result = await webhook.apply(application({ target: url }));
      expect(result, url).toMatchObject({ status: 'Failed', retryable: false, code: 'WEBHOOK_TARGET_REFUSED' });
      expect((result as { message: string }).message, url).toContain(why);
      expect(await webhook.validateTarget?.(application({ target: url }).action), url).toContain(why);
    }
    expect(receiver.deliveries()).toHaveLength(0);
  });

  it('when the name resolves to a public address, then the check passes and pins that address', async () => {
    const dns = fakeDns({ 'hooks.example': '93.184.215.14' });
    const check = await checkTargetAddress('https://hooks.example/x', { allowPrivate: false, resolve: dns.resolve });
    expect(check).toMatchObject({ ok: true, address: { address: '93.184.215.14', family: 4 } });
  });

  it('when a name resolves, then the connection goes to the address that was checked (resolved once, not again by the system)', async () => {
    // `.invalid` never resolves in real DNS: the delivery can only arrive if the checked address was pinned.
    const dns = fakeDns({ 'receiver.invalid': '127.0.0.1' });
    const pinned = target({ allowPrivateTargets: true }, dns.resolve);
    const result = await pinned.apply(
      application({ target: `http://receiver.invalid:${receiver.port}/hooks/audiences` }),
    );
    expect(result).toMatchObject({ status: 'Succeeded' });
    expect(dns.calls).toEqual(['receiver.invalid']);
    expect(receiver.deliveries()).toHaveLength(1);
  });

  it('when the host does not resolve, then the delivery is retried (an unreachable URL), and validateTarget reports it', async () => {
    const dns = fakeDns({});
    const webhook = target({ allowPrivateTargets: false }, dns.resolve);
    const app = application({ target: 'https://gone.example/hook' });
    expect(await webhook.apply(app)).toMatchObject({ status: 'Failed', retryable: true });
    expect(await webhook.validateTarget?.(app.action)).toContain('does not resolve');
  });

  it('when Settings__c is malformed, then zod names the bad path', () => {
    const parsed = webhookSettingsSchema.safeParse({ fields: ['Email', 'bad field'], giveUpAfterHours: -1 });
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues.map((issue) => issue.path.join('.'))).toEqual(['fields.1', 'giveUpAfterHours']);
  });
});

describe('isForbiddenAddress', () => {
  it('refuses loopback, private, link-local and mapped forms; allows public addresses', async () => {
    const { isForbiddenAddress } = await import('../../../../src/pipeline/action/targets/webhook/target-address');
    for (const address of [
      '127.0.0.1',
      '10.0.0.1',
      '172.16.5.4',
      '192.168.1.1',
      '169.254.169.254',
      '100.64.0.1',
      '0.0.0.0',
      '::1',
      '::',
      'fe80::1',
      'fd00::1',
      '::ffff:127.0.0.1',
      '::ffff:10.0.0.1',
    ]) {
      expect(isForbiddenAddress(address), address).toBe(true);
    }
    for (const address of ['93.184.215.14', '8.8.8.8', '2606:4700:4700::1111']) {
      expect(isForbiddenAddress(address), address).toBe(false);
    }
  });
});
