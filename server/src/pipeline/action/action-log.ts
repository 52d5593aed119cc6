import { z } from 'zod';
import type { OrgClient } from '../../salesforce/org-client';
import { actionLogsByKeyQuery, membersByKeyQuery } from '../../salesforce/selectors/action-selectors';
import type { CollectionsClient } from '../../salesforce/writers/collections-client';
import type { SaveOperation } from '../../salesforce/writers/write-types';
import { ActionLogNotSavedError } from './action-errors';
import type { ActionOperation } from './action-target';
import { APPLICATION_STATUSES, type ApplicationStatus } from './application-state';
import { MicroBatcher } from './micro-batcher';

const UPSERT: SaveOperation = { upsert: { object: 'Audience_Action_Log__c', externalIdField: 'Key__c' } };
/** Keys per query: ~70 characters each keeps the SOQL far below its length limit. */
const KEYS_PER_QUERY = 200;
/** Member ids remembered per process (the log's lookup to its episode). */
const MEMBER_ID_CACHE = 10_000;

/** One application's row in `Audience_Action_Log__c`. */
export interface ActionLogEntry {
  key: string;
  operation: ActionOperation;
  actionId: string;
  /** The membership episode (`Audience_Member__c.Key__c`); a signal's Enrol names the signal instead. */
  episodeKey?: string;
  signalId?: string;
  recordId: string;
  status: ApplicationStatus;
  externalId?: string;
  message?: string;
  attempts: number;
}

const storedSchema = z.looseObject({
  Key__c: z.string(),
  Status__c: z.enum(APPLICATION_STATUSES).nullish(),
  External_Id__c: z.string().nullish(),
  Attempts__c: z.number().nullish(),
  Message__c: z.string().nullish(),
  CreatedDate: z.string().nullish(),
});

/** A log row as Salesforce holds it. */
export interface StoredActionLog {
  key: string;
  status: ApplicationStatus;
  externalId?: string;
  attempts: number;
  message?: string;
  createdAt?: string;
}

const short = (text: string | undefined, max = 255) =>
  text === undefined ? null : text.length <= max ? text : `${text.slice(0, max - 3)}...`;

/**
 * `Audience_Action_Log__c`, the durable record of every application: written (upserted by `Key__c`) before a
 * target is called and after it answered, and read back by key when Redis no longer knows an application.
 * Writes and reads arriving together share one Collections call or one query.
 */
export class ActionLog {
  private readonly writes: MicroBatcher<ActionLogEntry, void>;
  private readonly reads: MicroBatcher<string, StoredActionLog | undefined>;
  private readonly memberIds = new Map<string, string>();

  constructor(
    private readonly org: OrgClient,
    private readonly client: CollectionsClient,
    options: { maxWaitMs?: number } = {},
  ) {
    const maxWaitMs = options.maxWaitMs ?? 100;
    this.writes = new MicroBatcher((entries) => this.upsert(entries), { maxItems: 1000, maxWaitMs });
    this.reads = new MicroBatcher((keys) => this.query(keys), { maxItems: 1000, maxWaitMs });
  }

  /** Resolves once Salesforce saved the row; throws `ActionLogNotSavedError` otherwise. */
  write(entry: ActionLogEntry): Promise<void> {
    return this.writes.submit(entry);
  }

  read(key: string): Promise<StoredActionLog | undefined> {
    return this.reads.submit(key);
  }

  private async upsert(entries: ActionLogEntry[]): Promise<void[]> {
    // One row per key: the last write of a batch wins (the same application is never written twice at once).
    const episodeKeys = [...new Set(entries.flatMap((e) => (e.episodeKey ? [e.episodeKey] : [])))];
    await this.resolveMembers(episodeKeys);
    const outcomes = await this.client.save(
      UPSERT,
      entries.map((entry) => ({ object: 'Audience_Action_Log__c', fields: this.row(entry) })),
    );
    const failure = outcomes.findIndex((o) => !o.ok);
    if (failure >= 0) {
      const bad = outcomes[failure];
      if (bad && !bad.ok) {
        // The whole batch is answered together: each caller retries its own application.
        throw new ActionLogNotSavedError(bad.code, `action log ${entries[failure]?.key}: ${bad.message}`, !bad.final);
      }
    }
    return entries.map(() => undefined);
  }

  private row(entry: ActionLogEntry): Record<string, unknown> {
    const memberId = entry.episodeKey ? this.memberIds.get(entry.episodeKey) : undefined;
    return {
      Key__c: entry.key,
      Audience_Action__c: entry.actionId,
      ...(memberId && { Audience_Member__c: memberId }),
      ...(entry.signalId && { Audience_Signal__c: entry.signalId }),
      Record_Id__c: entry.recordId,
      Operation__c: entry.operation === 'apply' ? 'Apply' : 'Remove',
      Status__c: entry.status,
      External_Id__c: short(entry.externalId),
      Message__c: short(entry.message),
      Attempts__c: entry.attempts,
    };
  }

  private async resolveMembers(episodeKeys: string[]): Promise<void> {
    const unknown = episodeKeys.filter((key) => !this.memberIds.has(key));
    for (let i = 0; i < unknown.length; i += KEYS_PER_QUERY) {
      const rows = await this.org.query<{ Id: string; Key__c: string }>(
        membersByKeyQuery(unknown.slice(i, i + KEYS_PER_QUERY)),
      );
      for (const row of rows) this.memberIds.set(row.Key__c, row.Id);
    }
    while (this.memberIds.size > MEMBER_ID_CACHE) {
      this.memberIds.delete(this.memberIds.keys().next().value as string);
    }
  }

  private async query(keys: string[]): Promise<(StoredActionLog | undefined)[]> {
    const found = new Map<string, StoredActionLog>();
    const unique = [...new Set(keys)];
    for (let i = 0; i < unique.length; i += KEYS_PER_QUERY) {
      const rows = await this.org.query(actionLogsByKeyQuery(unique.slice(i, i + KEYS_PER_QUERY)));
      for (const raw of rows) {
        const row = storedSchema.safeParse(raw);
        if (!row.success || !row.data.Status__c) continue;
        found.set(row.data.Key__c, {
          key: row.data.Key__c,
          status: row.data.Status__c,
          externalId: row.data.External_Id__c ?? undefined,
          attempts: row.data.Attempts__c ?? 0,
          message: row.data.Message__c ?? undefined,
          createdAt: row.data.CreatedDate ?? undefined,
        });
      }
    }
    return keys.map((key) => found.get(key));
  }
}
