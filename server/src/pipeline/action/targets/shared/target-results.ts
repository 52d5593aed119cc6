import type { ActionResult } from '../../action-target';
import type { FieldValue } from '../../../../domain/mirror-record';

/** Why an application did nothing; the step writes it to `Audience_Action_Log__c.Message__c`. */
export const SKIP_REASONS = {
  noEmail: 'no_email',
  optedOut: 'opted_out',
  alreadyInTarget: 'already_in_target',
  notInTarget: 'not_in_target',
  notUndoable: 'not_undoable',
} as const;

export function skipped(reason: string, message?: string): ActionResult {
  return message === undefined ? { status: 'Skipped', reason } : { status: 'Skipped', reason, message };
}

export function failed(
  code: string,
  message: string,
  retryable: boolean,
  retryAfterMs?: number,
): Extract<ActionResult, { status: 'Failed' }> {
  const result: Extract<ActionResult, { status: 'Failed' }> = { status: 'Failed', code, message, retryable };
  if (retryAfterMs !== undefined) result.retryAfterMs = Math.max(0, Math.ceil(retryAfterMs));
  return result;
}

/** The record's email, trimmed, or undefined when blank. */
export function recordEmail(fields: Record<string, FieldValue>): string | undefined {
  const email = fields.Email;
  return typeof email === 'string' && email.trim() !== '' ? email.trim() : undefined;
}

/** Sequencers skip a record without an email or opted out of email (`HasOptedOutOfEmail`). */
export function emailSkip(fields: Record<string, FieldValue>): ActionResult | undefined {
  if (recordEmail(fields) === undefined) return skipped(SKIP_REASONS.noEmail, 'the record has no email address');
  if (fields.HasOptedOutOfEmail === true) {
    return skipped(SKIP_REASONS.optedOut, 'the record opted out of email (HasOptedOutOfEmail)');
  }
  return undefined;
}

/** A retry of an application (not its first attempt): an effect found now may be the one a crashed try made. */
export function isRetry(application: { attempt: number; previousExternalId?: string }): boolean {
  return application.attempt > 1 || application.previousExternalId !== undefined;
}

/** Text of a string field, or undefined when blank or not a string. */
export function textField(fields: Record<string, FieldValue>, name: string): string | undefined {
  const value = fields[name];
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}
