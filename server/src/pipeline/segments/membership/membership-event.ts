import type { RecordObject } from '../../../domain/mirror-record';

/** A record entering or leaving an audience: what the actions step consumes, once per membership episode. */
export interface MembershipEvent {
  kind: 'entry' | 'exit';
  audienceId: string;
  object: RecordObject;
  recordId: string;
  /** `Audience_Member__c.Key__c`: `<audienceId>-<recordId>-<episode>`; actions key their idempotency on it. */
  episodeKey: string;
  at: string;
  /**
   * Why an exit happened: the filter stopped matching, the record was deleted, or its source no longer includes it
   * (`source_changed`, which removes actions only when they opt in). Missing means an ordinary exit.
   */
  cause?: 'filter' | 'deleted' | 'source_changed' | (string & {});
}

export function episodeKey(audienceId: string, recordId: string, episode: number): string {
  return `${audienceId}-${recordId}-${episode}`;
}
