import type { Logger } from '../../lib/logger';
import { REPLAY_ALL } from './replay-position';
import type { ChangeSeen, ReplayStore } from './replay-store';

/** At most this many handled events share one replay-id commit. */
const MAX_EVENTS_PER_COMMIT = 500;

/** Handled events whose replay id is not stored yet, with the latest commit timestamp seen per object. */
interface Uncommitted {
  replayId: number;
  seen: Map<string, number>;
  events: number;
}

/**
 * Where the subscription stands in the stream: the replay id stored, and the handled events not stored yet. While
 * more events wait, one commit covers a whole run of them (a crash before it only means those events are delivered
 * again — handlers are idempotent).
 */
export class ReplayCommits {
  /** The replay id last stored (what /readyz shows). */
  committed: number | undefined;
  /** The stored id was refused; until a new one is committed, resubscribes start from what was taken. */
  private storedIdInvalid = false;
  /** After the reconciliation of a refused id, the next commit replaces the stored id even if it is lower. */
  private forceNextCommit = false;
  private uncommitted: Uncommitted | undefined;

  constructor(
    private readonly store: ReplayStore,
    private readonly log: Logger,
  ) {}

  /** A new start: flags cleared, the stored id read. */
  async load(): Promise<number | undefined> {
    this.storedIdInvalid = false;
    this.forceNextCommit = false;
    this.committed = await this.store.get();
    return this.committed;
  }

  /**
   * Where a resubscribe starts: the stored id, else the last event taken. With neither (no event seen since a
   * -1 subscribe), -1 would miss whatever was committed while reconnecting, so the retention window is replayed
   * (-2): duplicates are harmless, a gap is not.
   */
  resumeFrom(lastAccepted: number | undefined): number {
    if (!this.storedIdInvalid && this.committed !== undefined) return this.committed;
    return lastAccepted ?? REPLAY_ALL;
  }

  /** The org refused the stored id (past retention). */
  refused(): void {
    this.storedIdInvalid = true;
  }

  /** The reconciliation after a refused id is done: the next commit replaces the stored id. */
  reconciled(): void {
    this.forceNextCommit = true;
  }

  /**
   * Notes a handled event; returns what to store now — once no event waits behind it (`waiting`), after many, or
   * when a replacing commit is due — and undefined while the batch keeps growing.
   */
  note(
    replayId: number,
    seen: ChangeSeen | undefined,
    waiting: number,
  ): { replayId: number; seen: (ChangeSeen | undefined)[] } | undefined {
    const pending = this.uncommitted ?? { replayId, seen: new Map<string, number>(), events: 0 };
    pending.replayId = Math.max(pending.replayId, replayId);
    pending.events += 1;
    if (seen && Number.isFinite(seen.commitTimestamp)) {
      pending.seen.set(seen.entityName, Math.max(pending.seen.get(seen.entityName) ?? 0, seen.commitTimestamp));
    }
    this.uncommitted = pending;
    if (waiting > 0 && pending.events < MAX_EVENTS_PER_COMMIT && !this.forceNextCommit) return undefined;
    this.uncommitted = undefined;
    return { replayId: pending.replayId, seen: seenList(pending) };
  }

  /** Stores one commit (the caller retries it until it succeeds). */
  async commit(replayId: number, seen: ChangeSeen | undefined): Promise<void> {
    if (this.forceNextCommit) {
      await this.store.replace(replayId, seen);
      this.forceNextCommit = false;
      this.committed = replayId;
    } else if (await this.store.commit(replayId, seen)) {
      this.committed = replayId;
    }
    this.storedIdInvalid = false;
  }

  /** At stop: what was handled is stored once more before going, so a clean stop redelivers nothing. */
  async flush(): Promise<void> {
    const pending = this.uncommitted;
    this.uncommitted = undefined;
    if (!pending || this.forceNextCommit) return;
    try {
      for (const seen of seenList(pending)) await this.store.commit(pending.replayId, seen);
    } catch (error) {
      this.log.warn({ err: error, replayId: pending.replayId }, 'could not store the last replay id at stop');
    }
  }
}

/** One commit per object seen (each carries its latest commit timestamp); a bare one when none was. */
function seenList(pending: { seen: Map<string, number> }): (ChangeSeen | undefined)[] {
  const seen = [...pending.seen].map(([entityName, commitTimestamp]) => ({ entityName, commitTimestamp }));
  return seen.length > 0 ? seen : [undefined];
}
