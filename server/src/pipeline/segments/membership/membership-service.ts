import type { Connection } from 'jsforce';
import { z } from 'zod';
import type { AudienceConfig } from '../../../config/loop-config';
import type { MirrorRecord, RecordObject } from '../../../domain/mirror-record';
import type { Logger } from '../../../lib/logger';
import { evaluateFilter } from '../filter';
import { episodeKey, type MembershipEvent } from './membership-event';
import type { MembershipStore } from './membership-store';

/** Tries per episode row refused with UNABLE_TO_LOCK_ROW before it counts as a failure. */
const MAX_UPSERT_ATTEMPTS = 5;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const WHOLE_REQUEST_ATTEMPTS = 5;

/** Salesforce caps a Collections request at 200 rows and a Composite request at five Collections subrequests. */
const ROWS_PER_COLLECTION = 200;
const COLLECTIONS_PER_COMPOSITE = 5;
const UPSERT_PATH = '/composite/sobjects/Audience_Member__c/Key__c';

/** Row errors that pass: the row is sent again. */
const RETRYABLE_ROW_ERRORS = new Set(['UNABLE_TO_LOCK_ROW', 'SERVER_UNAVAILABLE']);

const upsertResultsSchema = z.array(
  z.looseObject({
    success: z.boolean(),
    errors: z.array(z.looseObject({ statusCode: z.string().optional(), message: z.string().optional() })).optional(),
  }),
);
type UpsertResult = z.infer<typeof upsertResultsSchema>[number];

const compositeReplySchema = z.looseObject({
  compositeResponse: z.array(z.looseObject({ body: z.unknown(), httpStatusCode: z.number() })),
});

/** A whole-request failure worth repeating: no answer from Salesforce, or one that says "later". */
function isTransient(error: unknown): boolean {
  const code = (error as { errorCode?: string }).errorCode;
  if (!code) return true;
  return /^(ERROR_HTTP_5\d\d|SERVER_UNAVAILABLE|UNABLE_TO_LOCK_ROW|REQUEST_RUNNING_TOO_LONG)$/.test(code);
}

const LOOKUP_BY_OBJECT: Record<RecordObject, string> = {
  Contact: 'Contact__c',
  Lead: 'Lead__c',
  Account: 'Account__c',
};

interface Transition {
  audience: AudienceConfig;
  record: MirrorRecord;
  kind: 'entry' | 'exit';
  episode: number;
}

export interface MembershipResult {
  events: MembershipEvent[];
  failures: { recordId: string; audienceId: string; message: string }[];
}

/**
 * Evaluates audiences over mirrored records and turns entries and exits into `Audience_Member__c` episodes,
 * upserted by `Key__c` so a crash between the write and the Redis update repeats the same upsert instead of
 * opening a second episode. Redis is updated only after Salesforce confirmed the episode.
 */
export class MembershipService {
  private readonly touched = new Set<string>();

  constructor(
    private readonly conn: Connection,
    private readonly store: MembershipStore,
    private readonly logger: Logger,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** Audiences whose membership changed since the last `takeTouched()` (for Member_Count__c). */
  takeTouched(): string[] {
    const ids = [...this.touched];
    this.touched.clear();
    return ids;
  }

  markTouched(audienceId: string): void {
    this.touched.add(audienceId);
  }

  /** `removed` records (deleted, or no longer matching their source) leave every audience. */
  async evaluate(
    audiences: AudienceConfig[],
    records: MirrorRecord[],
    options: { removed?: boolean } = {},
  ): Promise<MembershipResult> {
    const transitions: Transition[] = [];
    const now = this.now();
    for (const audience of audiences) {
      const candidates = records.filter((r) => r.object === audience.object);
      if (candidates.length === 0) continue;
      const states = await this.store.states(
        audience.id,
        candidates.map((r) => r.id),
      );
      for (const record of candidates) {
        const state = states.get(record.id);
        const matches = !options.removed && evaluateFilter(audience.filter, record.fields, { now });
        if (matches && !state?.active) {
          transitions.push({ audience, record, kind: 'entry', episode: (state?.episode ?? 0) + 1 });
        } else if (!matches && state?.active) {
          transitions.push({ audience, record, kind: 'exit', episode: state.episode });
        }
      }
    }
    if (transitions.length === 0) return { events: [], failures: [] };
    return this.apply(transitions, now.toISOString());
  }

  private async apply(transitions: Transition[], at: string): Promise<MembershipResult> {
    const events: MembershipEvent[] = [];
    const failures: MembershipResult['failures'] = [];
    // One Composite call carries up to five Collections upserts of 200: 1,000 transitions per API call.
    const perCall = ROWS_PER_COLLECTION * COLLECTIONS_PER_COMPOSITE;
    for (let i = 0; i < transitions.length; i += perCall) {
      const confirmed = await this.upsertWithRetries(transitions.slice(i, i + perCall), at, failures);
      const byAudience = new Map<string, { recordId: string; episode: number; active: boolean }[]>();
      for (const t of confirmed) {
        const list = byAudience.get(t.audience.id) ?? [];
        list.push({ recordId: t.record.id, episode: t.episode, active: t.kind === 'entry' });
        byAudience.set(t.audience.id, list);
        this.touched.add(t.audience.id);
        events.push({
          kind: t.kind,
          audienceId: t.audience.id,
          object: t.record.object,
          recordId: t.record.id,
          episodeKey: episodeKey(t.audience.id, t.record.id, t.episode),
          at,
        });
      }
      for (const [audienceId, entries] of byAudience) await this.store.set(audienceId, entries);
    }
    return { events, failures };
  }

  /**
   * Upserts the episodes of these transitions; rows refused for a reason that passes (a locked row) are sent again
   * with backoff, so a lock never leaves a record outside an audience it matches until its next change.
   */
  private async upsertWithRetries(
    transitions: Transition[],
    at: string,
    failures: MembershipResult['failures'],
  ): Promise<Transition[]> {
    const confirmed: Transition[] = [];
    let pending = transitions;
    for (let attempt = 1; pending.length > 0; attempt += 1) {
      let results: UpsertResult[];
      try {
        results = await this.upsert(pending, at);
      } catch (error) {
        // The whole request failed (a 5xx, a network error): nothing was saved, and upserts by Key__c are safe to
        // repeat, so try again with backoff; only after the last attempt does it fail (Redis still untouched).
        this.logger.warn({ err: error, transitions: pending.length, attempt }, 'membership upsert failed');
        if (attempt >= WHOLE_REQUEST_ATTEMPTS || !isTransient(error)) throw error;
        await sleep(200 * 2 ** attempt);
        continue;
      }
      const retry: Transition[] = [];
      pending.forEach((t, index) => {
        const result = results[index];
        if (result?.success) confirmed.push(t);
        else if (
          attempt < MAX_UPSERT_ATTEMPTS &&
          result?.errors?.some((e) => RETRYABLE_ROW_ERRORS.has(e.statusCode ?? ''))
        ) {
          retry.push(t);
        } else {
          const message = result?.errors?.map((e) => `${e.statusCode}: ${e.message}`).join('; ') ?? 'no result';
          failures.push({ recordId: t.record.id, audienceId: t.audience.id, message });
          this.logger.error(
            { recordId: t.record.id, audienceId: t.audience.id, message },
            'membership episode not saved',
          );
        }
      });
      pending = retry;
      if (retry.length > 0) await sleep(100 * 2 ** (attempt - 1) * (0.5 + Math.random()));
    }
    return confirmed;
  }

  /**
   * One API call: a Collections upsert by Key__c when the rows fit in one, else a Composite request with one such
   * subrequest per 200 rows (at most five). A subrequest that failed as a whole gives each of its rows its error,
   * marked retryable when Salesforce said "later" (5xx, lock), so the caller repeats just those rows.
   */
  private async upsert(transitions: Transition[], at: string): Promise<UpsertResult[]> {
    const chunks: Transition[][] = [];
    for (let i = 0; i < transitions.length; i += ROWS_PER_COLLECTION) {
      chunks.push(transitions.slice(i, i + ROWS_PER_COLLECTION));
    }
    const body = (chunk: Transition[]) => ({ allOrNone: false, records: chunk.map((t) => this.row(t, at)) });
    if (chunks.length === 1) {
      return upsertResultsSchema.parse(await this.conn.requestPatch(UPSERT_PATH, body(transitions)));
    }
    const reply = compositeReplySchema.parse(
      await this.conn.requestPost('/composite', {
        allOrNone: false,
        compositeRequest: chunks.map((chunk, index) => ({
          method: 'PATCH',
          url: `/services/data/v${this.conn.version}${UPSERT_PATH}`,
          referenceId: `members${index}`,
          body: body(chunk),
        })),
      }),
    );
    return chunks.flatMap((chunk, index) => {
      const item = reply.compositeResponse[index];
      if (item && item.httpStatusCode >= 200 && item.httpStatusCode < 300) {
        const rows = upsertResultsSchema.safeParse(item.body);
        if (rows.success && rows.data.length === chunk.length) return rows.data;
      }
      const errors = Array.isArray(item?.body) ? (item.body as { errorCode?: string; message?: string }[]) : [];
      const status = item?.httpStatusCode ?? 0;
      const code = errors[0]?.errorCode ?? (status >= 500 || status === 0 ? 'SERVER_UNAVAILABLE' : `HTTP_${status}`);
      const message = errors[0]?.message ?? `subrequest answered HTTP ${status}`;
      return chunk.map(() => ({ success: false, errors: [{ statusCode: code, message }] }));
    });
  }

  private row(t: Transition, at: string): Record<string, unknown> {
    const key = episodeKey(t.audience.id, t.record.id, t.episode);
    if (t.kind === 'exit') {
      return { attributes: { type: 'Audience_Member__c' }, Key__c: key, Exited_At__c: at, Is_Active__c: false };
    }
    return {
      attributes: { type: 'Audience_Member__c' },
      Key__c: key,
      Audience__c: t.audience.id,
      Record_Id__c: t.record.id,
      [LOOKUP_BY_OBJECT[t.record.object]]: t.record.id,
      Entered_At__c: at,
      Exited_At__c: null,
      Is_Active__c: true,
    };
  }
}
