import type { RecordObject } from '../../../domain/mirror-record';

/**
 * Why a record left an audience. `no_longer_matches`: its fields no longer match the audience's filter.
 * `left_source`: no source includes it any more after a change to the record, or it was deleted. `source_changed`:
 * an admin narrowed or deactivated the object's sources — nothing happened to the record, and a whole population
 * may leave at once, so an action's `On_Exit__c = Remove` should not unenrol on it unless its settings opt in.
 */
export type ExitCause = 'no_longer_matches' | 'left_source' | 'source_changed';

/** A record entering or leaving an audience: what the actions step consumes, once per membership episode. */
export interface MembershipEvent {
  kind: 'entry' | 'exit';
  /** Exits only: why the record left. */
  cause?: ExitCause;
  audienceId: string;
  object: RecordObject;
  recordId: string;
  /** `Audience_Member__c.Key__c`: `<audienceId>-<recordId>-<episode>`; actions key their idempotency on it. */
  episodeKey: string;
  at: string;
}

export function episodeKey(audienceId: string, recordId: string, episode: number): string {
  return `${audienceId}-${recordId}-${episode}`;
}
