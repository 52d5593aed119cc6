import type { z } from 'zod';
import { AppError } from '../../lib/errors';
import type { Logger } from '../../lib/logger';
import { verifySignatureHeader } from '../../security/webhook-signature';
import type { SignalSink } from '../signal-firing';
import type { LoadedSignalRule } from '../signal-rule';
import { inboundSignalBodySchema } from './inbound-signal-body';
import { reply, type InboundSignalCounters, type InboundSignalReply } from './inbound-signal-outcome';
import type { SignalRecordResolver } from './signal-record-resolver';

/** What the intake needs from the running loop; absent until the loop has loaded its configuration. */
export interface InboundSignalLoop {
  /** The active signal rules of the configuration loaded now (a reload is seen at the next request). */
  rules(): readonly LoadedSignalRule[];
  resolver: SignalRecordResolver;
  sink: SignalSink;
}

export interface InboundSignalIntakeDeps {
  /** SIGNAL_WEBHOOK_SECRET, then SIGNAL_WEBHOOK_SECRET_PREVIOUS when set; none: the route answers 503. */
  secrets: readonly string[];
  loop: () => InboundSignalLoop | undefined;
  counters: InboundSignalCounters;
  logger: Logger;
  /** Milliseconds since the epoch (tests move it to make a signature stale). */
  now?: () => number;
}

/**
 * One inbound signal, from raw bytes to a firing. The order is the contract (docs/signals-webhook.md): the
 * signature first (401, and nothing else is looked at: an unsigned caller learns neither which slugs exist nor
 * whether the loop runs), then readiness (503), the slug (404), the body (400), the record (202 when none), and the
 * firing (202 fired or already fired; 503 when it may work later; 422 when the firer refuses it for good).
 */
export class InboundSignalIntake {
  private readonly now: () => number;

  constructor(private readonly deps: InboundSignalIntakeDeps) {
    this.now = deps.now ?? Date.now;
  }

  async receive(slug: string, signature: string | undefined, rawBody: Buffer): Promise<InboundSignalReply> {
    const result = await this.decide(slug, signature, rawBody);
    this.deps.counters.request(result.outcome);
    return result;
  }

  private async decide(slug: string, signature: string | undefined, rawBody: Buffer): Promise<InboundSignalReply> {
    const { secrets, logger } = this.deps;
    if (secrets.length === 0) return reply('not_configured', { message: 'SIGNAL_WEBHOOK_SECRET is not set' });
    const verdict = verifySignatureHeader(signature, rawBody, secrets, Math.floor(this.now() / 1000));
    if (!verdict.ok) {
      logger.warn({ slug: slug.slice(0, 64), reason: verdict.reason }, 'inbound signal refused: bad signature');
      return reply('unauthorized', { message: 'missing, malformed, stale or wrong X-Audiences-Signature' });
    }
    const loop = this.deps.loop();
    if (!loop) return reply('not_ready', { message: 'the loop is starting; try again shortly' });
    const rule = loop.rules().find((r) => r.type === 'Webhook' && r.settings.slug === slug);
    if (!rule) return reply('unknown_slug', { message: 'no active Webhook rule has this slug' });

    const parsed = parseBody(rawBody);
    if (!parsed.success)
      return reply('invalid_body', { message: 'the body does not match the schema', issues: parsed.issues });
    const body = parsed.data;

    const log = logger.child({ rule: rule.id, signalId: body.id });
    const resolution = await loop.resolver.resolve(body.record, rule.object).catch((error: unknown) => error as Error);
    if (resolution instanceof Error) return this.unavailable(resolution, log, 'the record could not be looked up');
    if (!resolution.found) {
      this.deps.counters.unknownRecord(resolution.reason);
      log.info({ reason: resolution.reason, detail: resolution.detail }, 'inbound signal names no record: not fired');
      return reply('unknown_record', { reason: resolution.reason, message: resolution.detail });
    }

    try {
      const outcome = await loop.sink.fire({
        rule,
        object: resolution.object,
        recordId: resolution.recordId,
        identity: body.id,
        summary: body.summary,
        evidence: body.evidence,
        confidence: body.confidence,
        occurredAt: body.occurredAt,
      });
      if (outcome.status === 'failed') {
        // The firer's final refusal (a passing one is thrown, retryable): the same body would be refused again.
        log.warn({ key: outcome.key, message: outcome.message }, 'inbound signal refused by the firer');
        return reply('refused', { message: `the signal was refused: ${outcome.message}` });
      }
      log.info({ key: outcome.key, status: outcome.status }, 'inbound signal accepted');
      return reply(outcome.status === 'fired' ? 'accepted' : 'duplicate', { signalId: outcome.signalId });
    } catch (error) {
      return this.unavailable(error, log, 'the signal could not be stored');
    }
  }

  /**
   * A coded error that says trying again cannot help → 422 with its code; anything else (Salesforce or Redis away,
   * no firer attached yet, an uncoded failure) → 503, so the sender retries and the signal is not lost.
   */
  private unavailable(error: unknown, log: Logger, what: string): InboundSignalReply {
    if (error instanceof AppError && !error.retryable) {
      log.error({ code: error.code, err: error }, what);
      return reply('refused', { code: error.code, message: what });
    }
    const code = error instanceof AppError ? error.code : 'SIGNAL_WEBHOOK_UNAVAILABLE';
    log.warn({ code, err: error }, `${what}; the sender may retry`);
    return reply('retry_later', { code, message: `${what}; try again later` });
  }
}

type BodyParse =
  | { success: true; data: z.infer<typeof inboundSignalBodySchema> }
  | { success: false; issues: { path: string; message: string }[] };

function parseBody(rawBody: Buffer): BodyParse {
  let json: unknown;
  try {
    json = JSON.parse(rawBody.toString('utf8'));
  } catch {
    return { success: false, issues: [{ path: '', message: 'not JSON' }] };
  }
  const parsed = inboundSignalBodySchema.safeParse(json);
  if (parsed.success) return { success: true, data: parsed.data };
  return {
    success: false,
    issues: parsed.error.issues.slice(0, 10).map((issue) => ({ path: issue.path.join('.'), message: issue.message })),
  };
}
