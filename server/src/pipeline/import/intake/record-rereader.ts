import type { ObjectInclusion } from '../../../config/object-inclusion';
import type { MirrorRecord } from '../../../domain/mirror-record';
import type { OrgClient } from '../../../salesforce/org-client';
import type { DescribeCache } from '../../../salesforce/schema/describe-cache';
import type { LiveConfig } from '../../live-config';
import { createFieldTypeLookup } from '../../segments/filter';
import { flattenRecord } from '../flatten-record';
import type { MirrorStore } from '../mirror-store';
import { sourceQuery } from '../source-query';

/** Ids per query: 200 keeps the SOQL well inside its length limit. */
const IDS_PER_QUERY = 200;

/**
 * Reads records afresh through the object's inclusion (every active source's filter, OR-ed) restricted to their
 * ids; those that still match go into the mirror (a record new to the loop, a gap event, ENRICH_RECORD).
 */
export class RecordRereader {
  constructor(
    private readonly org: OrgClient,
    private readonly describes: DescribeCache,
    private readonly config: LiveConfig,
    private readonly mirror: MirrorStore,
  ) {}

  async reread(source: ObjectInclusion, recordIds: string[]): Promise<MirrorRecord[]> {
    const fields = this.config.fieldSet(source.object);
    if (!fields || recordIds.length === 0) return [];
    const describe = await this.describes.describe(source.object);
    const account = source.object === 'Contact' ? await this.describes.describe('Account') : undefined;
    const fieldType = createFieldTypeLookup({
      fields: describe.fields,
      parentFields: (r) => (r === 'Account' ? account?.fields : undefined),
    });
    const found: MirrorRecord[] = [];
    for (let i = 0; i < recordIds.length; i += IDS_PER_QUERY) {
      const ids = recordIds.slice(i, i + IDS_PER_QUERY);
      const soql = sourceQuery(source, fields, fieldType, { field: 'Id', op: 'in', value: ids });
      for (const raw of await this.org.query<Record<string, unknown>>(soql)) {
        found.push({ id: String(raw.Id), object: source.object, fields: flattenRecord(raw, fields.parentFields) });
      }
    }
    return this.mirror.putMany(found);
  }
}
