import type { CommandRefusal } from './command-authority';

/** How many commands were refused since the start, by reason (read by /metrics). */
export class CommandRefusals {
  private readonly counts = new Map<CommandRefusal, number>();

  add(reason: CommandRefusal): void {
    this.counts.set(reason, (this.counts.get(reason) ?? 0) + 1);
  }

  byReason(): ReadonlyMap<CommandRefusal, number> {
    return this.counts;
  }
}
