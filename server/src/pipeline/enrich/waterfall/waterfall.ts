import {
  ATTRIBUTE_SPECS,
  EMAIL_STATUSES,
  valueSchemaFor,
  type AttributeKey,
  type AttributeValue,
  type EmailStatus,
} from '../../../domain/attributes';
import type {
  EnrichmentProvider,
  ProviderDescriptor,
  ProviderId,
  ProviderInput,
  ProviderOutcome,
} from '../providers/provider-contract';
import type { CircuitBreaker } from './circuit-breaker';
import type { CreditLedger, CreditLimits } from './credit-ledger';
import { judgeEmail, FINAL_OFFLINE_STATUSES, VERIFIER_STATUSES, type EmailPolicy } from './email-validation-policy';
import type { CachedValue, EnrichmentCache } from './enrichment-cache';
import type { HitRateStats } from './hit-rate-stats';
import type { ProviderRateLimiter } from './provider-rate-limiter';
import { hasRequiredInputs } from './required-inputs';
import { startOfNextUtcMonth, utcMonth } from './waterfall-keys';

export type ProviderErrorKind = Exclude<ProviderOutcome['kind'], 'match' | 'no_match'>;

export interface WaterfallCall {
  provider: ProviderId;
  outcome: ProviderOutcome['kind'];
  /** What the provider charged (0 unless it answered match or no_match). */
  credits: number;
  asked: AttributeKey[];
}

export interface WaterfallError {
  provider: ProviderId;
  kind: ProviderErrorKind;
  reason: string;
}

export type SkipReason = 'not_configured' | 'missing_inputs' | 'circuit_open' | 'rate_limited' | 'known_no_match';

export interface WaterfallSkip {
  provider: ProviderId;
  reason: SkipReason;
  attributes: AttributeKey[];
}

export interface RejectedValue {
  provider: ProviderId;
  key: AttributeKey;
  value: string | number;
  reason: string;
}

export interface WaterfallPause {
  limit: 'run' | 'month';
  used: number;
  ceiling: number;
  /** The provider whose call would have crossed the limit. */
  provider: ProviderId;
  /** For Audience_Run__c.Status_Message__c: what happened and how to go on. */
  message: string;
}

export interface WaterfallResult {
  /** The winner per wanted attribute, in the order asked, each with provider, confidence, fetchedAt and cost. */
  values: AttributeValue[];
  winners: Partial<Record<AttributeKey, ProviderId>>;
  /** Winners that came from the cache: no call, no credit. */
  fromCache: AttributeKey[];
  calls: WaterfallCall[];
  errors: WaterfallError[];
  skipped: WaterfallSkip[];
  rejected: RejectedValue[];
  /** Attributes given up on because providers kept returning the same invalid value. */
  stoppedEarly: AttributeKey[];
  /** Wanted attributes still without a value. */
  missing: AttributeKey[];
  /** Set when a credit limit stopped the waterfall: the caller pauses the run and may resume it later. */
  paused?: WaterfallPause;
}

export interface WaterfallRequest {
  input: ProviderInput;
  wanted: readonly AttributeKey[];
  /** Audience_Enrichment__c.Providers__c, in order. */
  providerOrder: readonly ProviderId[];
  providers: ReadonlyMap<ProviderId, EnrichmentProvider>;
  cache: EnrichmentCache;
  credits: CreditLedger;
  limiter: ProviderRateLimiter;
  breaker: CircuitBreaker;
  hitRates?: HitRateStats;
  policy: EmailPolicy;
  planId: string;
  runId: string;
  /** Max_Credits_Per_Run__c and Monthly_Credit_Budget__c. */
  limits?: CreditLimits;
  now?: () => Date;
  /** Longest a record waits for a provider's rate limit before moving on to the next provider. */
  maxRateWaitMs?: number;
  /** This many providers in a row returning the same invalid value end the attribute's waterfall. */
  duplicateInvalidThreshold?: number;
  signal?: AbortSignal;
}

const EMAIL_STATUS_SET: ReadonlySet<string> = new Set(EMAIL_STATUSES);

/**
 * Offline values are computed locally for free: not worth a Redis round trip to cache or rate limit. Every other
 * provider is remote, even one that charges nothing (a self-hosted http: provider still has limits to respect).
 */
const isRemote = (descriptor: ProviderDescriptor): boolean => descriptor.id !== 'offline';

const isEmailKey = (key: AttributeKey): boolean => ATTRIBUTE_SPECS[key].kind === 'email';

/** A status that settles `person.email_status`: a verifier's verdict, or an offline one no verifier can improve. */
const isFinalStatus = (value: string | number): boolean =>
  VERIFIER_STATUSES.has(String(value)) || FINAL_OFFLINE_STATUSES.has(String(value));

const sameValue = (value: string | number): string => String(value).trim().toLowerCase();

function inputEmail(input: ProviderInput): string | undefined {
  const email = input.Email;
  return typeof email === 'string' && email.trim() !== '' ? email.trim().toLowerCase() : undefined;
}

function pauseMessage(limit: 'run' | 'month', used: number, ceiling: number, at: Date): string {
  if (limit === 'run') {
    return (
      `Paused: this run has used ${used} of its ${ceiling}-credit ceiling (Max Credits Per Run). ` +
      `Raise the ceiling and resume the run to continue; records already enriched are not paid for again.`
    );
  }
  const resetsOn = startOfNextUtcMonth(at).toISOString().slice(0, 10);
  return (
    `Paused: the plan has used ${used} of its monthly budget of ${ceiling} credits for ${utcMonth(at)} ` +
    `(Monthly Credit Budget). The budget resets on ${resetsOn} (UTC); raise it and resume to continue sooner.`
  );
}

/** Mutable state of one record's waterfall. */
class RecordRun {
  readonly found = new Map<AttributeKey, AttributeValue>();
  /** `person.email_status` values that a verifier further down may still replace. */
  readonly provisional = new Map<AttributeKey, AttributeValue>();
  readonly noMatchFrom = new Map<AttributeKey, Set<ProviderId>>();
  readonly invalidStreak = new Map<AttributeKey, { value: string; count: number }>();
  readonly stopped = new Set<AttributeKey>();
  readonly result: WaterfallResult = {
    values: [],
    winners: {},
    fromCache: [],
    calls: [],
    errors: [],
    skipped: [],
    rejected: [],
    stoppedEarly: [],
    missing: [],
  };

  constructor(readonly wanted: readonly AttributeKey[]) {}

  stillMissing(): AttributeKey[] {
    return this.wanted.filter((key) => !this.found.has(key) && !this.stopped.has(key));
  }

  win(value: AttributeValue, fromCache: boolean): void {
    this.found.set(value.key, value);
    this.provisional.delete(value.key);
    this.result.winners[value.key] = value.provider as ProviderId;
    if (fromCache) this.result.fromCache.push(value.key);
  }

  /** Counts an invalid value; true when the same one has now come back `threshold` times in a row. */
  invalid(key: AttributeKey, value: string | number, threshold: number): boolean {
    const normalised = sameValue(value);
    const streak = this.invalidStreak.get(key);
    const count = streak?.value === normalised ? streak.count + 1 : 1;
    this.invalidStreak.set(key, { value: normalised, count });
    return count >= threshold;
  }

  finish(): WaterfallResult {
    for (const value of this.provisional.values()) this.win(value, false);
    this.result.values = this.wanted.flatMap((key) => this.found.get(key) ?? []);
    this.result.missing = this.wanted.filter((key) => !this.found.has(key));
    return this.result;
  }
}

/** The verdict in the same reply on the email found, when it can only be about that address. */
function replyStatusFor(
  email: string,
  outcome: { values: AttributeValue[] },
  input: ProviderInput,
): EmailStatus | undefined {
  const status = outcome.values.find((value) => value.key === 'person.email_status')?.value;
  if (typeof status !== 'string' || !EMAIL_STATUS_SET.has(status)) return undefined;
  const recordEmail = inputEmail(input);
  // A status next to a found email describes the record's own Email unless they are the same address.
  if (recordEmail !== undefined && recordEmail !== email.trim().toLowerCase()) return undefined;
  return status as EmailStatus;
}

type Judged =
  | { ok: true; value: AttributeValue; emailStatus?: EmailStatus }
  /** `keep`: refused only by this plan's policy (risky); another plan may accept it, so it is still cached. */
  | { ok: false; reason: string; keep?: CachedValue };

/** Validates one value from a provider (valueSchemaFor, then the email policy) and stamps provider, time and cost. */
function judge(
  raw: AttributeValue,
  provider: ProviderId,
  emailStatus: EmailStatus | undefined,
  policy: EmailPolicy,
  now: Date,
  cost: number,
): Judged {
  const checked = valueSchemaFor(raw.key).safeParse(raw.value);
  if (!checked.success) return { ok: false, reason: checked.error.issues[0]?.message ?? 'not a valid value' };
  const confidence = Number.isFinite(raw.confidence) ? Math.min(1, Math.max(0, raw.confidence)) : 0;
  const fetchedAt = Number.isNaN(Date.parse(raw.fetchedAt)) ? now.toISOString() : raw.fetchedAt;
  // The provider is stamped here, not trusted from the adapter: "which provider won" must be true.
  const value: AttributeValue = { key: raw.key, value: checked.data, provider, confidence, fetchedAt, cost };
  if (!isEmailKey(raw.key)) return { ok: true, value };
  const verdict = judgeEmail(String(checked.data), emailStatus, policy);
  if (!verdict.accepted) {
    const keep = verdict.reason === 'risky' && emailStatus ? { value, emailStatus } : undefined;
    return { ok: false, reason: `email ${verdict.reason}`, ...(keep ? { keep } : {}) };
  }
  return { ok: true, value, ...(emailStatus ? { emailStatus } : {}) };
}

/** The value as a plan with `policy` sees it: emails' confidence reflects what is known about deliverability. */
function underPolicy(cached: CachedValue, policy: EmailPolicy): AttributeValue | undefined {
  if (!isEmailKey(cached.value.key)) return cached.value;
  const verdict = judgeEmail(String(cached.value.value), cached.emailStatus, policy);
  if (!verdict.accepted) return undefined;
  return { ...cached.value, confidence: Math.round(cached.value.confidence * verdict.confidenceFactor * 1000) / 1000 };
}

async function readCache(run: RecordRun, request: WaterfallRequest): Promise<void> {
  const lookups = await request.cache.lookup(run.wanted, request.input);
  for (const [key, lookup] of lookups) {
    if (lookup.kind === 'hit') {
      // A value another plan accepted under a looser email policy is not good enough for this one: look again.
      const value = underPolicy(lookup.cached, request.policy);
      // Bought earlier (maybe by another plan): this enrichment pays nothing for it.
      if (value) run.win({ ...value, cost: 0 }, true);
      // ...but the provider that found it would only sell us the same value again.
      else run.noMatchFrom.set(key, new Set([lookup.cached.value.provider as ProviderId]));
    } else if (lookup.kind === 'miss' && lookup.noMatchFrom.length > 0) {
      run.noMatchFrom.set(key, new Set(lookup.noMatchFrom));
    }
  }
}

async function acceptMatch(
  run: RecordRun,
  request: WaterfallRequest,
  provider: EnrichmentProvider,
  asked: readonly AttributeKey[],
  outcome: Extract<ProviderOutcome, { kind: 'match' }>,
  now: Date,
): Promise<AttributeKey[]> {
  const id = provider.descriptor.id;
  const remote = isRemote(provider.descriptor);
  const threshold = request.duplicateInvalidThreshold ?? 2;
  const cost = chargedCredits(outcome);
  const accepted: AttributeKey[] = [];
  const answered = new Set<AttributeKey>();
  for (const raw of outcome.values) {
    // Only what we asked for: a value for an attribute already won must not replace the winner.
    if (!asked.includes(raw.key) || answered.has(raw.key)) continue;
    answered.add(raw.key);
    const status = isEmailKey(raw.key) ? replyStatusFor(String(raw.value), outcome, request.input) : undefined;
    const judged = judge(raw, id, status, request.policy, now, cost);
    if (!judged.ok) {
      run.result.rejected.push({ provider: id, key: raw.key, value: raw.value, reason: judged.reason });
      if (run.invalid(raw.key, raw.value, threshold)) {
        run.stopped.add(raw.key);
        run.result.stoppedEarly.push(raw.key);
      }
      if (remote && judged.keep) await request.cache.putValue(request.input, judged.keep);
      else if (remote) await request.cache.putNoMatch(raw.key, request.input, id);
      continue;
    }
    run.invalidStreak.delete(raw.key);
    accepted.push(raw.key);
    const policyValue = underPolicy({ value: judged.value, emailStatus: judged.emailStatus }, request.policy);
    if (!policyValue) continue;
    if (raw.key === 'person.email_status' && !isFinalStatus(judged.value.value)) {
      // valid_format / role / personal: kept as the fallback while a verifier further down may give a verdict.
      if (!run.provisional.has(raw.key)) run.provisional.set(raw.key, policyValue);
      continue;
    }
    run.win(policyValue, false);
    if (remote) {
      await request.cache.putValue(request.input, {
        value: judged.value,
        ...(judged.emailStatus ? { emailStatus: judged.emailStatus } : {}),
      });
    }
  }
  for (const key of asked) {
    if (answered.has(key)) continue;
    // Matched the person but not this attribute: a miss for this lookup, and it breaks any invalid streak.
    run.invalidStreak.delete(key);
    if (remote) await request.cache.putNoMatch(key, request.input, id);
  }
  return accepted;
}

/** What a call cost: only match and no_match are charged; a nonsense charge counts as 0, as the ledger books it. */
function chargedCredits(outcome: ProviderOutcome): number {
  if (outcome.kind !== 'match' && outcome.kind !== 'no_match') return 0;
  return Number.isFinite(outcome.creditsCharged) && outcome.creditsCharged > 0 ? outcome.creditsCharged : 0;
}

async function callProvider(
  provider: EnrichmentProvider,
  input: ProviderInput,
  asked: readonly AttributeKey[],
  signal: AbortSignal | undefined,
): Promise<ProviderOutcome> {
  const timeout = AbortSignal.timeout(provider.descriptor.timeoutMs);
  try {
    return await provider.enrich({
      input,
      wanted: asked,
      signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
    });
  } catch (error) {
    // The contract says adapters never throw; one that does is treated as a bad reply, not a crashed run.
    return { kind: 'bad_reply', reason: `provider threw: ${error instanceof Error ? error.message : String(error)}` };
  }
}

/**
 * Enriches one record (DESIGN §8): cache first (a hit costs nothing and calls nobody), then the plan's providers in
 * order, each asked at once for every still-missing attribute it produces so no value is bought twice. Every value
 * is validated (valueSchemaFor and the email policy) and the first valid one per attribute wins. Providers are skipped
 * when they lack inputs, have their circuit open, are rate limited beyond `maxRateWaitMs`, or are known to have
 * nothing for this lookup. Credits are reserved before each call and settled after; a crossed limit stops the
 * waterfall with `paused`. Provider failures are recorded as that provider's error and the waterfall moves on.
 */
export async function runWaterfall(request: WaterfallRequest): Promise<WaterfallResult> {
  const now = request.now ?? (() => new Date());
  const run = new RecordRun([...new Set(request.wanted)]);
  await readCache(run, request);

  for (const id of request.providerOrder) {
    const missing = run.stillMissing();
    if (missing.length === 0) break;
    const provider = request.providers.get(id);
    if (!provider) {
      run.result.skipped.push({ provider: id, reason: 'not_configured', attributes: missing });
      continue;
    }
    const descriptor = provider.descriptor;
    const produced = missing.filter((key) => descriptor.produces.includes(key));
    if (produced.length === 0) continue;
    const asked = produced.filter((key) => !run.noMatchFrom.get(key)?.has(id));
    if (asked.length < produced.length) {
      const known = produced.filter((key) => !asked.includes(key));
      run.result.skipped.push({ provider: id, reason: 'known_no_match', attributes: known });
    }
    if (asked.length === 0) continue;
    if (!hasRequiredInputs(descriptor, request.input)) {
      run.result.skipped.push({ provider: id, reason: 'missing_inputs', attributes: asked });
      continue;
    }
    const gate = await request.breaker.check(id);
    if (!gate.allowed) {
      run.result.skipped.push({ provider: id, reason: 'circuit_open', attributes: asked });
      continue;
    }
    if (isRemote(descriptor)) {
      const token = await request.limiter.acquire(descriptor, { maxWaitMs: request.maxRateWaitMs ?? 2000 });
      if (!token.ok) {
        run.result.skipped.push({ provider: id, reason: 'rate_limited', attributes: asked });
        continue;
      }
    }
    const maxCost = descriptor.cost.perCall + descriptor.cost.perMatch;
    // Held a little past the call's own timeout: if this worker dies mid-call, the budget comes back by itself.
    const holdMs = Math.max(60_000, descriptor.timeoutMs * 2);
    const reserved = await request.credits.reserve(request.planId, request.runId, id, maxCost, request.limits, {
      holdMs,
    });
    if (!reserved.ok) {
      const message = pauseMessage(reserved.limit, reserved.used, reserved.ceiling, now());
      run.result.paused = {
        limit: reserved.limit,
        used: reserved.used,
        ceiling: reserved.ceiling,
        provider: id,
        message,
      };
      break;
    }
    let outcome: ProviderOutcome | undefined;
    try {
      outcome = await callProvider(provider, request.input, asked, request.signal);
    } finally {
      await request.credits.settle(reserved.reservation, outcome ? chargedCredits(outcome) : 0);
    }
    await handleOutcome(run, request, provider, asked, outcome, now());
  }
  return run.finish();
}

async function handleOutcome(
  run: RecordRun,
  request: WaterfallRequest,
  provider: EnrichmentProvider,
  asked: readonly AttributeKey[],
  outcome: ProviderOutcome,
  now: Date,
): Promise<void> {
  const id = provider.descriptor.id;
  run.result.calls.push({ provider: id, outcome: outcome.kind, credits: chargedCredits(outcome), asked: [...asked] });
  switch (outcome.kind) {
    case 'match': {
      const accepted = await acceptMatch(run, request, provider, asked, outcome, now);
      await request.breaker.recordSuccess(id);
      await request.hitRates?.record(id, asked, accepted, true);
      return;
    }
    case 'no_match': {
      for (const key of asked) {
        run.invalidStreak.delete(key);
        if (isRemote(provider.descriptor)) await request.cache.putNoMatch(key, request.input, id);
      }
      await request.breaker.recordSuccess(id);
      await request.hitRates?.record(id, asked, [], false);
      return;
    }
    case 'retry_later':
      if (outcome.retryAfterMs !== undefined) await request.limiter.penalise(id, outcome.retryAfterMs);
      await request.breaker.recordFailure(id, outcome.reason);
      break;
    case 'bad_reply':
      await request.breaker.recordFailure(id, outcome.reason);
      break;
    case 'bad_credentials':
      await request.breaker.recordBadCredentials(id, outcome.reason);
      break;
    case 'quota_exhausted':
      await request.breaker.recordQuotaExhausted(id, outcome.reason);
      break;
  }
  run.result.errors.push({ provider: id, kind: outcome.kind, reason: outcome.reason });
}
