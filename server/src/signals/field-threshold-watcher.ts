import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { LoopConfig } from '../config/loop-config';
import type { FieldValue, MirrorRecord, RecordObject } from '../domain/mirror-record';
import type { Logger } from '../lib/logger';
import { isBlankFieldValue } from '../pipeline/export/field-value-compare';
import type { ObservedWrite } from '../pipeline/loop-observers';
import { jobId } from '../queues/job-ids';
import type { SignalFiring, SignalSink } from './signal-firing';
import type { LoadedSignalRule, SignalSettings } from './signal-rule';

type ThresholdRule = Extract<LoadedSignalRule, { type: 'Field_Threshold' }>;
type ThresholdSettings = SignalSettings<'Field_Threshold'>;

/** The active Field_Threshold rules watching one object. */
export function thresholdRulesFor(config: LoopConfig, object: RecordObject): ThresholdRule[] {
  return config.signalRules.filter(
    (rule): rule is ThresholdRule => rule.type === 'Field_Threshold' && rule.object === object,
  );
}

/** The fields the mirror must keep for the threshold rules (their current value is the next change's previous one). */
export function thresholdFieldsFor(config: LoopConfig, object: RecordObject): string[] {
  return thresholdRulesFor(config, object).map((rule) => rule.settings.field);
}

/** A number, or an instant for date values; NaN when the value is neither. */
function ordered(value: FieldValue): number {
  if (typeof value === 'number') return value;
  if (typeof value !== 'string' || value.trim() === '') return Number.NaN;
  const text = value.trim();
  const number = Number(text);
  return Number.isFinite(number) ? number : Date.parse(text);
}

/** Whether a value is past the rule's threshold; a blank is never past it. */
export function isPast(settings: ThresholdSettings, value: FieldValue | undefined): boolean {
  if (value === undefined || isBlankFieldValue(value)) return false;
  if (settings.op === 'eq') {
    return typeof settings.value === 'number'
      ? ordered(value) === settings.value
      : String(value).trim() === settings.value.trim();
  }
  const actual = ordered(value);
  const threshold = ordered(settings.value);
  if (Number.isNaN(actual) || Number.isNaN(threshold)) return false;
  switch (settings.op) {
    case 'gt':
      return actual > threshold;
    case 'gte':
      return actual >= threshold;
    case 'lt':
      return actual < threshold;
    case 'lte':
      return actual <= threshold;
  }
}

/** Where a crossing was seen: a change event taken in by the CDC intake, or a write of the loop's own. */
const CROSSING_SOURCES = { cdc: 'change data capture', write: 'written by the loop' } as const;

/** One crossing, queued on `signals` (job name `threshold`) and fired there, with the queue's retries. */
export const thresholdJobSchema = z.object({
  ruleId: z.string().min(1),
  object: z.enum(['Contact', 'Lead', 'Account']),
  recordId: z.string().min(1),
  previous: z.union([z.string(), z.number(), z.boolean(), z.null()]),
  value: z.union([z.string(), z.number(), z.boolean(), z.null()]),
  /** The change's commit time, or when our write was confirmed (epoch ms): part of the crossing's identity. */
  at: z.number().int().positive(),
  /** The change event's `transactionKey.sequenceNumber` (CDC crossings; see WatchedChange). */
  change: z.string().min(1).optional(),
  source: z.enum(['cdc', 'write']),
});
export type ThresholdJob = z.infer<typeof thresholdJobSchema>;

export interface FieldThresholdWatcherDeps {
  config: () => LoopConfig;
  sink: SignalSink;
  /** The `signals` queue: crossings wait there for the signals worker, which fires them. */
  queue: { add(name: 'threshold', data: ThresholdJob, options: { jobId: string }): Promise<unknown> };
  logger: Logger;
  now?: () => number;
}

/** A change of one field seen by the CDC intake, with the value the mirror held before it. */
export interface WatchedChange {
  object: RecordObject;
  /** The mirror's record before the change (its fields hold the previous values). */
  before: MirrorRecord;
  /** The changed fields and their new values. */
  changes: Readonly<Record<string, FieldValue>>;
  /** The change event's commit time (epoch ms): with the field and the new value, it names the crossing. */
  commitTimestamp: number;
  /**
   * The change event's `transactionKey.sequenceNumber`: commit times are whole seconds, so two crossings of one
   * field to one value within a second (up, down, up) would otherwise share a name and the second be taken for a
   * replay of the first. A replay of the same event carries the same pair.
   */
  changeKey?: string;
}

/**
 * `Field_Threshold` (issue 14): change-driven, no polling. Each change of a watched field is compared with the
 * mirror's previous value; a rule fires only on a crossing (previous not past the value, new one past it), so a
 * record staying above does not fire again, and dropping back then crossing again does. Crossings are queued as
 * `threshold` jobs (the stream never waits on Salesforce; a failed firing is retried by the queue, not by replaying
 * the change event) and fired by the signals worker. The identity is the field, the new value and the change's
 * commit time: a replay of the same change event makes the same job id and the same key, a later crossing others.
 * A record seen for the first time (created, or read in when it starts matching its source) has no previous value
 * and does not fire, nor does a field the mirror did not hold yet.
 */
export class FieldThresholdWatcher {
  constructor(private readonly deps: FieldThresholdWatcherDeps) {}

  /** Whether any active rule watches one of these changed fields (the intake reads the previous record only then). */
  watches(object: RecordObject, changedFields: Iterable<string>): boolean {
    const fields = new Set(thresholdFieldsFor(this.deps.config(), object));
    if (fields.size === 0) return false;
    for (const field of changedFields) if (fields.has(field)) return true;
    return false;
  }

  /**
   * A change the CDC intake took in, before it patches the mirror: each crossing is queued. Throws when it cannot be
   * queued, so the change event is handled again (the mirror still holding the previous value).
   */
  async check(change: WatchedChange): Promise<void> {
    for (const rule of thresholdRulesFor(this.deps.config(), change.object)) {
      const { field } = rule.settings;
      if (!Object.hasOwn(change.changes, field) || !Object.hasOwn(change.before.fields, field)) continue;
      const previous = change.before.fields[field] ?? null;
      const next = change.changes[field] ?? null;
      if (isPast(rule.settings, previous) || !isPast(rule.settings, next)) continue;
      await this.queue({
        ruleId: rule.id,
        object: change.object,
        recordId: change.before.id,
        previous,
        value: next,
        at: change.commitTimestamp,
        ...(change.changeKey && { change: change.changeKey }),
        source: 'cdc',
      });
    }
  }

  /**
   * The loop's own writes (an enrichment writing `NumberOfEmployees`, a signal writing `Job_Change_Detected_At__c`):
   * their change events are dropped as echoes, so the crossings are taken from the confirmed writes themselves.
   * Called by the loop's observers; never throws (a crossing that cannot be queued is logged).
   */
  async queueOwnWrites(writes: readonly ObservedWrite[]): Promise<void> {
    const at = (this.deps.now ?? Date.now)();
    for (const write of writes) {
      for (const rule of thresholdRulesFor(this.deps.config(), write.record.object)) {
        const change = write.changes.find((c) => c.field === rule.settings.field);
        if (!change || isPast(rule.settings, change.before) || !isPast(rule.settings, change.after)) continue;
        const job: ThresholdJob = {
          ruleId: rule.id,
          object: write.record.object,
          recordId: write.record.id,
          previous: change.before,
          value: change.after,
          at,
          source: 'write',
        };
        await this.queue(job).catch((error: unknown) =>
          this.deps.logger.error({ err: error, rule: rule.id, recordId: write.record.id }, 'threshold not queued'),
        );
      }
    }
  }

  /** The signals worker's `threshold` job: fires the crossing if its rule is still active (a refusal is logged). */
  async runJob(raw: unknown): Promise<{ status: string }> {
    const job = thresholdJobSchema.parse(raw);
    const rule = thresholdRulesFor(this.deps.config(), job.object).find((r) => r.id === job.ruleId);
    if (!rule) return { status: 'rule inactive' };
    const outcome = await this.deps.sink.fire(this.firing(rule, job));
    if (outcome.status === 'failed') {
      this.deps.logger.warn({ rule: rule.id, recordId: job.recordId, message: outcome.message }, 'threshold refused');
    }
    return { status: outcome.status };
  }

  private queue(job: ThresholdJob): Promise<unknown> {
    return this.deps.queue.add('threshold', job, {
      // The change key is hashed: a transactionKey may hold characters a job id must not.
      jobId: jobId(
        'threshold',
        job.ruleId,
        job.recordId,
        String(job.at),
        ...(job.change ? [createHash('sha256').update(job.change).digest('hex').slice(0, 16)] : []),
      ),
    });
  }

  private firing(rule: ThresholdRule, job: ThresholdJob): SignalFiring {
    const { field, op, value } = rule.settings;
    const changedAt = new Date(job.at).toISOString();
    const { previous, value: next } = job;
    return {
      rule,
      object: job.object,
      recordId: job.recordId,
      identity: `${field}|${JSON.stringify(next)}|${job.at}${job.change ? `|${job.change}` : ''}`,
      summary: `${field} crossed ${OP_TEXT[op]} ${String(value)}: ${String(previous)} → ${String(next)}`,
      evidence: {
        field,
        op,
        threshold: value,
        previous,
        value: next,
        changedAt,
        source: CROSSING_SOURCES[job.source],
      },
      // A field's value as Salesforce holds it: nothing is guessed.
      confidence: 1,
      occurredAt: changedAt,
    };
  }
}

const OP_TEXT: Record<ThresholdSettings['op'], string> = { gt: '>', gte: '≥', lt: '<', lte: '≤', eq: '=' };
