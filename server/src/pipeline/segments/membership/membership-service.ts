import type { AudienceConfig } from '../../../config/loop-config';
import type { MirrorRecord, RecordObject } from '../../../domain/mirror-record';
import type { Logger } from '../../../lib/logger';
import type { CollectionsClient } from '../../../salesforce/writers/collections-client';
import type { RecordSaver, SaveOperation } from '../../../salesforce/writers/write-types';
import { evaluateFilter } from '../filter';
import { episodeKey, type ExitCause, type MembershipEvent } from './membership-event';
import type { MembershipStore } from './membership-store';

/** Transitions saved per round: one Composite call carries five Collections upserts of 200. */
const TRANSITIONS_PER_CALL = 1000;
const UPSERT: SaveOperation = { upsert: { object: 'Audience_Member__c', externalIdField: 'Key__c' } };

/** Episode rows a whole failed request left unsaved: the caller's batch is retried later, nothing is lost. */
export class MembershipNotSavedError extends Error {
  constructor(
    readonly recordIds: string[],
    message: string,
  ) {
    super(message);
  }
}

const LOOKUP_BY_OBJECT: Record<RecordObject, string> = {
  Contact: 'Contact__c',
  Lead: 'Lead__c',
  Account: 'Account__c',
};

/** An entry or exit to save: the record by id only, so a batch's transitions do not hold its records' fields. */
export interface Transition {
  audience: AudienceConfig;
  record: Pick<MirrorRecord, 'id' | 'object'>;
  kind: 'entry' | 'exit';
  episode: number;
  cause?: ExitCause;
}

/**
 * Takes a chunk's confirmed entries and exits (the membership queue, the listeners). Called after Salesforce
 * confirmed the episodes and before Redis records them: a hand-off that throws leaves the records' state as it
 * was, so the retried batch finds the same transitions again and hands them off again (the queue's job ids make
 * the repeat a no-op). Handing off after the state update would lose an event whose enqueue failed.
 */
export type MembershipHandOff = (events: MembershipEvent[]) => Promise<void>;

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
    private readonly client: CollectionsClient,
    private readonly store: MembershipStore,
    private readonly logger: Logger,
    private readonly now: () => Date = () => new Date(),
    /** Seeds an audience's empty state from its Audience_Member__c episodes (after Redis lost it). */
    private readonly seed?: (audienceIds: string[]) => Promise<void>,
  ) {}

  /** The time an evaluation judges at (one for all the chunks of a batch). */
  clock(): Date {
    return this.now();
  }

  /** Audiences whose membership changed since the last `takeTouched()` (for Member_Count__c). */
  takeTouched(): string[] {
    const ids = [...this.touched];
    this.touched.clear();
    return ids;
  }

  markTouched(audienceId: string): void {
    this.touched.add(audienceId);
  }

  /**
   * `removed` records (deleted, no longer included by a source) leave every audience, with `cause` (default
   * `left_source`); the others enter or leave as their fields match.
   */
  async evaluate(
    audiences: AudienceConfig[],
    records: MirrorRecord[],
    options: {
      removed?: boolean;
      cause?: ExitCause;
      handOff?: MembershipHandOff;
      /** Saves all of the episodes in one batch (a large import's Bulk saver) instead of rounds of 1,000. */
      saver?: RecordSaver;
    } = {},
  ): Promise<MembershipResult> {
    const now = this.now();
    const transitions = await this.transitions(audiences, records, { ...options, now });
    return this.save(transitions, now, options);
  }

  /**
   * The entries and exits `evaluate` would save for these records, at `now`: a batch evaluates its records a
   * chunk at a time (read back from the mirror) and saves every chunk's transitions with `save` in one go.
   */
  async transitions(
    audiences: AudienceConfig[],
    records: readonly MirrorRecord[],
    options: { removed?: boolean; cause?: ExitCause; now: Date },
  ): Promise<Transition[]> {
    const transitions: Transition[] = [];
    const { now } = options;
    const exitCause: ExitCause = options.removed ? (options.cause ?? 'left_source') : 'no_longer_matches';
    const objects = new Set(records.map((r) => r.object));
    await this.seed?.(audiences.filter((a) => objects.has(a.object)).map((a) => a.id));
    for (const audience of audiences) {
      const candidates = records.filter((r) => r.object === audience.object);
      if (candidates.length === 0) continue;
      const states = await this.store.states(
        audience.id,
        candidates.map((r) => r.id),
      );
      for (const { id, object, fields } of candidates) {
        const state = states.get(id);
        const matches = !options.removed && evaluateFilter(audience.filter, fields, { now });
        if (matches && !state?.active) {
          transitions.push({ audience, record: { id, object }, kind: 'entry', episode: (state?.episode ?? 0) + 1 });
        } else if (!matches && state?.active) {
          transitions.push({
            audience,
            record: { id, object },
            kind: 'exit',
            episode: state.episode,
            cause: exitCause,
          });
        }
      }
    }
    return transitions;
  }

  /** Saves transitions (episodes upserted, events handed off, Redis updated), as `evaluate` does after judging. */
  async save(
    transitions: Transition[],
    now: Date,
    options: { handOff?: MembershipHandOff; saver?: RecordSaver } = {},
  ): Promise<MembershipResult> {
    if (transitions.length === 0) return { events: [], failures: [] };
    return this.apply(transitions, now.toISOString(), options.handOff, options.saver);
  }

  private async apply(
    transitions: Transition[],
    at: string,
    handOff?: MembershipHandOff,
    saver?: RecordSaver,
  ): Promise<MembershipResult> {
    const events: MembershipEvent[] = [];
    const failures: MembershipResult['failures'] = [];
    const round = saver ? Math.max(1, transitions.length) : TRANSITIONS_PER_CALL;
    for (let i = 0; i < transitions.length; i += round) {
      const confirmed = await this.upsert(transitions.slice(i, i + round), at, failures, saver ?? this.client);
      const byAudience = new Map<string, { recordId: string; episode: number; active: boolean }[]>();
      const chunkEvents: MembershipEvent[] = [];
      for (const t of confirmed) {
        const list = byAudience.get(t.audience.id) ?? [];
        list.push({ recordId: t.record.id, episode: t.episode, active: t.kind === 'entry' });
        byAudience.set(t.audience.id, list);
        this.touched.add(t.audience.id);
        chunkEvents.push({
          kind: t.kind,
          audienceId: t.audience.id,
          object: t.record.object,
          recordId: t.record.id,
          episodeKey: episodeKey(t.audience.id, t.record.id, t.episode),
          at,
          ...(t.cause && { cause: t.cause }),
        });
      }
      // Handed off before Redis records the transitions (see MembershipHandOff): never an episode without its event.
      if (handOff && chunkEvents.length > 0) await handOff(chunkEvents);
      events.push(...chunkEvents);
      for (const [audienceId, entries] of byAudience) await this.store.set(audienceId, entries);
    }
    return { events, failures };
  }

  /**
   * Upserts the episodes by Key__c through the Collections client or the given saver (rows refused for a lock are sent again there,
   * so a lock never leaves a record outside an audience it matches). Rows refused for good are recorded failures;
   * rows a whole failed request left unsaved throw, so the batch is retried and Redis stays untouched for them.
   */
  private async upsert(
    transitions: Transition[],
    at: string,
    failures: MembershipResult['failures'],
    saver: RecordSaver,
  ): Promise<Transition[]> {
    const outcomes = await saver.save(
      UPSERT,
      transitions.map((t) => ({ object: 'Audience_Member__c', fields: this.row(t, at) })),
    );
    const confirmed: Transition[] = [];
    const unsaved: Transition[] = [];
    transitions.forEach((t, index) => {
      const outcome = outcomes[index];
      if (outcome?.ok) confirmed.push(t);
      else if (outcome && !outcome.final && outcome.wholeRequest) unsaved.push(t);
      else {
        const message = outcome ? `${outcome.code}: ${outcome.message}` : 'no result';
        failures.push({ recordId: t.record.id, audienceId: t.audience.id, message });
        this.logger.error(
          { recordId: t.record.id, audienceId: t.audience.id, message },
          'membership episode not saved',
        );
      }
    });
    if (unsaved.length > 0) {
      // Upserts by Key__c repeat safely: the whole chunk is evaluated again with the caller's retried batch.
      throw new MembershipNotSavedError(
        unsaved.map((t) => t.record.id),
        `${unsaved.length} membership episodes not saved: the request failed`,
      );
    }
    return confirmed;
  }

  private row(t: Transition, at: string): Record<string, unknown> {
    const key = episodeKey(t.audience.id, t.record.id, t.episode);
    if (t.kind === 'exit') {
      return { Key__c: key, Exited_At__c: at, Is_Active__c: false };
    }
    return {
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
