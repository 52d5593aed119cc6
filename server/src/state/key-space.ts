/**
 * Every Redis key the server writes, built in one place under the hash-tagged prefix (`{al}` by default), so the
 * layout works on Redis Cluster and tests can run side by side under prefixes of their own.
 */
export class KeySpace {
  constructor(readonly prefix: string) {}

  mirror(object: string): string {
    return `${this.prefix}:mirror:${object}`;
  }

  /**
   * Short ids for the names compact state repeats on every record (field API names, provider and rule names): one
   * hash, name → id, ids never reused (server/src/state/name-dictionary.ts).
   */
  nameDictionary(): string {
    return `${this.prefix}:names`;
  }

  /** The write ledger of every record in one hash, record id → packed entries (write-ledger.ts). */
  ledger(): string {
    return `${this.prefix}:ledger`;
  }

  /** The write ledger as versions before issue 19 kept it: one hash per record (read until migrated). */
  legacyLedger(recordId: string): string {
    return `${this.prefix}:ledger:${recordId}`;
  }

  /** Echo markers of one record: a short string with its own expiry (write-ledger.ts). */
  echoMarks(recordId: string): string {
    return `${this.prefix}:echo:${recordId}`;
  }

  /** Which state layout the keys of this prefix use; set once a migration of older keys has finished. */
  stateVersion(): string {
    return `${this.prefix}:state-version`;
  }

  accountContacts(accountId: string): string {
    return `${this.prefix}:account-contacts:${accountId}`;
  }

  replayId(channel: string): string {
    return `${this.prefix}:replay:${channel}`;
  }

  lastChangeSeen(object: string): string {
    return `${this.prefix}:last-change:${object}`;
  }

  membership(audienceId: string): string {
    return `${this.prefix}:members:${audienceId}`;
  }

  /** Where one action application stands (`<actionId>-<episodeKey>-<apply|remove>`). */
  actionApplication(applicationKey: string): string {
    return `${this.prefix}:action:${applicationKey}`;
  }

  /** Held while one action works on one episode (its apply and its remove never run at once). */
  actionLock(actionId: string, episodeKey: string): string {
    return `${this.prefix}:action-lock:${actionId}-${episodeKey}`;
  }

  /** Set once an action's backfill has queued the audience's current members. */
  actionBackfilled(actionId: string): string {
    return `${this.prefix}:action-backfilled:${actionId}`;
  }

  /** Set once an audience's membership state was seeded from its Audience_Member__c episodes. */
  membershipSeeded(audienceId: string): string {
    return `${this.prefix}:members-seeded:${audienceId}`;
  }

  importState(sourceId: string): string {
    return `${this.prefix}:import:${sourceId}`;
  }

  /** Where the firing of one signal key stands: `pending`, then the `Audience_Signal__c` id once done. */
  signalFired(signalKey: string): string {
    return `${this.prefix}:signal:${signalKey}`;
  }

  /** The lease that keeps exactly one CDC subscriber active across processes. */
  streamLease(): string {
    return `${this.prefix}:lease:cdc-stream`;
  }

  /** The `scheduler` role's lease: job schedulers and the dead-letter sweep run in one process. */
  schedulerLease(): string {
    return `${this.prefix}:lease:scheduler`;
  }

  /** Bumped after every configuration load of the stream leader; other processes reload when it moves. */
  configVersion(): string {
    return `${this.prefix}:config-version`;
  }

  /** When each record request of one requester arrived (a sliding hour; the limit holds across restarts). */
  recordRequests(requesterId: string): string {
    return `${this.prefix}:record-requests:${requesterId}`;
  }

  /** Change events the stream gave up on (a hash: dead-letter id → JSON). */
  deadLetters(): string {
    return `${this.prefix}:dead-letters`;
  }

  counters(): string {
    return `${this.prefix}:counters`;
  }

  /** BullMQ takes the prefix itself and adds `:<queue>:…`. */
  bullPrefix(): string {
    return this.prefix;
  }
}
