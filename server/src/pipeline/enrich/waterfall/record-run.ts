import type { AttributeKey, AttributeValue } from '../../../domain/attributes';
import { emptyWaterfallResult } from './waterfall-result';
import type { ProviderId } from '../providers/provider-contract';
import type { WaterfallResult } from './waterfall-result';

const sameValue = (value: string | number): string => String(value).trim().toLowerCase();

/** Mutable state of one record's waterfall. */
export class RecordRun {
  readonly found = new Map<AttributeKey, AttributeValue>();
  /** `person.email_status` values that a verifier further down may still replace. */
  readonly provisional = new Map<AttributeKey, AttributeValue>();
  readonly noMatchFrom = new Map<AttributeKey, Set<ProviderId>>();
  readonly invalidStreak = new Map<AttributeKey, { value: string; count: number }>();
  readonly stopped = new Set<AttributeKey>();
  readonly result: WaterfallResult = emptyWaterfallResult();

  constructor(readonly wanted: readonly AttributeKey[]) {}

  stillMissing(): AttributeKey[] {
    return this.wanted.filter((key) => !this.found.has(key) && !this.stopped.has(key));
  }

  win(value: AttributeValue, fromCache: boolean): void {
    this.found.set(value.key, value);
    this.provisional.delete(value.key);
    this.result.winners[value.key] = value.provider as ProviderId;
    if (fromCache) this.result.fromCache.push(value.key);
  }

  /** Counts an invalid value; true when the same one has now come back `threshold` times in a row. */
  invalid(key: AttributeKey, value: string | number, threshold: number): boolean {
    const normalised = sameValue(value);
    const streak = this.invalidStreak.get(key);
    const count = streak?.value === normalised ? streak.count + 1 : 1;
    this.invalidStreak.set(key, { value: normalised, count });
    return count >= threshold;
  }

  finish(): WaterfallResult {
    for (const value of this.provisional.values()) this.win(value, false);
    this.result.values = this.wanted.flatMap((key) => this.found.get(key) ?? []);
    this.result.missing = this.wanted.filter((key) => !this.found.has(key));
    return this.result;
  }
}
