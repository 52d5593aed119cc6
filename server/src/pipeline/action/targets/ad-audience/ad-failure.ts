/** The coded failures of the ad platforms; `retryable` decides whether the action step tries again. */
import type { ActionResult } from '../../action-target';

export type AdFailure = Extract<ActionResult, { status: 'Failed' }>;

export type AdFailureCode =
  /** Credentials refused (token, developer token, permission): a person must fix them. */
  | 'AD_AUDIENCE_AUTH'
  /** The platform asked us to slow down; every worker waits (PlatformBlock). */
  | 'AD_AUDIENCE_RATE_LIMITED'
  /** Google: another job runs on this user list. */
  | 'AD_AUDIENCE_JOB_RUNNING'
  /** 5xx, timeouts, connection errors. */
  | 'AD_AUDIENCE_UNAVAILABLE'
  /** The platform refused the request or this row (bad list, flagged audience, malformed identifier). */
  | 'AD_AUDIENCE_REJECTED'
  /** The platform's job finished as FAILED. */
  | 'AD_AUDIENCE_JOB_FAILED'
  /** The platform's credentials are not in the environment. */
  | 'AD_AUDIENCE_NOT_CONFIGURED'
  /** `Target__c` / `Settings__c` cannot name a list. */
  | 'AD_AUDIENCE_BAD_TARGET';

const RETRYABLE: ReadonlySet<AdFailureCode> = new Set([
  'AD_AUDIENCE_RATE_LIMITED',
  'AD_AUDIENCE_JOB_RUNNING',
  'AD_AUDIENCE_UNAVAILABLE',
]);

export function adFailure(code: AdFailureCode, message: string, retryAfterMs?: number): AdFailure {
  const failure: AdFailure = { status: 'Failed', code, message, retryable: RETRYABLE.has(code) };
  return retryAfterMs === undefined ? failure : { ...failure, retryAfterMs };
}
