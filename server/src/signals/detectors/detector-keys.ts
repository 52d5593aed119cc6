/**
 * The Redis keys the detectors keep, under the loop's hash-tagged prefix (the same prefix as KeySpace), so tests run
 * side by side under prefixes of their own.
 */
export class DetectorKeys {
  constructor(private readonly prefix: string) {}

  /** Open-role counts of one Account under one Hiring_Surge rule, scored by when they were counted. */
  openRolesHistory(ruleId: string, accountId: string): string {
    return `${this.prefix}:signal:open-roles:${ruleId}:${accountId}`;
  }

  /** How far one Funding_Round rule has read the funding feed. */
  fundingCursor(ruleId: string): string {
    return `${this.prefix}:signal:funding-cursor:${ruleId}`;
  }
}
