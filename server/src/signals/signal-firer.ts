import type { RedisClient as Redis } from '../state/redis';
import { z } from 'zod';
import { valueSchemaFor, type AttributeValue } from '../domain/attributes';
import type { RecordObject } from '../domain/mirror-record';
import { UnavailableError } from '../lib/errors';
import type { Logger } from '../lib/logger';
import type { EnrichedWrites } from '../pipeline/enrich/runs/enriched-writes';
import type { MirrorStore } from '../pipeline/import/mirror-store';
import { toId18 } from '../pipeline/import/csv/salesforce-id';
import { jobId } from '../queues/job-ids';
import type { SaveOperation, SaveOutcome, SaveRow } from '../salesforce/writers/write-types';
import type { KeySpace } from '../state/key-space';
import { confidencePercent, evidenceText, summaryText } from './signal-evidence';
import {
  SIGNAL_ATTRIBUTE_KEYS,
  type FireOutcome,
  type SignalFiring,
  type SignalNotifyJob,
  type SignalSink,
} from './signal-firing';
import { signalKey } from './signal-key';

/** The lookup from `Audience_Signal__c` to the record it is about, per object. */
const RECORD_LOOKUP: Record<RecordObject, string> = {
  Contact: 'Contact__c',
  Lead: 'Lead__c',
  Account: 'Account__c',
};

/** Provider name on the attribute values a signal writes (provenance shows `signal:<type>`). */
const providerOf = (firing: SignalFiring) => `signal:${firing.rule.type}`;

/** Where one signal key stands in Redis: `pending` while its firing runs, the signal id once everything is done. */
const PENDING = 'pending';

/** What a detector hands over, checked before anything is written (a detector's bug is refused, not stored). */
const firingSchema = z.object({
  object: z.enum(['Contact', 'Lead', 'Account']),
  recordId: z.string().regex(/^[a-zA-Z0-9]{15}(?:[a-zA-Z0-9]{3})?$/, 'must be a Salesforce record id'),
  identity: z.string().min(1),
  summary: z.string().trim().min(1),
  evidence: z.record(z.string(), z.unknown()),
  confidence: z.number().min(0).max(1),
  occurredAt: z.iso.datetime({ offset: true }),
  attributes: z.partialRecord(z.enum(SIGNAL_ATTRIBUTE_KEYS), z.union([z.string(), z.number()])).optional(),
});

export interface SignalFirerDeps {
  /** The one Collections client (`Audience_Signal__c` upserts by `Key__c`). */
  collections: { save(operation: SaveOperation, rows: readonly SaveRow[]): Promise<SaveOutcome[]> };
  /** The enrichment writer path: field maps' rules, ledger, writer, then audience evaluation. */
  writes: Pick<EnrichedWrites, 'write'>;
  mirror: Pick<MirrorStore, 'get'>;
  /** The `signals` queue (job name `notify`). */
  notifications: { add(name: 'notify', data: SignalNotifyJob, options: { jobId: string }): Promise<unknown> };
  redis: Redis;
  keys: KeySpace;
  logger: Logger;
  now?: () => Date;
}

/**
 * The firer every detector hands its firings to (issue 14, "Firing"): one `Audience_Signal__c` per event, upserted
 * by a `Key__c` made of rule, record and the event's identity; the signal's attributes written onto the record under
 * their field maps' rules; a `notify` job for Slack. A re-fire of the same event is a `duplicate` that writes nothing.
 *
 * Order and crash safety: a Redis mark says `pending` before the upsert and holds the signal id once every step is
 * done. A re-fire finding the id answers `duplicate` without an API call; one finding `pending` (the last attempt died
 * half way) finishes the steps, each of which is idempotent (unchanged values plan no write, the notify job id is the
 * signal's). Without any mark (Redis lost) an upsert that did not create is a duplicate and nothing is redone.
 */
export class SignalFirer implements SignalSink {
  private readonly now: () => Date;

  constructor(private readonly deps: SignalFirerDeps) {
    this.now = deps.now ?? (() => new Date());
  }

  async fire(given: SignalFiring): Promise<FireOutcome> {
    // The mirror and the lookups use 18-character ids; a webhook may name a record by its 15-character one.
    const firing = { ...given, recordId: toId18(given.recordId) ?? given.recordId };
    const key = signalKey(firing.rule.id, firing.recordId, firing.identity);
    const parsed = firingSchema.safeParse(firing);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      return { status: 'failed', key, message: `invalid firing: ${issue?.path.join('.')} ${issue?.message ?? ''}` };
    }
    const attributes = this.attributeValues(firing);
    if ('problem' in attributes) return { status: 'failed', key, message: attributes.problem };

    const markKey = this.deps.keys.signalFired(key);
    const mark = await this.deps.redis.get(markKey);
    if (mark !== null && mark !== PENDING) return { status: 'duplicate', signalId: mark, key };
    // NX: of two firings of one event at the same moment, one claims it; the other only learns the signal's id.
    const claimed = mark === null && (await this.deps.redis.set(markKey, PENDING, 'NX')) === 'OK';

    const saved = await this.upsert(firing, key);
    if (!saved.ok) {
      if (!saved.final) {
        throw new UnavailableError('SIGNAL_SAVE_FAILED', `Audience_Signal__c ${key}: ${saved.code} ${saved.message}`);
      }
      // Refused for good: a later firing of the event may try again (after, say, a validation rule was fixed).
      if (claimed || mark === PENDING) await this.deps.redis.del(markKey);
      return { status: 'failed', key, message: `${saved.code}: ${saved.message}` };
    }
    const signalId = saved.id;
    if (!saved.created && mark !== PENDING) {
      // Stored before and no unfinished firing to resume: fired and finished already (Redis lost its mark), or
      // another firing of the same event, which claimed it, is finishing the work right now.
      if (claimed) await this.deps.redis.set(markKey, signalId);
      return { status: 'duplicate', signalId, key };
    }

    await this.writeAttributes(firing, attributes.values);
    await this.deps.notifications.add(
      'notify',
      { signalId, ruleId: firing.rule.id, object: firing.object, recordId: firing.recordId },
      { jobId: jobId('notify', signalId) },
    );
    await this.deps.redis.set(markKey, signalId);
    this.deps.logger.info(
      { signalId, rule: firing.rule.id, type: firing.rule.type, recordId: firing.recordId, resumed: !saved.created },
      'signal fired',
    );
    return { status: 'fired', signalId, key };
  }

  /** Status__c is never sent: its default (New) applies on create, and an existing signal's status stays as it is. */
  private async upsert(firing: SignalFiring, key: string): Promise<SaveOutcome> {
    const [outcome] = await this.deps.collections.save(
      { upsert: { object: 'Audience_Signal__c', externalIdField: 'Key__c' } },
      [
        {
          object: 'Audience_Signal__c',
          fields: {
            Key__c: key,
            Type__c: firing.rule.type,
            Audience_Signal_Rule__c: firing.rule.id,
            [RECORD_LOOKUP[firing.object]]: firing.recordId,
            Record_Id__c: firing.recordId,
            Summary__c: summaryText(firing.summary),
            Evidence__c: evidenceText(firing.evidence),
            Confidence__c: confidencePercent(firing.confidence),
            // When the event happened (the record's CreatedDate says when it was stored): the same for every re-fire.
            Fired_At__c: new Date(firing.occurredAt).toISOString(),
          },
        },
      ],
    );
    if (!outcome) throw new UnavailableError('SIGNAL_SAVE_FAILED', 'no outcome for the signal upsert');
    return outcome;
  }

  private attributeValues(firing: SignalFiring): { values: AttributeValue[] } | { problem: string } {
    const values: AttributeValue[] = [];
    const fetchedAt = this.now().toISOString();
    for (const [name, value] of Object.entries(firing.attributes ?? {})) {
      const key = name as (typeof SIGNAL_ATTRIBUTE_KEYS)[number];
      if (value === undefined) continue;
      const checked = valueSchemaFor(key).safeParse(value);
      if (!checked.success) {
        return { problem: `invalid firing: attribute ${key}: ${checked.error.issues[0]?.message ?? 'wrong kind'}` };
      }
      values.push({ key, value: checked.data, provider: providerOf(firing), confidence: firing.confidence, fetchedAt });
    }
    return { values };
  }

  /** Through the field maps' rules; a record the mirror lacks has no current values to apply them to, so it waits. */
  private async writeAttributes(firing: SignalFiring, values: AttributeValue[]): Promise<void> {
    if (values.length === 0) return;
    const record = await this.deps.mirror.get(firing.object, firing.recordId);
    if (!record) {
      this.deps.logger.warn(
        { rule: firing.rule.id, object: firing.object, recordId: firing.recordId },
        'signal fired for a record the loop does not mirror: its signal fields are not written',
      );
      return;
    }
    await this.deps.writes.write(firing.object, [record], new Map([[record.id, values]]));
  }
}
