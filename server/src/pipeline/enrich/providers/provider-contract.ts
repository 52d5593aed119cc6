/**
 * What every enrichment provider declares and answers (DESIGN §8): the attributes it produces, the input fields it
 * needs, what a call costs, its rate limit and timeout, and how its failures map to the five outcomes the
 * waterfall acts on. Adapters (offline, hunter, pdl, apollo, http:<name>) implement `EnrichmentProvider`; the
 * waterfall, cache, credits and rate limiter only ever see this seam.
 */
import type { AttributeKey, AttributeValue } from '../../../domain/attributes';
import type { FieldValue } from '../../../domain/mirror-record';

/** `offline`, `hunter`, `pdl`, `apollo`, or `http:<name>` for a provider defined in ENRICHMENT_PROVIDERS_FILE. */
export type ProviderId = 'offline' | 'hunter' | 'pdl' | 'apollo' | `http:${string}`;

/** The record as providers see it: flat field values by API name, `Account.<Field>` for parent values. */
export type ProviderInput = Readonly<Record<string, FieldValue | undefined>>;

export interface ProviderDescriptor {
  id: ProviderId;
  /** Attributes it can produce. */
  produces: readonly AttributeKey[];
  /**
   * Input fields it reads (for the mirror), and which must be present to call at all: each inner list is one
   * acceptable combination (e.g. [['Email'], ['FirstName', 'LastName', 'Account.Website']]).
   */
  inputFields: readonly string[];
  requiredInputs: readonly (readonly string[])[];
  /** Credits a call costs as the provider charges them: per call, or only when it finds something. */
  cost: { perCall: number; perMatch: number };
  /** Calls per window shared across all workers. */
  rateLimit: { max: number; windowMs: number };
  timeoutMs: number;
}

export type ProviderOutcome =
  | { kind: 'match'; values: AttributeValue[]; creditsCharged: number }
  | { kind: 'no_match'; creditsCharged: number }
  /** Try again later (429 with Retry-After, 5xx, timeout, 202 "still working"). */
  | { kind: 'retry_later'; retryAfterMs?: number; reason: string }
  /** Out of credits at the provider (e.g. Hunter 402): stop calling it until the period resets. */
  | { kind: 'quota_exhausted'; reason: string }
  /** The key is wrong or revoked: disable the provider and tell the admin. */
  | { kind: 'bad_credentials'; reason: string }
  /** A reply that does not match the documented shape (HTML, wrong types): this provider's error for this record. */
  | { kind: 'bad_reply'; reason: string };

export interface ProviderCall {
  input: ProviderInput;
  /** The attributes the waterfall still needs from this provider. */
  wanted: readonly AttributeKey[];
  signal?: AbortSignal;
}

export interface EnrichmentProvider {
  readonly descriptor: ProviderDescriptor;
  /** Never throws for a provider-side problem: every failure is an outcome. */
  enrich(call: ProviderCall): Promise<ProviderOutcome>;
}
