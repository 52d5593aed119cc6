/**
 * The REST API calls the Apex stand-ins make, as the signed-in user: SOQL, describe, record create, update and
 * delete, platform-event publish. Salesforce's error answers become `OrgRestError` with the org's own code and message.
 */
import { z } from 'zod';
import type { OrgSession } from './org-session';

export class OrgRestError extends Error {
  constructor(
    readonly status: number,
    readonly errorCode: string,
    message: string,
  ) {
    super(message);
    this.name = 'OrgRestError';
  }
}

const sfErrorsSchema = z.array(z.object({ errorCode: z.string(), message: z.string() }));
const queryPageSchema = z.object({
  done: z.boolean(),
  nextRecordsUrl: z.string().optional(),
  records: z.array(z.record(z.string(), z.unknown())),
});
const describeSchema = z.object({
  name: z.string(),
  fields: z.array(
    z.object({
      name: z.string(),
      label: z.string(),
      type: z.string(),
      updateable: z.boolean().optional(),
      filterable: z.boolean().optional(),
      picklistValues: z.array(z.object({ value: z.string(), active: z.boolean().optional() })).optional(),
    }),
  ),
});
const globalSchema = z.object({ sobjects: z.array(z.object({ name: z.string(), keyPrefix: z.string().nullable() })) });
const createdSchema = z.object({ id: z.string(), success: z.boolean() });

export type SObjectDescribe = z.infer<typeof describeSchema>;
export type QueryRow = Record<string, unknown>;

/** A Salesforce id, 15 or 18 characters: the only value stand-ins ever place in a SOQL string, checked first. */
export const SALESFORCE_ID = /^[a-zA-Z0-9]{15}(?:[a-zA-Z0-9]{3})?$/;

export class OrgRest {
  private readonly describes = new Map<string, Promise<SObjectDescribe>>();
  private prefixes: Promise<Map<string, string>> | undefined;

  constructor(private readonly session: OrgSession) {}

  private async call(method: string, path: string, body?: unknown): Promise<unknown> {
    const url = path.startsWith('/services/')
      ? `${this.session.instanceUrl}${path}`
      : `${this.session.instanceUrl}/services/data/v${this.session.apiVersion}${path}`;
    const response = await fetch(url, {
      method,
      headers: { Authorization: `Bearer ${this.session.accessToken}`, 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    const parsed: unknown = text ? JSON.parse(text) : undefined;
    if (!response.ok) {
      const errors = sfErrorsSchema.safeParse(parsed);
      const first = errors.success ? errors.data[0] : undefined;
      throw new OrgRestError(response.status, first?.errorCode ?? 'UNKNOWN_ERROR', first?.message ?? text);
    }
    return parsed;
  }

  async query(soql: string): Promise<QueryRow[]> {
    let page = queryPageSchema.parse(await this.call('GET', `/query?q=${encodeURIComponent(soql)}`));
    const rows = [...page.records];
    while (!page.done && page.nextRecordsUrl) {
      page = queryPageSchema.parse(await this.call('GET', page.nextRecordsUrl));
      rows.push(...page.records);
    }
    return rows;
  }

  /** `SELECT COUNT() …`: the org's totalSize. */
  async count(soql: string): Promise<number> {
    const page = z
      .object({ totalSize: z.number() })
      .parse(await this.call('GET', `/query?q=${encodeURIComponent(soql)}`));
    return page.totalSize;
  }

  describe(object: string): Promise<SObjectDescribe> {
    let cached = this.describes.get(object);
    if (!cached) {
      cached = this.call('GET', `/sobjects/${encodeURIComponent(object)}/describe`).then((d) =>
        describeSchema.parse(d),
      );
      cached.catch(() => this.describes.delete(object));
      this.describes.set(object, cached);
    }
    return cached;
  }

  /** The object of a record id, from its key prefix (what `Id.getSObjectType()` answers in Apex). */
  async objectOf(recordId: string): Promise<string | undefined> {
    this.prefixes ??= this.call('GET', '/sobjects').then((g) => {
      const map = new Map<string, string>();
      for (const s of globalSchema.parse(g).sobjects) if (s.keyPrefix) map.set(s.keyPrefix, s.name);
      return map;
    });
    return (await this.prefixes).get(recordId.slice(0, 3));
  }

  async update(object: string, id: string, fields: Record<string, unknown>): Promise<void> {
    await this.call('PATCH', `/sobjects/${encodeURIComponent(object)}/${id}`, fields);
  }

  /** Creates a record; answers its id. */
  async create(object: string, fields: Record<string, unknown>): Promise<string> {
    return createdSchema.parse(await this.call('POST', `/sobjects/${encodeURIComponent(object)}`, fields)).id;
  }

  /** Deletes a record (REST DELETE); the org's refusal comes back as an OrgRestError. */
  async delete(object: string, id: string): Promise<void> {
    await this.call('DELETE', `/sobjects/${encodeURIComponent(object)}/${id}`);
  }

  /** Publishes a platform event (REST create); answers the id the org gives the published event. */
  async publish(event: string, fields: Record<string, unknown>): Promise<string> {
    return createdSchema.parse(await this.call('POST', `/sobjects/${encodeURIComponent(event)}`, fields)).id;
  }
}
