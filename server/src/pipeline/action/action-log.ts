import { z } from 'zod';
import type { OrgClient } from '../../salesforce/org-client';
import { actionLogsByKeyQuery } from '../../salesforce/selectors/action-selectors';
import type { CollectionsClient } from '../../salesforce/writers/collections-client';
import type { SaveOperation, SaveOutcome } from '../../salesforce/writers/write-types';
import { ActionLogNotSavedError } from './action-errors';
import type { ActionOperation } from './action-target';
import { APPLICATION_STATUSES, type ApplicationStatus } from './application-state';
import { MicroBatcher, type MicroBatcherOptions } from './micro-batcher';

const UPSERT: SaveOperation = { upsert: { object: 'Audience_Action_Log__c', externalIdField: 'Key__c' } };
/** Keys per query: ~70 characters each keeps the SOQL far below its length limit. */
const KEYS_PER_QUERY = 200;
/**
 * Rows per write: one Composite call carries five Collections of 200. Writes wait for the stream of applications
 * to pause (a bulk entry arrives over a second or two), at most a few seconds.
 */
const DEFAULT_BATCH: MicroBatcherOptions = { maxItems: 1000, maxWaitMs: 5_000, quietMs: 1_000 };

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

/** What creating an application's first row came to: new, or a row with that key was there already. */
export type LogCreation = 'created' | 'exists';

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

/** Each caller of a shared write gets its own row's answer. */
type RowAnswer<T> = { ok: true; value: T } | { ok: false; error: ActionLogNotSavedError };

const short = (text: string | undefined, max = 255) =>
  text === undefined ? null : text.length <= max ? text : `${text.slice(0, max - 3)}...`;

/**
 * `Audience_Action_Log__c`, the durable record of every application. An application's first row is **created**
 * (its unique `Key__c` answers `DUPLICATE_VALUE` when a row is there already — only after Redis lost the
 * application — and the caller then reads it back); later rows are upserted by `Key__c`. Rows reference their
 * episode by its external id (`Audience_Member__r: {Key__c}`), so no query resolves it. Writes and reads arriving
 * together share one Composite call or one query, and each caller gets its own row's answer.
 */
export class ActionLog {
  private readonly creates: MicroBatcher<ActionLogEntry, RowAnswer<LogCreation>>;
  private readonly writes: MicroBatcher<ActionLogEntry, RowAnswer<void>>;
  private readonly reads: MicroBatcher<string, StoredActionLog | undefined>;

  constructor(
    private readonly org: OrgClient,
    private readonly client: CollectionsClient,
    options: { batch?: Partial<MicroBatcherOptions> } = {},
  ) {
    const batch = { ...DEFAULT_BATCH, ...options.batch };
    this.creates = new MicroBatcher((entries) => this.save('create', entries), batch);
    this.writes = new MicroBatcher((entries) => this.save(UPSERT, entries), batch);
    this.reads = new MicroBatcher((keys) => this.query(keys), { ...batch, quietMs: undefined, maxWaitMs: 100 });
  }

  /**
   * Creates an application's first row (`Pending`): `exists` when its key has a row already. Throws
   * `ActionLogNotSavedError` when Salesforce did not save it (retryable unless the row itself was refused).
   */
  async create(entry: ActionLogEntry): Promise<LogCreation> {
    const answer = await this.creates.submit(entry);
    if (!answer.ok) throw answer.error;
    return answer.value;
  }

  /** Upserts the row by `Key__c`; resolves once Salesforce saved it, else throws `ActionLogNotSavedError`. */
  async write(entry: ActionLogEntry): Promise<void> {
    const answer = await this.writes.submit(entry);
    if (!answer.ok) throw answer.error;
  }

  read(key: string): Promise<StoredActionLog | undefined> {
    return this.reads.submit(key);
  }

  private async save(operation: 'create', entries: ActionLogEntry[]): Promise<RowAnswer<LogCreation>[]>;
  private async save(operation: SaveOperation, entries: ActionLogEntry[]): Promise<RowAnswer<void>[]>;
  private async save(operation: SaveOperation, entries: ActionLogEntry[]): Promise<RowAnswer<LogCreation | void>[]> {
    const outcomes = await this.send(operation, entries, true);
    // A row whose episode row is missing (a member row a person deleted): saved again without the link.
    const unlinked = entries.flatMap((entry, index) =>
      entry.episodeKey && isMissingReference(outcomes[index]) ? [index] : [],
    );
    if (unlinked.length > 0) {
      const again = await this.send(
        operation,
        unlinked.map((index) => entries[index] as ActionLogEntry),
        false,
      );
      unlinked.forEach((index, i) => {
        const outcome = again[i];
        if (outcome) outcomes[index] = outcome;
      });
    }
    return entries.map((entry, index) => answerFor(operation, entry, outcomes[index]));
  }

  private send(operation: SaveOperation, entries: ActionLogEntry[], linked: boolean): Promise<SaveOutcome[]> {
    return this.client.save(
      operation,
      entries.map((entry) => ({ object: 'Audience_Action_Log__c', fields: this.row(entry, linked) })),
    );
  }

  private row(entry: ActionLogEntry, linked: boolean): Record<string, unknown> {
    return {
      Key__c: entry.key,
      Audience_Action__c: entry.actionId,
      ...(linked && entry.episodeKey && { Audience_Member__r: { Key__c: entry.episodeKey } }),
      ...(entry.signalId && { Audience_Signal__c: entry.signalId }),
      Record_Id__c: entry.recordId,
      Operation__c: entry.operation === 'apply' ? 'Apply' : 'Remove',
      Status__c: entry.status,
      External_Id__c: short(entry.externalId),
      Message__c: short(entry.message),
      Attempts__c: entry.attempts,
    };
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

/** "Foreign key external ID: … not found": the episode's row is not there to link. */
function isMissingReference(outcome: SaveOutcome | undefined): boolean {
  return (
    outcome !== undefined && !outcome.ok && outcome.code === 'INVALID_FIELD' && /Foreign key/i.test(outcome.message)
  );
}

function answerFor(
  operation: SaveOperation,
  entry: ActionLogEntry,
  outcome: SaveOutcome | undefined,
): RowAnswer<LogCreation | void> {
  if (outcome?.ok) return { ok: true, value: operation === 'create' ? 'created' : undefined };
  // The unique Key__c: a row for this application exists (Redis lost it, or an earlier create's answer was lost).
  if (operation === 'create' && outcome?.code === 'DUPLICATE_VALUE') return { ok: true, value: 'exists' };
  const code = outcome?.code ?? 'NO_ANSWER';
  const message = `action log ${entry.key}: ${outcome?.message ?? 'Salesforce gave no answer for the row'}`;
  // A create whose whole request failed may have inserted: its retry meets DUPLICATE_VALUE and reads it back.
  return {
    ok: false,
    error: new ActionLogNotSavedError(code, message, !outcome || !outcome.final || outcome.wholeRequest === true),
  };
}
