import { describe, expect, it } from 'vitest';
import { AdaptiveWindow } from '../../src/lib/adaptive-window';

/** A window on a clock the test moves. */
function windowAt(options: { maxWaitMs?: number; fullAt?: number } = {}) {
  const clock = { now: 1_000_000 };
  const window = new AdaptiveWindow({ maxWaitMs: 500, fullAt: 1000, ...options, now: () => clock.now });
  return { window, clock };
}

/**
 * Drives the window as the writer does: items arrive `perTick` at a time every `tickMs`; a batch goes when the window
 * answers 0, on an arrival or when the wait it gave has passed. Returns each batch's size and its first item's wait.
 */
function simulate(input: { perTick: number; tickMs: number; seconds: number; maxWaitMs?: number; fullAt?: number }) {
  const { window, clock } = windowAt(input);
  const start = clock.now;
  const end = start + input.seconds * 1000;
  const batches: { size: number; oldestWaitedMs: number }[] = [];
  let pending = 0;
  let oldestAt = 0;
  let timerAt: number | undefined;
  const send = () => {
    batches.push({ size: pending, oldestWaitedMs: clock.now - oldestAt });
    pending = 0;
    timerAt = undefined;
  };
  const ask = () => {
    const wait = window.waitMs(pending, oldestAt);
    if (wait === 0) send();
    else if (timerAt === undefined || clock.now + wait < timerAt) timerAt = clock.now + wait;
  };
  let nextTick = start;
  while (nextTick < end || pending > 0) {
    const nextArrival = nextTick < end ? nextTick : Number.POSITIVE_INFINITY;
    if (timerAt !== undefined && timerAt <= nextArrival) {
      clock.now = timerAt;
      timerAt = undefined;
      ask();
      continue;
    }
    clock.now = nextArrival;
    for (let i = 0; i < input.perTick; i += 1) {
      if (pending === 0) oldestAt = clock.now;
      pending += 1;
      window.arrived();
    }
    nextTick += input.tickMs;
    ask();
  }
  const items = batches.reduce((n, b) => n + b.size, 0);
  const waits = batches.map((b) => b.oldestWaitedMs);
  return { batches, items, callsPer1000: (batches.length / items) * 1000, longestWaitMs: Math.max(...waits) };
}

describe('adaptive window', () => {
  it('when one item arrives after a quiet spell, then it goes at once', () => {
    const { window, clock } = windowAt();
    window.arrived();
    expect(window.waitMs(1, clock.now)).toBe(0);
    clock.now += 60_000;
    window.arrived();
    expect(window.waitMs(1, clock.now)).toBe(0);
  });

  it('when items stream in at 200 a second, then a new batch waits almost the whole window', () => {
    const { window, clock } = windowAt();
    for (let i = 0; i < 400; i += 1) {
      window.arrived();
      clock.now += 5;
    }
    expect(window.ratePerSecond()).toBeGreaterThan(150);
    const wait = window.waitMs(1, clock.now);
    expect(wait).toBeGreaterThan(480);
    expect(wait).toBeLessThanOrEqual(500);
  });

  it('when the batch is full or its first item has waited the whole window, then it goes at once', () => {
    const { window, clock } = windowAt({ fullAt: 10 });
    for (let i = 0; i < 400; i += 1) {
      window.arrived();
      clock.now += 5;
    }
    expect(window.waitMs(9, clock.now)).toBeGreaterThan(0);
    expect(window.waitMs(10, clock.now)).toBe(0);
    expect(window.waitMs(1, clock.now - 500)).toBe(0);
    expect(window.waitMs(0, clock.now)).toBe(0);
  });

  it('when nothing arrives during the wait it gave, then asked again it answers 0', () => {
    const { window, clock } = windowAt();
    for (let i = 0; i < 10; i += 1) {
      window.arrived();
      clock.now += 50;
    }
    const oldestAt = clock.now;
    const wait = window.waitMs(1, oldestAt);
    expect(wait).toBeGreaterThan(0);
    expect(wait).toBeLessThan(500); // at ~10 a second one gap (100 ms) is left off the window's end
    clock.now += wait;
    expect(window.waitMs(1, oldestAt)).toBe(0);
  });

  it('when a stream stops, then the rate decays and the next lone item goes at once', () => {
    const { window, clock } = windowAt();
    for (let i = 0; i < 400; i += 1) {
      window.arrived();
      clock.now += 5;
    }
    clock.now += 10_000;
    window.arrived();
    expect(window.ratePerSecond()).toBeLessThan(1.1);
    expect(window.waitMs(1, clock.now)).toBe(0);
  });

  it('when 200 items a second arrive 20 per 100 ms, then batches hold about 100 and cost ≤ 10 calls per 1,000', () => {
    const run = simulate({ perTick: 20, tickMs: 100, seconds: 30 });
    expect(run.items).toBe(6000);
    expect(run.callsPer1000).toBeLessThanOrEqual(10.5); // the first ticks go before the rate is known
    expect(run.longestWaitMs).toBeLessThanOrEqual(500);
    const steady = run.batches.slice(5, -1);
    expect(Math.min(...steady.map((b) => b.size))).toBeGreaterThanOrEqual(80);
  });

  it('when one item comes every two seconds, then every item goes alone and at once', () => {
    const run = simulate({ perTick: 1, tickMs: 2_000, seconds: 60 });
    expect(run.batches).toHaveLength(30);
    expect(run.longestWaitMs).toBe(0);
  });

  it('when a burst fills a batch, then it goes before the window ends', () => {
    const run = simulate({ perTick: 250, tickMs: 100, seconds: 10, fullAt: 1000 });
    const steady = run.batches.slice(2, -1);
    expect(steady.every((b) => b.size === 1000)).toBe(true);
    expect(Math.max(...steady.map((b) => b.oldestWaitedMs))).toBeLessThanOrEqual(300);
  });
});
