import { describe, expect, it } from 'vitest';
import { ConfigReloader, type ConfigReloaderDeps } from '../../src/commands/config-reloader';
import type { ReloadTimer } from '../../src/commands/reload-timer';
import { createLogger } from '../../src/lib/logger';

/** A clock and timer the test moves by hand: nothing here depends on how fast the machine is. */
class ManualTimer implements ReloadTimer {
  private at = 0;
  private timers: { due: number; fn: () => void }[] = [];

  now(): number {
    return this.at;
  }

  after(ms: number, fn: () => void): () => void {
    const timer = { due: this.at + ms, fn };
    this.timers.push(timer);
    return () => (this.timers = this.timers.filter((t) => t !== timer));
  }

  /** Moves the clock on, firing every timer that falls due, then lets the work they started run. */
  async advance(ms: number): Promise<void> {
    this.at += ms;
    const due = this.timers.filter((t) => t.due <= this.at).sort((a, b) => a.due - b.due);
    this.timers = this.timers.filter((t) => !due.includes(t));
    for (const timer of due) timer.fn();
    await settle();
  }
}

/** Lets every promise chain that can move on do so (a macrotask turn is after all pending microtasks). */
const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * The reloader's collaborators, reduced to what a reload calls on them; `load` counts reloads and can be held by
 * the test (a gate), so "a request that arrives while a reload runs" is arranged, not hoped for.
 */
function reloaderWith(timer: ManualTimer) {
  const counts = { loads: 0 };
  let gate: Promise<void> | undefined;
  const deps = {
    config: {
      load: async () => {
        counts.loads += 1;
        await gate;
      },
      current: { sources: [], audiences: [] },
      snapshot: () => ({ config: { sources: [], audiences: [] }, mirroredFields: () => new Set() }),
    },
    sources: { apply: async () => undefined },
    enrichment: { reload: async () => undefined },
    imports: { runPending: async () => undefined },
    mirror: {},
    refresher: {},
    logger: createLogger({ level: 'silent', name: 'test' }),
    timer,
    settleMs: 500,
    minIntervalMs: 5_000,
  } as unknown as ConfigReloaderDeps;
  const hold = () => {
    let release: () => void = () => undefined;
    gate = new Promise<void>((resolve) => (release = resolve));
    return () => {
      gate = undefined;
      release();
    };
  };
  return { reloader: new ConfigReloader(deps), counts, hold };
}

describe('ConfigReloader: coalescing RELOAD_CONFIG (issue 11, finding 6)', () => {
  it('when 34 requests trickle in, each after the previous reload ended, then they cost two reloads, not 34', async () => {
    const timer = new ManualTimer();
    const { reloader, counts } = reloaderWith(timer);
    const done: boolean[] = [];
    const track = (promise: Promise<void>) => {
      const index = done.push(false) - 1;
      void promise.then(() => (done[index] = true));
    };

    track(reloader.request('RELOAD_CONFIG'));
    await timer.advance(500);
    expect(counts.loads).toBe(1);
    expect(done[0]).toBe(true);

    // 33 more saves, 100 ms apart: each arrives when no reload runs.
    for (let i = 1; i < 34; i += 1) {
      track(reloader.request('RELOAD_CONFIG'));
      await timer.advance(100);
    }
    expect(counts.loads).toBe(1);
    expect(done.filter(Boolean)).toHaveLength(1);

    await timer.advance(5_000);
    expect(counts.loads).toBe(2);
    expect(done.every(Boolean)).toBe(true);
  });

  it('when requests arrive while a reload runs, then one more reload covers all of them after it', async () => {
    const timer = new ManualTimer();
    const { reloader, counts, hold } = reloaderWith(timer);
    const release = hold();
    const first = reloader.request('RELOAD_CONFIG');
    await timer.advance(500);
    expect(counts.loads).toBe(1);

    let laterDone = 0;
    for (let i = 0; i < 5; i += 1) void reloader.request('RELOAD_CONFIG').then(() => (laterDone += 1));
    // The interval passes while the first reload is still held: the next waits for it, it never overlaps.
    await timer.advance(10_000);
    expect(counts.loads).toBe(1);

    release();
    await first;
    await settle();
    expect(counts.loads).toBe(2);
    expect(laterDone).toBe(5);
  });

  it('when the loop stops, then a reload waiting for its turn never starts and its callers are released', async () => {
    const timer = new ManualTimer();
    const { reloader, counts } = reloaderWith(timer);
    const waiting = reloader.request('safety poll');
    await reloader.stop();
    await waiting;
    await timer.advance(10_000);
    expect(counts.loads).toBe(0);
  });
});
