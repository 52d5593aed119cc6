/**
 * A provider that makes more than one call per record (finder + verifier, person + company) folds the calls'
 * results into one outcome. Values already paid for are never thrown away because a later call failed.
 */
import type { AttributeKey } from '../../../domain/attributes';
import { toAttributeValues, type Candidates } from './attribute-values';
import type { FailureOutcome } from './http-json';
import type { ProviderId, ProviderOutcome } from './provider-contract';

export type StepResult = { kind: 'found'; candidates: Candidates; credits: number } | { kind: 'none'; credits: number };

export type Step = StepResult | FailureOutcome;

// When several calls fail, the one the waterfall must act on most urgently is reported.
const SEVERITY: Record<FailureOutcome['kind'], number> = {
  bad_credentials: 4,
  quota_exhausted: 3,
  retry_later: 2,
  bad_reply: 1,
};

export function foldSteps(
  provider: ProviderId,
  steps: readonly Step[],
  wanted: readonly AttributeKey[],
  now: Date,
): ProviderOutcome {
  let credits = 0;
  const candidates: Candidates = {};
  const failures: FailureOutcome[] = [];
  for (const step of steps) {
    if (step.kind === 'found' || step.kind === 'none') {
      credits += step.credits;
      if (step.kind === 'found') {
        for (const [key, candidate] of Object.entries(step.candidates) as [AttributeKey, Candidates[AttributeKey]][]) {
          if (candidate && !candidates[key]) candidates[key] = candidate;
        }
      }
    } else {
      failures.push(step);
    }
  }
  const values = toAttributeValues(provider, candidates, wanted, now);
  if (values.length > 0) return { kind: 'match', values, creditsCharged: credits };
  // A charge is reported even when a later call failed: a credit spent must never go unrecorded.
  if (failures.length === 0 || credits > 0) return { kind: 'no_match', creditsCharged: credits };
  return failures.reduce((worst, next) => (SEVERITY[next.kind] > SEVERITY[worst.kind] ? next : worst));
}

/** True when any of `keys` is still wanted. */
export function wantsAny(wanted: readonly AttributeKey[], keys: readonly AttributeKey[]): boolean {
  return keys.some((key) => wanted.includes(key));
}

export function isFailure(step: Step): step is FailureOutcome {
  return step.kind !== 'found' && step.kind !== 'none';
}
