import type { SourceConfig } from '../../config/loop-config';
import type { MirrorRecord } from '../../domain/mirror-record';
import type { Logger } from '../../lib/logger';
import { bulkQueryPages } from '../../salesforce/bulk/bulk-query-pages';
import type { OrgClient, QueryPage } from '../../salesforce/org-client';
import type { ObjectDescribe } from '../../salesforce/schema/describe-cache';
import { createFieldTypeLookup } from '../segments/filter';
import { typeBulkRow } from './bulk-values';
import { flattenRecord } from './flatten-record';
import type { MirrorFieldSet } from './mirror-fields';
import type { MirrorStore } from './mirror-store';
import { sourceQuery } from './source-query';

export interface ImportPageHandler {
  (page: MirrorRecord[]): Promise<void>;
}

/** How the records read are handed on: pages of `pageSize`, at most `pagesInFlight` of them being processed. */
export interface ImportLayout {
  pageSize: number;
  pagesInFlight: number;
  /** Rows per Bulk API 2.0 results page (default the larger of 10,000 and `pageSize`). */
  readSize?: number;
}

/** Records per `putMany` into the mirror (the pages a REST query answers). */
const MIRROR_CHUNK = 2000;

export interface InitialImportResult {
  total: number;
  imported: number;
  path: 'rest' | 'bulk';
}

/**
 * Reads every record a source includes into the mirror, page by page, handing each page on as soon as it is
 * stored (so enrichment and write-back overlap the reading). REST queryMore pages by default; Bulk API 2.0 when
 * the source holds more than `bulkThreshold` records, since it costs a handful of calls whatever the size.
 */
export async function runInitialImport(input: {
  org: OrgClient;
  source: SourceConfig;
  fields: MirrorFieldSet;
  describe: ObjectDescribe;
  accountDescribe: ObjectDescribe | undefined;
  mirror: MirrorStore;
  bulkThreshold: number;
  pageSize?: number;
  /** Pages handed on and not yet finished at once (default 3): one page's calls overlap the next page's work. */
  pagesInFlight?: number;
  /** Page size and pages in flight chosen once the source's size is known (a large import's Bulk writes). */
  layout?: (total: number) => ImportLayout | undefined;
  onPage: ImportPageHandler;
  onTotal?: (total: number) => void;
  /** Told once no more pages will be handed on (the reading ended or failed), before the import waits for them. */
  onReadEnd?: () => void;
  /** Reads the query's first page (default `org.firstPage`); the import runner sends its run's create with it. */
  readFirstPage?: (soql: string, batchSize: number) => Promise<QueryPage<Record<string, unknown>>>;
  logger: Logger;
}): Promise<InitialImportResult> {
  const { org, source, fields, describe, accountDescribe, mirror } = input;
  const fieldType = createFieldTypeLookup({
    fields: describe.fields,
    parentFields: (relationship) => (relationship === 'Account' ? accountDescribe?.fields : undefined),
  });
  const soql = sourceQuery(source, fields, fieldType);
  const batchSize = Math.min(input.pageSize ?? 2000, MIRROR_CHUNK);
  // The first page's totalSize is the count a COUNT() query would give: one call fewer for every REST import. Above
  // the Bulk threshold the page is dropped (as the COUNT() call was) and Bulk API 2.0 reads everything.
  const first: QueryPage<Record<string, unknown>> = input.readFirstPage
    ? await input.readFirstPage(soql, batchSize)
    : await org.firstPage<Record<string, unknown>>(soql, batchSize);
  const total = first.totalSize;
  input.onTotal?.(total);
  const toMirror = (flat: MirrorRecord['fields']): MirrorRecord => ({
    id: String(flat.Id),
    object: source.object,
    fields: flat,
  });
  const layout = input.layout?.(total);
  const pageSize = layout?.pageSize ?? input.pageSize ?? 2000;
  let imported = 0;
  const pages = new PagesInFlight(layout?.pagesInFlight ?? input.pagesInFlight ?? 3);
  // Records go into the mirror as they are read; they are handed on in pages of `pageSize`.
  let held: MirrorRecord[] = [];
  const store = async (records: MirrorRecord[]) => {
    for (let i = 0; i < records.length; i += MIRROR_CHUNK) {
      const chunk = records.slice(i, i + MIRROR_CHUNK);
      held.push(...(await mirror.putMany(chunk)));
      imported += chunk.length;
    }
    // Stored: the caller's array would otherwise hold these records while the pages handed on below are processed.
    records.length = 0;
    while (held.length >= pageSize) await handOn(held.splice(0, pageSize));
  };
  const handOn = (page: MirrorRecord[]) => pages.add(() => input.onPage(page));
  const storeLast = async () => {
    const rest = held;
    held = [];
    if (rest.length > 0) await handOn(rest);
  };

  try {
    return await readAll();
  } finally {
    // Whatever ended the reading (the end, a failed page, a failed query), no page handler outlives the import.
    input.onReadEnd?.();
    await pages.settle();
  }

  async function readAll(): Promise<InitialImportResult> {
    if (total > input.bulkThreshold) {
      input.logger.info({ source: source.name, total }, 'initial import through Bulk API 2.0');
      // A large import's pages are held anyway: results pages as large cost fewer calls (10,000 rows otherwise).
      for await (const rows of bulkQueryPages(
        org,
        soql,
        layout ? { maxRecords: layout.readSize ?? Math.max(10_000, pageSize) } : {},
      )) {
        const records = rows.map((row) => toMirror(typeBulkRow(row, describe, accountDescribe)));
        // The CSV rows are one more copy of the page: let them go before the page is processed (`store` waits for
        // that, and the loop and the generator would hold them until the page's jobs finished).
        rows.length = 0;
        await store(records);
      }
      await storeLast();
      input.onReadEnd?.();
      await pages.finish();
      return { total, imported, path: 'bulk' };
    }

    // Each reply is flattened as soon as it is parsed and the parsed copy let go: the next page's reply waits while
    // this page is stored and handed on (a free page slot can take seconds), long enough for it to be promoted to
    // the old space and marked again at every major GC (issue 19); `first` would hold the first one for good.
    const flattened = (raw: QueryPage<Record<string, unknown>>): FlatPage => {
      const records = raw.records.map((row) => toMirror(flattenRecord(row, fields.parentFields)));
      raw.records.length = 0;
      return { done: raw.done, nextRecordsUrl: raw.nextRecordsUrl, records };
    };
    let reply = flattened(first);
    for (;;) {
      // The next page is read while this one is stored and handed on.
      const next =
        reply.done || !reply.nextRecordsUrl
          ? undefined
          : org.nextPage<Record<string, unknown>>(reply.nextRecordsUrl, batchSize).then(flattened);
      // Awaited below; a failure while this page is stored must not surface as an unhandled rejection meanwhile.
      next?.catch(() => undefined);
      await store(reply.records);
      if (!next) break;
      reply = await next;
    }
    await storeLast();
    input.onReadEnd?.();
    await pages.finish();
    return { total, imported, path: 'rest' };
  }
}

/** A REST reply's page as the import keeps it: flattened, the parsed reply let go. */
interface FlatPage {
  done: boolean;
  nextRecordsUrl?: string;
  records: MirrorRecord[];
}

/** Runs page handlers with at most `limit` at once; the first failure stops the import once the others end. */
class PagesInFlight {
  private readonly running = new Set<Promise<void>>();
  private failure: { error: unknown } | undefined;

  constructor(private readonly limit: number) {}

  async add(work: () => Promise<void>): Promise<void> {
    this.throwIfFailed();
    const task: Promise<void> = work()
      .catch((error: unknown) => {
        this.failure ??= { error };
      })
      .finally(() => this.running.delete(task));
    this.running.add(task);
    while (this.running.size >= Math.max(1, this.limit)) await Promise.race(this.running);
    this.throwIfFailed();
  }

  async finish(): Promise<void> {
    await this.settle();
    this.throwIfFailed();
  }

  async settle(): Promise<void> {
    while (this.running.size > 0) await Promise.allSettled([...this.running]);
  }

  private throwIfFailed(): void {
    if (this.failure) throw this.failure.error;
  }
}
