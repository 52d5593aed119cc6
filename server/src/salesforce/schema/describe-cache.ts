import type { Connection } from 'jsforce';
import { z } from 'zod';

/** The parts of a describe field the loop decides on: may we read it, write it, and what does it hold. */
const describeFieldSchema = z.looseObject({
  name: z.string(),
  label: z.string().default(''),
  type: z.string(),
  length: z.number().nullish(),
  updateable: z.boolean().default(false),
  createable: z.boolean().default(false),
  nillable: z.boolean().default(true),
  calculated: z.boolean().default(false),
  filterable: z.boolean().default(true),
  externalId: z.boolean().default(false),
  restrictedPicklist: z.boolean().default(false),
  picklistValues: z.array(z.looseObject({ value: z.string(), active: z.boolean().default(true) })).default([]),
  referenceTo: z.array(z.string()).default([]),
  relationshipName: z.string().nullish(),
});

const describeSchema = z.looseObject({
  name: z.string(),
  fields: z.array(describeFieldSchema),
});

export type DescribeField = z.infer<typeof describeFieldSchema>;

export interface ObjectDescribe {
  name: string;
  fields: DescribeField[];
  /** Case-insensitive, like Salesforce itself. Fields the user cannot read are absent from describe. */
  field(name: string): DescribeField | undefined;
}

/**
 * Describe results per object, fetched once and kept until `invalidate` (a config reload re-reads them, since an
 * admin may have added a field or changed field-level security).
 */
export class DescribeCache {
  private readonly cache = new Map<string, Promise<ObjectDescribe>>();

  constructor(private readonly conn: Connection) {}

  describe(object: string): Promise<ObjectDescribe> {
    let pending = this.cache.get(object);
    if (!pending) {
      pending = this.fetch(object);
      pending.catch(() => this.cache.delete(object));
      this.cache.set(object, pending);
    }
    return pending;
  }

  /**
   * Keeps a describe read some other way (several in one Composite call at config load), so `describe` does not
   * ask again. A body that is not a describe is ignored: `describe` then asks for itself.
   */
  prime(object: string, raw: unknown): void {
    const parsed = describeSchema.safeParse(raw);
    if (parsed.success) this.cache.set(object, Promise.resolve(toDescribe(parsed.data)));
  }

  invalidate(): void {
    this.cache.clear();
  }

  private async fetch(object: string): Promise<ObjectDescribe> {
    const raw = await this.conn.request(
      `/services/data/v${this.conn.version}/sobjects/${encodeURIComponent(object)}/describe`,
    );
    return toDescribe(describeSchema.parse(raw));
  }
}

function toDescribe(parsed: z.infer<typeof describeSchema>): ObjectDescribe {
  const byName = new Map(parsed.fields.map((f) => [f.name.toLowerCase(), f]));
  return { name: parsed.name, fields: parsed.fields, field: (name) => byName.get(name.toLowerCase()) };
}
