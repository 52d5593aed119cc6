import {
  ATTRIBUTE_SPECS,
  EMAIL_STATUSES,
  valueSchemaFor,
  type AttributeKey,
  type AttributeValue,
  type EmailStatus,
} from '../../../domain/attributes';
import type { ProviderId, ProviderInput } from '../providers/provider-contract';
import { judgeEmail, FINAL_OFFLINE_STATUSES, VERIFIER_STATUSES, type EmailPolicy } from './email-validation-policy';
import type { CachedValue } from './enrichment-cache';

// Whether a provider's (or the cache's) value may win: its schema, and for emails the plan's policy.

const EMAIL_STATUS_SET: ReadonlySet<string> = new Set(EMAIL_STATUSES);

export const isEmailKey = (key: AttributeKey): boolean => ATTRIBUTE_SPECS[key].kind === 'email';

/** A status that settles `person.email_status`: a verifier's verdict, or an offline one no verifier can improve. */
export const isFinalStatus = (value: string | number): boolean =>
  VERIFIER_STATUSES.has(String(value)) || FINAL_OFFLINE_STATUSES.has(String(value));

function inputEmail(input: ProviderInput): string | undefined {
  const email = input.Email;
  return typeof email === 'string' && email.trim() !== '' ? email.trim().toLowerCase() : undefined;
}

/** The verdict in the same reply on the email found, when it can only be about that address. */
export function replyStatusFor(
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

export type Judged =
  | { ok: true; value: AttributeValue; emailStatus?: EmailStatus }
  /** `keep`: refused only by this plan's policy (risky); another plan may accept it, so it is still cached. */
  | { ok: false; reason: string; keep?: CachedValue };

/** Validates one value from a provider (valueSchemaFor, then the email policy) and stamps provider, time and cost. */
export function judge(
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
export function underPolicy(cached: CachedValue, policy: EmailPolicy): AttributeValue | undefined {
  if (!isEmailKey(cached.value.key)) return cached.value;
  const verdict = judgeEmail(String(cached.value.value), cached.emailStatus, policy);
  if (!verdict.accepted) return undefined;
  return { ...cached.value, confidence: Math.round(cached.value.confidence * verdict.confidenceFactor * 1000) / 1000 };
}
