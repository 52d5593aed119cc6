import type { PageSettlement, StagedPage } from './staged-page';

interface Waiting {
  page: StagedPage;
  resolve: (settlement: PageSettlement) => void;
  reject: (error: unknown) => void;
}

/**
 * Pages of a large import whose writes wait to be sent together: each page is planned and let go, and once
 * `pagesPerJob` pages wait (or `close` says no more will come) one `settle` sends them all, so one ingest job
 * spans several small pages. Memory holds small pages' records, not a job's worth (docs/performance.md, issue 19).
 * Each page gets its own settlement; a settle that throws rejects every page it carried.
 */
export class WriteBatch {
  private waiting: Waiting[] = [];
  private closed = false;

  constructor(
    private readonly settle: (pages: StagedPage[]) => Promise<PageSettlement[]>,
    private readonly pagesPerJob: number,
  ) {}

  /** Resolves once the page's writes are settled, with its own outcome. */
  submit(page: StagedPage): Promise<PageSettlement> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ page, resolve, reject });
      if (this.closed || this.waiting.length >= Math.max(1, this.pagesPerJob)) void this.flush();
    });
  }

  /** No more pages will come: the pages waiting are sent now, and any later page at once. */
  close(): void {
    this.closed = true;
    if (this.waiting.length > 0) void this.flush();
  }

  private async flush(): Promise<void> {
    const group = this.waiting;
    this.waiting = [];
    try {
      const settlements = await this.settle(group.map((waiting) => waiting.page));
      group.forEach((waiting, index) => waiting.resolve(settlements[index] as PageSettlement));
    } catch (error) {
      for (const waiting of group) waiting.reject(error);
    }
  }
}
