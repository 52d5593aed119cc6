import type { ChildProcess } from 'node:child_process';

/** Keeps the last lines a child wrote (for error reports) and lets callers wait for a line that matches. */
export class ChildOutput {
  private readonly lines: string[] = [];
  private readonly waiters: { pattern: RegExp; resolve: (line: string) => void }[] = [];
  private partial = '';

  constructor(
    child: ChildProcess,
    private readonly keep = 200,
    private readonly echo?: (line: string) => void,
  ) {
    child.stderr?.on('data', (chunk: Buffer) => this.feed(chunk.toString('utf8')));
  }

  feed(text: string): void {
    const parts = (this.partial + text).split('\n');
    this.partial = parts.pop() ?? '';
    for (const line of parts) {
      this.lines.push(line);
      if (this.lines.length > this.keep) this.lines.shift();
      this.echo?.(line);
      for (const waiter of [...this.waiters]) {
        if (!waiter.pattern.test(line)) continue;
        this.waiters.splice(this.waiters.indexOf(waiter), 1);
        waiter.resolve(line);
      }
    }
  }

  /** Resolves with the first line from now on that matches. */
  next(pattern: RegExp): Promise<string> {
    return new Promise((resolve) => this.waiters.push({ pattern, resolve }));
  }

  tail(n = 30): string {
    return this.lines.slice(-n).join('\n');
  }

  all(): string[] {
    return [...this.lines];
  }
}
