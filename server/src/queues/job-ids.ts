import type { QueueName } from './queue-names';
import { InvalidJobIdError } from './queue-errors';

/** Letters, digits, '_', '.' and '-': safe inside BullMQ keys and in logs. BullMQ reserves ':' for its own layout. */
const ID_PART = /^[A-Za-z0-9_.-]+$/;

function checkPart(label: string, value: string): string {
  if (value.includes(':')) {
    throw new InvalidJobIdError(`${label} "${value}" contains ':', which BullMQ rejects in custom job ids; use '-'`);
  }
  if (!ID_PART.test(value)) {
    throw new InvalidJobIdError(`${label} "${value}" must be non-empty and use only letters, digits, '_', '.' or '-'`);
  }
  return value;
}

/**
 * The deterministic job id for one record at one stage, e.g. `enrich-003xx000001-v7`. Adding the same id twice is a
 * no-op in BullMQ, which is what makes re-delivered events idempotent. Throws on ':' instead of letting BullMQ fail
 * (or, for ids with exactly two ':', silently accept a legacy repeat-job id).
 */
export function buildJobId(stage: QueueName, recordId: string, version?: string | number): string {
  const parts = [checkPart('stage', stage), checkPart('record id', recordId)];
  if (version !== undefined) parts.push(`v${checkPart('version', String(version))}`);
  return parts.join('-');
}

/**
 * A deterministic job id from its parts, joined with '-' (e.g. `entry-<planId>-<episodeKey>`): the same parts give
 * the same id, so adding a job twice is a no-op. Every part is checked as `buildJobId` checks it.
 */
export function jobId(...parts: string[]): string {
  if (parts.length === 0) throw new InvalidJobIdError('a job id needs at least one part');
  return parts.map((part, index) => checkPart(`part ${index + 1}`, part)).join('-');
}
