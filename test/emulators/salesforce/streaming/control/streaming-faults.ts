/** Fault switches that outlive one call: long polls still to drop as they arrive. */
export class StreamingFaults {
  private pendingDrops = 0;

  addPendingDrops(n: number): void {
    this.pendingDrops += n;
  }

  /** True when the poll being held now should be dropped instead. */
  takeDrop(): boolean {
    if (this.pendingDrops <= 0) return false;
    this.pendingDrops -= 1;
    return true;
  }

  snapshot(): { pendingLongPollDrops: number } {
    return { pendingLongPollDrops: this.pendingDrops };
  }

  reset(): void {
    this.pendingDrops = 0;
  }
}
