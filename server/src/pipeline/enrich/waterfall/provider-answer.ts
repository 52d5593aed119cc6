import type { AttributeKey } from '../../../domain/attributes';
import type { EnrichmentProvider, ProviderOutcome } from '../providers/provider-contract';
import { chargedCredits, isRemote } from './provider-call';
import type { RecordRun } from './record-run';
import { isEmailKey, isFinalStatus, judge, replyStatusFor, underPolicy } from './value-judgement';
import type { WaterfallRequest } from './waterfall-request';

// What a provider's answer does to the record's waterfall, the cache, the circuit and the hit rates.

/** Books the call and its outcome: values judged and won on a match, misses cached, failures on the circuit. */
export async function handleOutcome(
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

export async function acceptMatch(
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
