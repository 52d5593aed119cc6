import type { Connection } from 'jsforce';
import { z } from 'zod';
import { insertWithFirstPage, type AlongsideInsert } from './insert-with-first-page';

/** One page of a SOQL query as the REST API answers it. */
export interface QueryPage<T> {
  totalSize: number;
  done: boolean;
  nextRecordsUrl?: string;
  records: T[];
}

export interface ApiUsage {
  used: number;
  limit: number;
}

const identitySchema = z.looseObject({ user_id: z.string(), organization_id: z.string(), username: z.string() });
const saveResultSchema = z.looseObject({
  id: z.string().nullish(),
  success: z.boolean(),
  errors: z.array(z.looseObject({ statusCode: z.string().optional(), message: z.string().optional() })).default([]),
});

/** A single-record save Salesforce refused (validation, permissions): the message carries its reasons. */
export class SaveRefusedError extends Error {
  constructor(
    readonly object: string,
    readonly errors: { statusCode?: string; message?: string }[],
  ) {
    super(`${object}: ${errors.map((e) => `${e.statusCode ?? 'ERROR'}: ${e.message ?? ''}`).join('; ') || 'refused'}`);
  }
}

/**
 * The org, as the rest of the server sees it: queries, single-record saves, platform events, identity and limits.
 * jsforce stays behind this boundary (an ESLint rule keeps it under `salesforce/`); the adapters in `salesforce/`
 * (writers, streams, describe, Bulk) use `connection` directly, everything else goes through these methods.
 */
export class OrgClient {
  private readonly responseListeners = new Set<() => void>();

  constructor(readonly connection: Connection) {}

  /**
   * Calls `listener` after every call made through this client, reads and errors included (jsforce has updated
   * `limitInfo` from the response's Sforce-Limit-Info by then); returns a function that unsubscribes. The writers
   * report their own calls (`onRequest`).
   */
  onResponse(listener: () => void): () => void {
    this.responseListeners.add(listener);
    return () => this.responseListeners.delete(listener);
  }

  get apiVersion(): string {
    return this.connection.version;
  }

  get instanceUrl(): string {
    return this.connection.instanceUrl;
  }

  /**
   * Every row the query selects (queryMore followed to the end, up to `maxFetch`); `includeDeleted` reads the
   * recycle bin too (queryAll).
   */
  async query<T = Record<string, unknown>>(
    soql: string,
    options: { maxFetch?: number; includeDeleted?: boolean } = {},
  ): Promise<T[]> {
    const result = await this.answered(
      this.connection.query<T & Record<string, unknown>>(soql, {
        autoFetch: true,
        maxFetch: options.maxFetch ?? 1_000_000,
        ...(options.includeDeleted && { scanAll: true }),
      }),
    );
    return result.records as T[];
  }

  /** `SELECT COUNT() …`: the number Salesforce reports. */
  async count(soql: string): Promise<number> {
    const result = await this.answered(this.connection.query(soql));
    return result.totalSize;
  }

  /**
   * The first page of a query, `batchSize` rows at most (Sforce-Query-Options). With `alongside`, that record is
   * created in the same API call (one Composite request; see insert-with-first-page).
   */
  firstPage<T>(soql: string, batchSize: number, alongside?: AlongsideInsert): Promise<QueryPage<T>> {
    const url = `/services/data/v${this.apiVersion}/query?q=${encodeURIComponent(soql)}`;
    if (!alongside) return this.page(url, batchSize);
    return insertWithFirstPage<T>(this, {
      queryUrl: url,
      batchSize,
      insert: alongside,
      readAlone: () => this.page<T>(url, batchSize),
    });
  }

  /** The page a `nextRecordsUrl` points at. */
  nextPage<T>(nextRecordsUrl: string, batchSize: number): Promise<QueryPage<T>> {
    return this.page(nextRecordsUrl, batchSize);
  }

  /** Ids of the object's records deleted in the window (the recycle bin's view, as `getDeleted` gives it). */
  async deletedIds(object: string, start: Date, end: Date): Promise<string[]> {
    const result = await this.answered(this.connection.sobject(object).deleted(start, end));
    return (result.deletedRecords ?? []).map((r) => r.id);
  }

  /** Creates one record; refused saves throw `SaveRefusedError`. */
  async insert(object: string, fields: Record<string, unknown>): Promise<string> {
    const result = saveResultSchema.parse(await this.answered(this.connection.sobject(object).create(fields)));
    if (!result.success || !result.id) throw new SaveRefusedError(object, result.errors);
    return result.id;
  }

  /** Updates one record; refused saves throw `SaveRefusedError`. */
  async update(object: string, id: string, fields: Record<string, unknown>): Promise<void> {
    const result = saveResultSchema.parse(
      await this.answered(this.connection.sobject(object).update({ Id: id, ...fields })),
    );
    if (!result.success) throw new SaveRefusedError(object, result.errors);
  }

  /** Deletes one record; refused deletes throw `SaveRefusedError` (an already deleted record answers ENTITY_IS_DELETED). */
  async delete(object: string, id: string): Promise<void> {
    const result = saveResultSchema.parse(await this.connection.sobject(object).destroy(id));
    if (!result.success) throw new SaveRefusedError(object, result.errors);
  }

  /**
   * A REST call of its own (a Composite request, a Collections delete): `url` relative to the versioned API root
   * (`/composite`), the answer as Salesforce gave it. Counted like every other call (the response listeners run).
   */
  request<T = unknown>(call: { method: 'GET' | 'POST' | 'PATCH' | 'DELETE'; url: string; body?: unknown }): Promise<T> {
    return this.answered(
      this.connection.request<T>({
        method: call.method,
        url: `/services/data/v${this.apiVersion}${call.url}`,
        ...(call.body !== undefined && {
          body: JSON.stringify(call.body),
          headers: { 'Content-Type': 'application/json' },
        }),
      }),
    );
  }

  /** Publishes one platform event (an insert of the event object). */
  publish(event: string, fields: Record<string, unknown>): Promise<string> {
    return this.insert(event, fields);
  }

  async identity(): Promise<{ userId: string; orgId: string; username: string }> {
    const raw = identitySchema.parse(await this.answered(this.connection.identity()));
    return { userId: raw.user_id, orgId: raw.organization_id, username: raw.username };
  }

  /** The `/limits` resource as Salesforce answers it. */
  limits(): Promise<unknown> {
    return this.answered(this.connection.limits());
  }

  /** The daily API usage the last response's `Sforce-Limit-Info` reported, when one did. */
  apiUsage(): ApiUsage | undefined {
    return this.connection.limitInfo?.apiUsage;
  }

  private async page<T>(url: string, batchSize: number): Promise<QueryPage<T>> {
    return (await this.answered(
      this.connection.request({
        method: 'GET',
        url,
        headers: { 'Sforce-Query-Options': `batchSize=${batchSize}` },
      }),
    )) as QueryPage<T>;
  }

  /** Waits for a call, then tells the response listeners, whether it succeeded or not. */
  private async answered<T>(call: PromiseLike<T>): Promise<T> {
    try {
      return await call;
    } finally {
      for (const listener of this.responseListeners) {
        try {
          listener();
        } catch {
          // A listener's failure must not change the call's outcome.
        }
      }
    }
  }
}
