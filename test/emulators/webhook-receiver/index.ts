/**
 * A receiver of our outbound webhooks on loopback, written from the documented scheme (Stripe's, see
 * docs/actions-reference.md §3), not from our sender: it verifies `X-Audiences-Signature` over the raw body bytes
 * with its own secrets (any `v1` may match, constant-time, `t` within 300 s), dedupes by `X-Audiences-Event-Id`
 * (one effect per event id) and can be told to fail the next N deliveries.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import express from 'express';
import { listenOnLoopback } from '../providers/fake-server';

export interface Delivery {
  eventId: string | undefined;
  signature: string | undefined;
  verified: boolean;
  status: number;
  body: string;
}

export interface WebhookReceiver {
  /** `http://127.0.0.1:<port>/hooks/audiences`. */
  url: string;
  port: number;
  deliveries(): readonly Delivery[];
  /** Event ids delivered at least once with a valid signature. */
  distinctEventIds(): string[];
  /** What the receiver acted on: one parsed body per event id (a second delivery of an id changes nothing). */
  effects(): ReadonlyMap<string, unknown>;
  control: {
    /** The next `count` deliveries are answered `status` (after verification). */
    failNext(count: number, status?: number): void;
    /** The secrets this receiver accepts (a receiver that rotated, or not yet). */
    setSecrets(secrets: string[]): void;
    reset(): void;
  };
  stop(): Promise<void>;
}

const TOLERANCE_SECONDS = 300;

export function verifySignature(
  header: string | undefined,
  rawBody: Buffer,
  secrets: readonly string[],
  nowSeconds: number,
): boolean {
  if (!header) return false;
  const parts = header.split(',').map((part) => part.trim().split('='));
  const t = parts.find(([name]) => name === 't')?.[1];
  const v1s = parts.filter(([name]) => name === 'v1').map(([, value]) => value ?? '');
  if (!t || !/^\d+$/.test(t) || Math.abs(nowSeconds - Number(t)) > TOLERANCE_SECONDS) return false;
  const signed = Buffer.concat([Buffer.from(`${t}.`, 'utf8'), rawBody]);
  return secrets.some((secret) => {
    const expected = createHmac('sha256', secret).update(signed).digest();
    return v1s.some((v1) => {
      const given = Buffer.from(v1, 'hex');
      return given.length === expected.length && timingSafeEqual(given, expected);
    });
  });
}

export async function startWebhookReceiver(options: {
  secrets: string[];
  now?: () => number;
}): Promise<WebhookReceiver> {
  const now = options.now ?? Date.now;
  let secrets = [...options.secrets];
  const deliveries: Delivery[] = [];
  const effects = new Map<string, unknown>();
  const failing = { count: 0, status: 500 };

  const app = express();
  app.disable('x-powered-by');
  app.post('/hooks/audiences', express.raw({ type: '*/*', limit: '1mb' }), (req, res) => {
    const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    const eventId = req.get('x-audiences-event-id');
    const signature = req.get('x-audiences-signature');
    const verified = verifySignature(signature, raw, secrets, Math.floor(now() / 1000));
    let status = 200;
    if (!verified) status = 400;
    else if (failing.count > 0) {
      failing.count -= 1;
      status = failing.status;
    } else if (eventId && !effects.has(eventId)) {
      effects.set(eventId, JSON.parse(raw.toString('utf8')) as unknown);
    }
    deliveries.push({ eventId, signature, verified, status, body: raw.toString('utf8') });
    res.status(status).json({ received: status === 200 });
  });

  const server = await listenOnLoopback(app);
  return {
    url: `${server.origin}/hooks/audiences`,
    port: Number(new URL(server.origin).port),
    deliveries: () => deliveries,
    distinctEventIds: () => [
      ...new Set(deliveries.filter((d) => d.verified && d.eventId).map((d) => d.eventId as string)),
    ],
    effects: () => effects,
    control: {
      failNext(count, status = 500) {
        failing.count = count;
        failing.status = status;
      },
      setSecrets(next) {
        secrets = [...next];
      },
      reset() {
        deliveries.length = 0;
        effects.clear();
        failing.count = 0;
        secrets = [...options.secrets];
      },
    },
    stop: () => server.stop(),
  };
}
