import type { EmailStatus } from '../../../domain/attributes';
import { classifyEmail } from '../offline/email-status';

/**
 * How a plan treats emails a verifier could not confirm (the product landscape §1.4: Clay's "Conservative" and
 * "Balanced" strategies). Both reject what is malformed, disposable or undeliverable; they differ on `risky`
 * (catch-all or unknown mailbox): conservative refuses it, balanced keeps it with a lower confidence.
 */
export type EmailPolicy = 'conservative' | 'balanced';

export const EMAIL_POLICIES: readonly EmailPolicy[] = ['conservative', 'balanced'];

/** Confidence multipliers: a value is only as trustworthy as what is known about its deliverability. */
export const EMAIL_CONFIDENCE_FACTOR = {
  verified: 1,
  /** No verifier verdict: the provider's own confidence, slightly discounted. */
  unverified: 0.85,
  /** Balanced only: a catch-all domain accepts everything, so the mailbox may not exist. */
  risky: 0.6,
} as const;

export type EmailJudgement =
  | { accepted: true; confidenceFactor: number }
  | { accepted: false; reason: 'malformed' | 'disposable' | 'undeliverable' | 'risky' };

/**
 * Judges one email found for `person.work_email` (or any email-valued attribute). `status` is the verifier's verdict
 * on that very address when the provider gave one; offline checks run regardless, so a provider cannot sell us an
 * address that is not even well formed.
 */
export function judgeEmail(email: string, status: EmailStatus | undefined, policy: EmailPolicy): EmailJudgement {
  const offline = classifyEmail(email);
  if (offline === undefined || offline === 'invalid') return { accepted: false, reason: 'malformed' };
  if (offline === 'disposable' || status === 'disposable') return { accepted: false, reason: 'disposable' };
  if (status === 'invalid') return { accepted: false, reason: 'malformed' };
  if (status === 'undeliverable') return { accepted: false, reason: 'undeliverable' };
  if (status === 'risky') {
    return policy === 'balanced'
      ? { accepted: true, confidenceFactor: EMAIL_CONFIDENCE_FACTOR.risky }
      : { accepted: false, reason: 'risky' };
  }
  if (status === 'verified') return { accepted: true, confidenceFactor: EMAIL_CONFIDENCE_FACTOR.verified };
  return { accepted: true, confidenceFactor: EMAIL_CONFIDENCE_FACTOR.unverified };
}

/** The statuses only a verifier gives: a `person.email_status` carrying one of them ends that attribute's waterfall. */
export const VERIFIER_STATUSES: ReadonlySet<string> = new Set<EmailStatus>(['verified', 'risky', 'undeliverable']);

/**
 * Offline statuses that already settle the question: verifying an address that is malformed or disposable would
 * be paying to learn nothing.
 */
export const FINAL_OFFLINE_STATUSES: ReadonlySet<string> = new Set<EmailStatus>(['invalid', 'disposable']);
