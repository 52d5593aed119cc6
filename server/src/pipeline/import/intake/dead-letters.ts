import type { Logger } from '../../../lib/logger';
import type { ChangeType, RecordChangeEvent } from '../../../salesforce/stream/change-event';
import { classifyHandlerFailure } from '../../../salesforce/stream/handler-failure';
import type { LoopStats } from '../../loop-stats';
import type { DeadLetter, DeadLetterStore } from './dead-letter-store';

export type { DeadLetter } from './dead-letter-store';

/** What a retry did: `retried` false when the letter is missing or cannot be retried. */
export interface RetryOutcome {
  id: string;
  retried: boolean;
  succeeded: boolean;
  reason?: string;
}

export interface DeadLettersOptions {
  store: DeadLetterStore;
  /** Handles an event as the stream would (the change intake). */
  handle: (event: RecordChangeEvent) => Promise<void>;
  stats: LoopStats;
  logger: Logger;
  /** How often the letters are retried by themselves (ms; default 10 minutes). */
  sweepMs?: number;
  /** Letters retried per sweep, longest-waiting first (default 20), so a pile of them costs a bounded API share. */
  perSweep?: number;
}

/**
 * Change events the stream gave up on, so that it could move on: recorded with their reason (one error line per
 * letter, counted for /metrics), shown by /readyz and the admin endpoints, retried — by an admin, or by the
 * periodic sweep that stands in for the stream — and cleared. A retry reads the records afresh (a re-read, or a
 * removal for a delete) instead of replaying the event's values, which may be stale by then.
 */
export class DeadLetters {
  private timer: NodeJS.Timeout | undefined;
  private sweeping: Promise<void> = Promise.resolve();

  constructor(private readonly options: DeadLettersOptions) {}

  async record(letter: DeadLetter): Promise<void> {
    const isNew = await this.options.store.save(letter);
    if (isNew) this.options.stats.deadLettered += 1;
    this.options.logger.error(
      {
        deadLetter: letter.id,
        replayId: letter.replayId,
        entityName: letter.entityName,
        changeType: letter.changeType,
        recordIds: letter.recordIds.slice(0, 20),
        code: letter.reason.code,
        attempts: letter.attempts,
      },
      `change event dead-lettered: ${letter.reason.code}: ${letter.reason.message}`,
    );
  }

  list(): Promise<DeadLetter[]> {
    return this.options.store.list();
  }

  count(): Promise<number> {
    return this.options.store.count();
  }

  clear(id: string): Promise<boolean> {
    return this.options.store.remove(id);
  }

  clearAll(): Promise<number> {
    return this.options.store.clear();
  }

  /** Handles the letter's records again; on success the letter is gone, on failure it keeps the new reason. */
  async retry(id: string): Promise<RetryOutcome> {
    const letter = await this.options.store.get(id);
    if (!letter) return { id, retried: false, succeeded: false, reason: 'no such dead letter' };
    if (!letter.retryable) {
      return { id, retried: false, succeeded: false, reason: `${letter.reason.code}: cannot be retried, only cleared` };
    }
    const at = new Date().toISOString();
    try {
      await this.options.handle(retryEvent(letter));
    } catch (error) {
      const failure = classifyHandlerFailure(error);
      await this.options.store.save({
        ...letter,
        reason: { code: failure.code, message: failure.message },
        attempts: 1,
        lastAttemptAt: at,
      });
      return { id, retried: true, succeeded: false, reason: `${failure.code}: ${failure.message}` };
    }
    await this.options.store.remove(id);
    this.options.logger.info({ deadLetter: id, entityName: letter.entityName }, 'dead letter retried and handled');
    return { id, retried: true, succeeded: true };
  }

  /** Retries every retryable letter (at most `limit`), longest since its last attempt first. */
  async retryAll(limit = Number.POSITIVE_INFINITY): Promise<RetryOutcome[]> {
    const letters = (await this.options.store.list())
      .filter((letter) => letter.retryable)
      .sort((a, b) => a.lastAttemptAt.localeCompare(b.lastAttemptAt))
      .slice(0, limit);
    const outcomes: RetryOutcome[] = [];
    for (const letter of letters) outcomes.push(await this.retry(letter.id));
    return outcomes;
  }

  /** Starts the periodic retry (the reconciliation of what the stream gave up on). */
  start(): void {
    if (this.timer) return;
    this.timer = setInterval(
      () => {
        this.sweeping = this.sweeping.then(() => this.sweep());
      },
      this.options.sweepMs ?? 10 * 60_000,
    );
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.sweeping;
  }

  private async sweep(): Promise<void> {
    try {
      const outcomes = await this.retryAll(this.options.perSweep ?? 20);
      const handled = outcomes.filter((o) => o.succeeded).length;
      if (outcomes.length > 0) {
        this.options.logger.info({ retried: outcomes.length, handled }, 'dead letters retried by the periodic sweep');
      }
    } catch (error) {
      this.options.logger.warn({ err: error }, 'the dead-letter sweep failed; next time');
    }
  }
}

/** Deletes are removed again; overflows reconcile; everything else is read afresh from the org. */
function retryChangeType(changeType: ChangeType): ChangeType {
  if (changeType === 'DELETE' || changeType === 'GAP_DELETE') return 'GAP_DELETE';
  if (changeType === 'GAP_OVERFLOW') return 'GAP_OVERFLOW';
  return 'GAP_UPDATE';
}

function retryEvent(letter: DeadLetter): RecordChangeEvent {
  return {
    replayId: letter.replayId,
    channel: '',
    changeType: retryChangeType(letter.changeType),
    entityName: letter.entityName,
    recordIds: letter.recordIds,
    changedFields: [],
    values: {},
    commitUser: '',
    commitTimestamp: Date.now(),
    transactionKey: '',
    sequenceNumber: 0,
    changeOrigin: '',
  };
}

/** The letter for an event the stream gave up on after `attempts`. */
export function handlerDeadLetter(
  event: RecordChangeEvent,
  failure: { code: string; message: string; attempts: number; firstAttemptAt: string; lastAttemptAt: string },
): DeadLetter {
  return {
    id: String(event.replayId),
    replayId: event.replayId,
    entityName: event.entityName,
    changeType: event.changeType,
    recordIds: event.recordIds,
    reason: { code: failure.code, message: failure.message },
    attempts: failure.attempts,
    firstAttemptAt: failure.firstAttemptAt,
    lastAttemptAt: failure.lastAttemptAt,
    retryable: true,
  };
}

/** The letter for an event's entries that are not record ids: dropped before any query, never retried. */
export function invalidIdsDeadLetter(event: RecordChangeEvent, invalid: string[]): DeadLetter {
  const at = new Date().toISOString();
  const shown = invalid.slice(0, 5).map((id) => JSON.stringify(id.length > 40 ? `${id.slice(0, 40)}…` : id));
  return {
    id: `${event.replayId}-ids`,
    replayId: event.replayId,
    entityName: event.entityName,
    changeType: event.changeType,
    recordIds: invalid,
    reason: {
      code: 'INVALID_RECORD_ID',
      message: `${invalid.length} entr${invalid.length === 1 ? 'y is' : 'ies are'} not a Salesforce record id: ${shown.join(', ')}`,
    },
    attempts: 1,
    firstAttemptAt: at,
    lastAttemptAt: at,
    retryable: false,
  };
}
