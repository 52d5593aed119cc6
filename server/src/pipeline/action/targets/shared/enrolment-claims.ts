import type { RedisClient as Redis } from '../../../../state/redis';

/** The sequencers whose enrolments are claimed: each keeps its own key names (running deployments hold them). */
export type EnrolmentTarget = 'outreach' | 'salesloft';

/** How long a claim and an enrolled person are kept: well beyond any retry of the application. */
const CLAIM_TTL_SECONDS = 30 * 24 * 3600;

/**
 * Who owns a person's place in a sequence or cadence, and which person an application enrolled, so that a retry
 * after a crash takes an existing enrolment for its own only when it is. Two records sharing an email share one
 * person: the first application to claim (sequence, person) owns that enrolment, and another record's retry must
 * not adopt it (nor later remove it). A rep may change the email between a try whose answer was lost and its retry:
 * the retry looks at the person its earlier try enrolled, remembered before the call.
 *
 * Keys: `<prefix>:action:<target>-claim:<sequence>:<person>` → the owning application's key, and
 * `<prefix>:action:<target>-enrolled:<application key>` → the person that application enrolled (or was about to).
 */
export class EnrolmentClaims {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly target: EnrolmentTarget,
  ) {}

  private claimKey(sequenceId: string, personId: string): string {
    return `${this.prefix}:action:${this.target}-claim:${sequenceId}:${personId}`;
  }

  private enrolledKey(applicationKey: string): string {
    return `${this.prefix}:action:${this.target}-enrolled:${applicationKey}`;
  }

  /** Claims the person's place in the sequence unless someone holds it; answers who holds it now. */
  async claim(sequenceId: string, personId: string, applicationKey: string): Promise<string | null> {
    const key = this.claimKey(sequenceId, personId);
    const claimed = await this.redis.set(key, applicationKey, 'EX', CLAIM_TTL_SECONDS, 'NX');
    return claimed === 'OK' ? applicationKey : this.redis.get(key);
  }

  /** Takes the claim over: the other application's enrolment has ended, so this one may enrol the person again. */
  async reclaim(sequenceId: string, personId: string, applicationKey: string): Promise<void> {
    await this.redis.set(this.claimKey(sequenceId, personId), applicationKey, 'EX', CLAIM_TTL_SECONDS);
  }

  /** The application that holds the person's place in the sequence, if any. */
  owner(sequenceId: string, personId: string): Promise<string | null> {
    return this.redis.get(this.claimKey(sequenceId, personId));
  }

  /** Remembered before the enrolling call: its answer may be lost (a crash) while the sequencer has enrolled. */
  async rememberEnrolled(applicationKey: string, personId: string): Promise<void> {
    await this.redis.set(this.enrolledKey(applicationKey), personId, 'EX', CLAIM_TTL_SECONDS);
  }

  /** The person an earlier try of this application enrolled (or was about to). */
  enrolled(applicationKey: string): Promise<string | null> {
    return this.redis.get(this.enrolledKey(applicationKey));
  }

  /** Whether the person an earlier try enrolled is still this application's in the sequence (the claim stayed). */
  async heldBy(applicationKey: string, sequenceId: string, earlierPersonId: string | null): Promise<boolean> {
    return earlierPersonId !== null && (await this.owner(sequenceId, earlierPersonId)) === applicationKey;
  }

  /**
   * Whether an active enrolment of `personId` may be the one an earlier try made: only if that try got as far as
   * enrolling this very person and the claim (`owner`, as `claim` answered) is this application's. Otherwise it is
   * another application's (a record sharing the email), or a person's in the sequencer.
   */
  mayBeOurs(applicationKey: string, earlierPersonId: string | null, personId: string, owner: string | null): boolean {
    return earlierPersonId === personId && owner === applicationKey;
  }
}
