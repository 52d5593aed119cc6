/**
 * `node --import tsx scripts/bench/window-model.ts`: the writer's AdaptiveWindow (500 ms, full at 1,000) driven on a
 * simulated clock by the bench's arrival shape (rate/10 writes every 100 ms, or one every 1000/rate ms below 10 a
 * second), so the windows it chooses are seen without the machine's noise: per rate, the wait of each write before
 * its batch went (mean, p95), the batch size and the calls per 1,000 writes. A fixed 500 ms window beside it.
 */
import { AdaptiveWindow } from '../../server/src/lib/adaptive-window';
import { percentile } from './percentile';

function run(rate: number, adaptive: boolean, seconds = 60) {
  const clock = { now: 1_000_000 };
  const window = new AdaptiveWindow({ maxWaitMs: 500, fullAt: 1000, now: () => clock.now });
  const tickMs = rate >= 10 ? 100 : 1000 / rate;
  const perTick = rate >= 10 ? Math.round(rate / 10) : 1;
  const end = clock.now + seconds * 1000;
  let pending: number[] = [];
  let timerAt: number | undefined;
  const waits: number[] = [];
  let batches = 0;
  const send = () => {
    for (const at of pending) waits.push(clock.now - at);
    batches += 1;
    pending = [];
    timerAt = undefined;
  };
  const ask = () => {
    const oldest = pending[0] ?? clock.now;
    const wait = adaptive ? window.waitMs(pending.length, oldest) : Math.max(0, oldest + 500 - clock.now);
    if (wait === 0) send();
    else if (timerAt === undefined || clock.now + wait < timerAt) timerAt = clock.now + wait;
  };
  let nextTick = clock.now;
  while (nextTick < end || pending.length > 0) {
    const nextArrival = nextTick < end ? nextTick : Number.POSITIVE_INFINITY;
    if (timerAt !== undefined && timerAt <= nextArrival) {
      clock.now = timerAt;
      timerAt = undefined;
      ask();
      continue;
    }
    clock.now = nextArrival;
    for (let i = 0; i < perTick; i += 1) {
      pending.push(clock.now);
      window.arrived();
    }
    nextTick += tickMs;
    ask();
  }
  const mean = waits.reduce((a, b) => a + b, 0) / waits.length;
  return {
    meanWaitMs: Math.round(mean),
    p95WaitMs: percentile(waits, 95),
    batch: Math.round(waits.length / batches),
    callsPer1000: Math.round((batches / waits.length) * 10_000) / 10,
  };
}

const rows = [0.5, 1, 2, 5, 10, 50, 100, 200, 400].map((rate) => ({
  rate,
  adaptive: run(rate, true),
  fixed: run(rate, false),
}));
process.stdout.write('| writes/s | adaptive: mean / p95 wait, batch, calls per 1,000 | fixed 500 ms: the same |\n');
process.stdout.write('|---|---|---|\n');
for (const { rate, adaptive: a, fixed: f } of rows) {
  process.stdout.write(
    `| ${rate} | ${a.meanWaitMs} / ${a.p95WaitMs} ms, ${a.batch}, ${a.callsPer1000} | ` +
      `${f.meanWaitMs} / ${f.p95WaitMs} ms, ${f.batch}, ${f.callsPer1000} |\n`,
  );
}
