import type { CommittedTransaction, OrgEvents, PlatformEventPublished } from '../org-contract';

/** Fan-out of committed transactions and published platform events; a throwing listener never breaks a write. */
export class EventHub implements OrgEvents {
  private readonly commitListeners = new Set<(tx: CommittedTransaction) => void>();
  private readonly eventListeners = new Set<(e: PlatformEventPublished) => void>();

  onCommit(listener: (tx: CommittedTransaction) => void): () => void {
    this.commitListeners.add(listener);
    return () => this.commitListeners.delete(listener);
  }

  onPlatformEvent(listener: (event: PlatformEventPublished) => void): () => void {
    this.eventListeners.add(listener);
    return () => this.eventListeners.delete(listener);
  }

  emitCommit(tx: CommittedTransaction): void {
    for (const l of [...this.commitListeners]) {
      try {
        l(tx);
      } catch (err) {
        process.stderr.write(`onCommit listener failed: ${String(err)}\n`);
      }
    }
  }

  emitPlatformEvent(e: PlatformEventPublished): void {
    for (const l of [...this.eventListeners]) {
      try {
        l(e);
      } catch (err) {
        process.stderr.write(`onPlatformEvent listener failed: ${String(err)}\n`);
      }
    }
  }
}
