import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CreditLedger } from '../../../../src/pipeline/enrich/waterfall/credit-ledger';
import { FakeClock, openTestRedis } from './waterfall-test-kit';

let redis: Redis;
let prefix: string;
let cleanup: () => Promise<void>;

beforeAll(async () => {
  ({ redis, prefix, cleanup } = await openTestRedis('credits'));
});

afterAll(async () => {
  await cleanup();
});

describe('CreditLedger', () => {
  it('when calls are reserved and settled, then the run and the month book what was charged, per provider', async () => {
    const ledger = new CreditLedger(redis, { prefix, now: FakeClock.at('2026-11-10T00:00:00Z').date });
    const a = await ledger.reserve('plan-1', 'run-1', 'hunter', 2);
    const b = await ledger.reserve('plan-1', 'run-1', 'pdl', 1.5);
    if (!a.ok || !b.ok) throw new Error('expected reservations');
    expect((await ledger.usage('run-1')).reserved).toBe(3.5);
    await ledger.settle(a.reservation, 0.5);
    await ledger.settle(b.reservation, 1.5);
    expect(await ledger.usage('run-1')).toEqual({ total: 2, byProvider: { hunter: 0.5, pdl: 1.5 }, reserved: 0 });
    expect(await ledger.monthUsage('plan-1')).toEqual({
      month: '2026-11',
      total: 2,
      byProvider: { hunter: 0.5, pdl: 1.5 },
      reserved: 0,
    });
  });

  it('when a reservation would cross the run ceiling, then it is refused with the limit, what is used and the ceiling', async () => {
    const ledger = new CreditLedger(redis, { prefix });
    const first = await ledger.reserve('plan-2', 'run-2', 'hunter', 3, { perRun: 4 });
    expect(first.ok).toBe(true);
    expect(await ledger.reserve('plan-2', 'run-2', 'hunter', 3, { perRun: 4 })).toEqual({
      ok: false,
      limit: 'run',
      used: 3,
      ceiling: 4,
    });
    // A free call never crosses a limit.
    expect((await ledger.reserve('plan-2', 'run-2', 'offline', 0, { perRun: 0 })).ok).toBe(true);
  });

  it('when the month changes (UTC), then the monthly budget starts again from zero', async () => {
    const clock = FakeClock.at('2026-11-30T23:59:59Z');
    const ledger = new CreditLedger(redis, { prefix, now: clock.date });
    const limits = { perMonth: 5 };
    const spent = await ledger.reserve('plan-3', 'run-3a', 'pdl', 5, limits);
    if (!spent.ok) throw new Error('expected a reservation');
    await ledger.settle(spent.reservation, 5);
    expect(await ledger.reserve('plan-3', 'run-3b', 'pdl', 1, limits)).toMatchObject({ ok: false, limit: 'month' });
    clock.advance(1000); // 2026-12-01T00:00:00Z
    expect((await ledger.reserve('plan-3', 'run-3b', 'pdl', 1, limits)).ok).toBe(true);
    expect((await ledger.monthUsage('plan-3')).month).toBe('2026-12');
    expect((await ledger.monthUsage('plan-3', new Date('2026-11-15T00:00:00Z'))).total).toBe(5);
  });

  it('when a call straddles midnight on the 1st, then it settles against the month that reserved it', async () => {
    const clock = FakeClock.at('2026-11-30T23:59:59Z');
    const ledger = new CreditLedger(redis, { prefix, now: clock.date });
    const reserved = await ledger.reserve('plan-4', 'run-4', 'pdl', 1);
    if (!reserved.ok) throw new Error('expected a reservation');
    clock.advance(2000);
    await ledger.settle(reserved.reservation, 1);
    expect((await ledger.monthUsage('plan-4', new Date('2026-11-15T00:00:00Z'))).total).toBe(1);
    expect((await ledger.monthUsage('plan-4')).total).toBe(0);
  });

  it('when many workers reserve at once, then neither the run ceiling nor the monthly budget is overshot', async () => {
    const ledger = new CreditLedger(redis, { prefix });
    const byRun = await Promise.all(
      Array.from({ length: 50 }, () => ledger.reserve('plan-5', 'run-5', 'hunter', 1, { perRun: 17 })),
    );
    expect(byRun.filter((r) => r.ok)).toHaveLength(17);
    expect((await ledger.usage('run-5')).reserved).toBe(17);

    // Two runs of one plan share the month: together they stop at the budget.
    const byMonth = await Promise.all(
      Array.from({ length: 60 }, (_, i) =>
        ledger.reserve('plan-6', i % 2 === 0 ? 'run-6a' : 'run-6b', 'pdl', 0.5, { perMonth: 12 }),
      ),
    );
    expect(byMonth.filter((r) => r.ok)).toHaveLength(24);
    expect(byMonth.filter((r) => !r.ok).every((r) => !r.ok && r.limit === 'month')).toBe(true);
    for (const r of byMonth) if (r.ok) await ledger.settle(r.reservation, 0.5);
    expect(await ledger.monthUsage('plan-6')).toMatchObject({ total: 12, reserved: 0 });
  });

  it('when a call is reserved for more than it then costs, then only the charge is booked and the rest is freed', async () => {
    const ledger = new CreditLedger(redis, { prefix });
    const reserved = await ledger.reserve('plan-7', 'run-7', 'apollo', 5, { perRun: 5 });
    if (!reserved.ok) throw new Error('expected a reservation');
    await ledger.settle(reserved.reservation, 0);
    expect((await ledger.reserve('plan-7', 'run-7', 'apollo', 5, { perRun: 5 })).ok).toBe(true);
  });

  it('when a worker dies between reserve and settle, then its reservation stops holding budget once it expires', async () => {
    const clock = FakeClock.at('2026-11-28T12:00:00Z');
    const ledger = new CreditLedger(redis, { prefix, now: clock.date });
    const orphan = await ledger.reserve('plan-8', 'run-8', 'pdl', 4, { perRun: 5 }, { holdMs: 60_000 });
    if (!orphan.ok) throw new Error('expected a reservation');
    expect((await ledger.reserve('plan-8', 'run-8', 'pdl', 4, { perRun: 5 })).ok).toBe(false);
    clock.advance(60_000);
    const next = await ledger.reserve('plan-8', 'run-8', 'pdl', 4, { perRun: 5 });
    expect(next.ok).toBe(true);
    // A late settle of the orphan books its charge but cannot release budget a second time.
    await ledger.settle(orphan.reservation, 0);
    expect(await ledger.usage('run-8')).toEqual({ total: 0, byProvider: { pdl: 0 }, reserved: 4 });
  });
});
