import type { AttributeValue } from '../../../domain/attributes';
import type { MirrorRecord, RecordObject } from '../../../domain/mirror-record';
import type { MirrorStore } from '../../import/mirror-store';
import { RetryableWriteError, type RecordRefresher } from '../../refresh-records';
import type { ProviderInput } from '../providers/provider-contract';
import type { ExclusiveRecords } from './runner-deps';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Writes the values a waterfall won through the record refresher (same planner, rules, ledger and writer as
 * offline values), never at the same time as an intake batch processing the same record.
 */
export class EnrichedWrites {
  constructor(
    private readonly deps: { mirror: MirrorStore; refresher: RecordRefresher; exclusive?: ExclusiveRecords },
  ) {}

  /** Mirror records where the mirror has them; otherwise the record as just read. */
  async recordsFor(
    object: RecordObject,
    ids: readonly string[],
    inputs: ReadonlyMap<string, ProviderInput>,
  ): Promise<MirrorRecord[]> {
    const mirrored = await this.deps.mirror.getMany(object, [...ids]);
    return ids.map(
      (id) =>
        mirrored.get(id) ?? {
          id,
          object,
          fields: Object.fromEntries(Object.entries(inputs.get(id) ?? {}).filter(([, v]) => v !== undefined)),
        },
    ) as MirrorRecord[];
  }

  /**
   * Through the refresher, holding the records against overlapping intake batches: a record an intake batch is
   * processing is waited for (its bought values must still be written), then processed on the mirror's newest copy.
   */
  async write(
    object: RecordObject,
    records: MirrorRecord[],
    extra: ReadonlyMap<string, readonly AttributeValue[]>,
  ): Promise<void> {
    const exclusive = this.deps.exclusive;
    if (!exclusive) return this.writeWithRetry(object, records, extra);
    const given = new Map(records.map((record) => [record.id, record]));
    let pending = records.map((record) => record.id);
    for (let round = 0; pending.length > 0; round += 1) {
      let got: string[] = [];
      await exclusive(object, pending, async (ids) => {
        got = ids;
        if (ids.length === 0) return;
        const fresh = await this.deps.mirror.getMany(object, ids);
        const batch = ids.map((id) => fresh.get(id) ?? given.get(id)).filter((r): r is MirrorRecord => !!r);
        await this.writeWithRetry(object, batch, extra);
      });
      const done = new Set(got);
      pending = pending.filter((id) => !done.has(id));
      if (pending.length > 0) await sleep(Math.min(100 * 2 ** round, 2_000));
    }
  }

  /** Through the refresher, trying again writes that may succeed later (as the import does). */
  private async writeWithRetry(
    object: RecordObject,
    records: MirrorRecord[],
    extra: ReadonlyMap<string, readonly AttributeValue[]>,
  ): Promise<void> {
    let batch = records;
    for (let attempt = 1; ; attempt += 1) {
      try {
        // Paid values were bought by ENRICH_RECORD, an entry or a run; the last two stop with their queues at the
        // budget's stop level already, so what reaches here may still be written (single-record work).
        await this.deps.refresher.refresh(object, batch, { extraAttributes: extra, work: 'single_record' });
        return;
      } catch (error) {
        if (!(error instanceof RetryableWriteError) || attempt >= 5) throw error;
        const retry = new Set(error.recordIds);
        batch = [...(await this.deps.mirror.getMany(object, [...retry])).values()];
        await sleep(250 * 2 ** attempt);
      }
    }
  }
}
