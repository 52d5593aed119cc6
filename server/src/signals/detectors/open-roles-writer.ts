import { attributeKeySchema } from '../../domain/attributes';
import type { EnrichedWrites } from '../../pipeline/enrich/runs/enriched-writes';
import type { OpenRolesWriter } from './hiring-surge-detector';

/**
 * Writes an Account's open-role count when it did not fire (a firing carries it to the firer as an attribute), through
 * the same path enriched values take: the refresher, under `company.open_roles`' field map and its write rule. Until
 * the attribute catalogue knows `company.open_roles` (the firer's part of issue 14) there is nothing to map it to.
 */
export class EnrichedOpenRolesWriter implements OpenRolesWriter {
  constructor(
    private readonly writes: EnrichedWrites,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async writeOpenRoles(accountId: string, count: number): Promise<void> {
    const key = attributeKeySchema.safeParse('company.open_roles');
    if (!key.success) return;
    const records = await this.writes.recordsFor('Account', [accountId], new Map());
    const value = {
      key: key.data,
      value: count,
      provider: 'job_board',
      confidence: 0.9,
      fetchedAt: this.now().toISOString(),
    };
    await this.writes.write('Account', records, new Map([[accountId, [value]]]));
  }
}
