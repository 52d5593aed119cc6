import type { AttributeKey, AttributeValue } from '../../../domain/attributes';
import type { ProviderId, ProviderOutcome } from '../providers/provider-contract';
import type { CircuitTrip } from './circuit-breaker';

// What one record's waterfall reports: the winners, and every call, error, skip and rejection behind them.

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
  /** circuit_open: what opened the circuit (bad credentials, quota, repeated failures)… */
  trip?: CircuitTrip;
  /** …and the reply that opened it, so a run can say why without a call. */
  detail?: string;
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

/** A result with nothing in it: a record no provider was asked about (unreadable, or skipped before the waterfall). */
export function emptyWaterfallResult(): WaterfallResult {
  return {
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
}
