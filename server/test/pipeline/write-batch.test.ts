import { describe, expect, it } from 'vitest';
import { emptySkipTally } from '../../src/pipeline/export';
import type { PageSettlement, StagedPage } from '../../src/pipeline/staged-page';
import { WriteBatch } from '../../src/pipeline/write-batch';

function page(id: string): StagedPage {
  return { object: 'Contact', now: new Date(0), ids: [id], skips: emptySkipTally(), writes: [], deferred: [] };
}

/** A settle the test releases: records which pages each call carried. */
function gatedSettle() {
  const calls: string[][] = [];
  let release: () => void = () => undefined;
  let gate = new Promise<void>((resolve) => (release = resolve));
  const settle = async (pages: StagedPage[]): Promise<PageSettlement[]> => {
    calls.push(pages.map((p) => p.ids[0]!));
    await gate;
    return pages.map((p) => ({
      outcome: { written: 1, failed: 0, skips: emptySkipTally() },
      retryable: p.ids[0] === 'b' ? ['b'] : [],
    }));
  };
  return {
    calls,
    settle,
    open: () => {
      release();
      gate = new Promise<void>((resolve) => (release = resolve));
    },
  };
}

describe('WriteBatch', () => {
  it('waits for pagesPerJob pages, then settles them in one call and gives each page its own settlement', async () => {
    const s = gatedSettle();
    const batch = new WriteBatch(s.settle, 3);
    const a = batch.submit(page('a'));
    const b = batch.submit(page('b'));
    expect(s.calls).toEqual([]);
    const c = batch.submit(page('c'));
    expect(s.calls).toEqual([['a', 'b', 'c']]);
    s.open();
    expect((await a).retryable).toEqual([]);
    expect((await b).retryable).toEqual(['b']);
    expect((await c).outcome.written).toBe(1);
  });

  it('settles what waits when closed, and any later page at once', async () => {
    const s = gatedSettle();
    const batch = new WriteBatch(s.settle, 3);
    const a = batch.submit(page('a'));
    batch.close();
    expect(s.calls).toEqual([['a']]);
    const d = batch.submit(page('d'));
    expect(s.calls).toEqual([['a'], ['d']]);
    s.open();
    await expect(a).resolves.toMatchObject({ retryable: [] });
    await expect(d).resolves.toMatchObject({ retryable: [] });
  });

  it('rejects every page of a settle that throws', async () => {
    const failure = new Error('no job');
    const batch = new WriteBatch(() => Promise.reject(failure), 2);
    const a = batch.submit(page('a'));
    const b = batch.submit(page('b'));
    await expect(a).rejects.toBe(failure);
    await expect(b).rejects.toBe(failure);
  });
});
